/** The evaluation report: written by src/core/eval, read by the CLI, the extension and the panel's webview. */
export type Hardness = 'easy' | 'medium' | 'hard' | 'extra';
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
  execMatch?: 0 | 1;
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
  execAccuracy: number;
  /** With --instances K: accuracy when a prediction must match on the real database and all K instances. */
  strictAccuracy?: number;
  byHardness: Record<Hardness | 'unknown', { count: number; execAccuracy: number }>;
  /** Accuracy per BIRD level, when the dataset gives levels. */
  byDifficulty?: Record<Difficulty, { count: number; execAccuracy: number }>;
  crashRate: number;
  /** Examples whose first attempt failed and that ended correct after a correction. */
  rescuedByCorrection: number;
  skippedExamples: { index: number; db_id: string; reason: string }[];
  seconds: number;
}

export interface EvalReport {
  settings: Record<string, unknown>;
  summary: EvalSummary;
  examples: ExampleResult[];
}
