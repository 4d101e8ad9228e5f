import type { Dialect, QueryResult } from '../types/QueryResult';
import type { DatabaseSchema, SchemaOptions } from '../types/DatabaseSchema';

export interface QueryOptions {
  /** Interrupt the statement after this long (default 10 s). */
  timeoutMs?: number;
  /** Return at most this many rows (default 10,000). */
  maxRows?: number;
  signal?: AbortSignal;
}


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
