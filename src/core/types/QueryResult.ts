/** Leaf types shared by every layer and by the protocol files: they import nothing. */

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
