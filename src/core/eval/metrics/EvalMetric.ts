import type { EvalValue, PreparedRows } from '../compareResults';

/**
 * One way of scoring a prediction by execution, as a benchmark's authors score it: how their harness
 * runs the query, when it would not run it at all, and when the rows count as the gold's. Metrics
 * live in the registry (evalMetrics.ts); the database worker scores every metric a run asks for
 * from the same executions, and reports, the CLI and the panel list them from the registry.
 */
export interface EvalMetric {
  readonly id: string;
  /** A short name for tables: `EX (Spider)`. */
  readonly label: string;
  /** Whose rule, in a line, for the help text and the docs. */
  readonly rule: string;
  /** The query as the authors' harness runs it (Spider's drops DISTINCT and runs the first statement; BIRD's runs the text as given). */
  prepare(sql: string, options: { keepDistinct: boolean }): string;
  /** The error the authors' harness gets before running the prediction (BIRD's sqlite3 and a second statement), or null. */
  refuses(sql: string): string | null;
  /** Whether the predicted rows count as the gold's (prepared once, compared with every prediction of it); `preparedGold` is the gold query as `prepare` made it. */
  matches(gold: PreparedRows, predicted: EvalValue[][], preparedGold: string): boolean;
}
