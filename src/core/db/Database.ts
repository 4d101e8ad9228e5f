import type { DatabaseSchema, SchemaOptions } from '../schema/DatabaseSchema';

export type Dialect = 'sqlite' | 'duckdb';

/** Values as JS types that compare well: integers beyond 2^53 stay bigint, blobs become hex. */
export type SqlValue = number | bigint | string | boolean | null;

export interface QueryResult {
  columns: string[];
  rows: SqlValue[][];
  /** True when the statement had more rows than the row cap allowed. */
  truncated: boolean;
  elapsedMs: number;
}

export interface QueryOptions {
  /** Interrupt the statement after this long (default 10 s). */
  timeoutMs?: number;
  /** Return at most this many rows (default 10,000). */
  maxRows?: number;
  signal?: AbortSignal;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ROWS = 10_000;
/**
 * Memory one DuckDB connection may use for a query. DuckDB's own default is 80% of the machine's
 * memory, which a single generated query could take within its timeout; SQLite needs no cap of
 * its own because it keeps little more than the rows it returns.
 */
export const DEFAULT_MEMORY_LIMIT_MB = 2048;

/** A read-only connection to one database file. */
export interface Database {
  readonly path: string;
  readonly dialect: Dialect;
  /** Runs one read statement; anything else is refused with a `refused` DbError. */
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
  /**
   * Has the engine parse and bind one statement without running it, and throws its error: a syntax
   * or name error in the engine's own words, or `refused` for a statement that would write.
   */
  validate(sql: string, options?: Pick<QueryOptions, 'signal' | 'timeoutMs'>): Promise<void>;
  readSchema(options?: SchemaOptions): Promise<DatabaseSchema>;
  dispose(): Promise<void>;
}
