import type { Dialect, QueryResult, SqlValue } from '../types/QueryResult';
import type { InstanceOptions } from '../types/InstanceOptions';
import type { AttachedDatabase } from '../types/AttachedDatabase';
import type { ServerCredentials } from '../types/ServerCredentials';
import type { DatabaseSchema, SchemaOptions } from '../types/DatabaseSchema';
import type { AbortPolicies } from './rpc';

/**
 * Requests the database worker process answers; one worker holds one read-only connection. A
 * worker may instead be asked for generated instances of a database, so the engines' native code
 * runs in a process of its own there too.
 */
export type DbWorkerMethods = {
  /** `path` is a file, or a server's URL, with what the server may be sent. */
  open: { params: { path: string; memoryLimitMb: number; attach?: AttachedDatabase[] } & ServerCredentials; result: { dialect: Dialect } };
  /**
   * `timeoutMs` reaches engines that stop a statement on the server (Postgres); the others are
   * stopped with their worker. The result's first page: with `more`, `moreRows` brings the next
   * (a large result crosses a page at a time, never as one message).
   */
  query: { params: { sql: string; maxRows: number; timeoutMs: number }; result: QueryResult & { more: boolean } };
  /** The next page of the last query's rows; `truncated` once the row cap cut it. */
  moreRows: { params: Record<string, never>; result: RowsPage };
  readSchema: { params: SchemaOptions; result: DatabaseSchema };
  validate: { params: { sql: string }; result: null };
  generateInstances: { params: { source: string; options: InstanceOptions }; result: { paths: string[] } };
  /**
   * Evaluation: each item's gold query (prepared as the official evaluator prepares it) and, when
   * given, its prediction, run on its database and compared in the worker; only verdicts come back.
   */
  evalBatch: { params: { items: EvalItem[]; maxRows: number; memoryLimitMb: number }; result: { verdicts: EvalItemVerdict[] } };
};

export interface RowsPage {
  rows: SqlValue[][];
  more: boolean;
  truncated: boolean;
}

/** `password` where the caller holds one (the editor's SecretStorage); `fromDataFile` for a URL only the dataset named. */
export interface EvalItem extends ServerCredentials {
  path: string;
  /** The gold query as the dataset has it: each metric prepares it as its authors' harness does. */
  gold: string;
  /** The prediction as written; null asks for the gold query alone (is it runnable, under the row cap?). */
  prediction: string | null;
  /** The ids of the metrics to score by (src/core/eval/metrics). */
  metrics: string[];
  /** Spider's --keep_distinct. */
  keepDistinct: boolean;
  /** VES: when the first metric matches, time the two queries this many times each (after a warm-up) for the time ratio. */
  timingRuns?: number;
  /** One of several samples: the digest of its set of rows is wanted, for the vote. */
  rowSet?: boolean;
}

/** One metric's verdict on a prediction: whether its rows count as the gold's, or the error running it as that metric's harness does. */
export type MetricVerdict = { match: boolean } | { error: string };

/**
 * Why the gold query cannot be compared (it fails, or its result is over the row cap); the worker's
 * failure on the prediction (a timeout stops the worker); or each metric's verdict, with the
 * prediction's set of rows as a digest (`rowSet`: samples that return the same set vote together).
 */
export type EvalItemVerdict =
  | { goldError: string }
  | { predError: string; timedOut?: boolean }
  | { scored: Record<string, MetricVerdict>; goldMs: number; predMs?: number; timeRatio?: number; rowSet?: string }
  | { goldOk: true };

/** Every request runs synchronous native code that only stopping the process interrupts. */
export const DB_WORKER_ABORT_POLICIES: AbortPolicies<DbWorkerMethods> = {
  open: 'stop-child',
  query: 'stop-child',
  moreRows: 'stop-child',
  readSchema: 'stop-child',
  validate: 'stop-child',
  generateInstances: 'stop-child',
  evalBatch: 'stop-child',
};
