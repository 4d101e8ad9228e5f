/** Leaf types shared by every layer and by the protocol files: they import nothing. */

export type Dialect = 'sqlite' | 'duckdb' | 'postgres';

/** Values as JS types that compare well: integers beyond 2^53 stay bigint, blobs become hex. */
export type SqlValue = number | bigint | string | boolean | null;

export interface QueryResult {
  columns: string[];
  /** Each column's type as the engine declares it ('' where it has none: SQLite expressions). */
  columnTypes?: string[];
  rows: SqlValue[][];
  /** True when the statement had more rows than the row cap allowed. */
  truncated: boolean;
  elapsedMs: number;
}

/**
 * A value as evaluation compares it, with the types Python's sqlite3 gives the official evaluator:
 * bigint an integer, number a real (also when whole: REAL 1.0), Uint8Array a blob, string text.
 */
export type TypedValue = bigint | number | boolean | string | Uint8Array | null;

export interface TypedRows {
  rows: TypedValue[][];
  /** True when the statement had more rows than the row cap allowed (the rows are then not all of them). */
  truncated: boolean;
}
