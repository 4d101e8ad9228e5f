/** The evaluation report: written by src/core/eval, read by the CLI, the extension and the panel's webview. */
export type Hardness = 'easy' | 'medium' | 'hard' | 'extra';
/** Spider's levels in their order, and `unknown` for a gold query its parser cannot rate. */
export const HARDNESS_LEVELS: readonly (Hardness | 'unknown')[] = ['easy', 'medium', 'hard', 'extra', 'unknown'];
/** BIRD's own levels, from its dataset. */
export type Difficulty = 'simple' | 'moderate' | 'challenging';
export const DIFFICULTIES: readonly Difficulty[] = ['simple', 'moderate', 'challenging'];

export interface ExampleResult {
  index: number;
  db_id: string;
  /** The database file, so a viewer can run the queries again. */
  dbPath?: string;
  question: string;
  goldSql: string;
  hardness: Hardness | null;
  /** BIRD's level, when the dataset gives one. */
  difficulty?: Difficulty;
  /** External knowledge the question came with (BIRD's evidence), passed to the model. */
  evidence?: string;
  /** Spider's verdict (spider-exec), kept beside `scores` for one release. */
  execMatch?: 0 | 1;
  /** Each metric's verdict, by metric id (spider-exec, bird-ex, …). */
  scores?: Record<string, 0 | 1>;
  /** The prediction ran past the time limit (it scores 0 by every metric). */
  timedOut?: boolean;
  /** One execution of the gold query and of the prediction, as the headline metric runs them, in ms. */
  goldMs?: number;
  predMs?: number;
  /** VES's time ratio (gold time / predicted time, BIRD's way), for a right prediction when VES was asked for. */
  vesRatio?: number;
  /** With K samples: each sample (the first is `predSql`), its scores and its vote group (null: it failed, and did not vote). */
  samples?: { sql: string; scores: Record<string, 0 | 1>; group: number | null }[];
  /** With K samples: 1 when any sample is right, by each metric. */
  passAtK?: Record<string, 0 | 1>;
  /** With K samples: the verdicts of the sample the vote chose. */
  majAtK?: Record<string, 0 | 1>;
  /** With --instances: 1 only when the prediction also matches on every generated instance. */
  strictMatch?: 0 | 1;
  predSql?: string;
  /** The prediction's own error when it failed to run (a crash). */
  predError?: string;
  /** Why the example was not counted (missing database, failing gold query). */
  skipped?: string;
  attempts?: { sql: string; error?: string; ms: number }[];
  /** The first attempt failed and a correction made the final SQL run. */
  corrected?: boolean;
  ms: number;
}

export interface EvalSummary {
  total: number;
  evaluated: number;
  skipped: number;
  /** Spider's figure (spider-exec), kept beside `metrics` for one release. */
  execAccuracy: number;
  /** Accuracy by each metric scored, the run's headline first. */
  metrics?: Record<string, number>;
  /** Each metric's name for tables: `EX (BIRD)`. */
  metricLabels?: Record<string, string>;
  /** The efficiency scores among `metrics` (VES, R-VES): no shares of questions, so shown × 100 as numbers, as BIRD prints them. */
  efficiencyMetrics?: string[];
  /** With --instances K: accuracy when a prediction must match on the real database and all K instances. */
  strictAccuracy?: number;
  byHardness: Record<Hardness | 'unknown', LevelFigures>;
  /** Accuracy per BIRD level, when the dataset gives levels. */
  byDifficulty?: Record<Difficulty, LevelFigures>;
  /** Predictions that failed to run, as the headline metric's harness runs them (time-outs included). */
  crashRate: number;
  /** Predictions stopped at the time limit. */
  timeouts?: number;
  /** With K samples a question: K, and pass@K and maj@K by each metric (the headline figures are the first sample's). */
  samples?: number;
  passAtK?: Record<string, number>;
  majAtK?: Record<string, number>;
  /** Examples whose first attempt failed and that ended correct after a correction. */
  rescuedByCorrection: number;
  skippedExamples: { index: number; db_id: string; reason: string }[];
  seconds: number;
}

/** A level's examples: how many, Spider's accuracy, and each metric's. */
export interface LevelFigures {
  count: number;
  execAccuracy: number;
  metrics?: Record<string, number>;
}

export interface EvalReport {
  settings: Record<string, unknown>;
  /** A name the user gave the run (`quarry eval --name`, Rename in the panel); without one, runName(settings). */
  name?: string;
  summary: EvalSummary;
  examples: ExampleResult[];
}
