import type { QueryResult, SqlValue } from '../types/QueryResult';

/**
 * A statement's rows read a page at a time: the engine keeps the rest (DuckDB's stream, SQLite's
 * stepping statement), so a large result never sits in memory whole on either side of the worker.
 */
export interface RowCursor {
  readonly columns: string[];
  readonly columnTypes: string[];
  /** Up to `max` more rows; fewer, or none, once the result ends. */
  next(max: number): Promise<SqlValue[][]>;
  close(): void;
}

/** A cursor over rows an engine has already read whole (Postgres reads up to the row cap in its transaction). */
export function cursorOver(result: Pick<QueryResult, 'columns' | 'columnTypes' | 'rows'>): RowCursor {
  let at = 0;
  let rows: SqlValue[][] | null = result.rows;
  return {
    columns: result.columns,
    columnTypes: result.columnTypes ?? [],
    async next(max) {
      const page = rows?.slice(at, at + max) ?? [];
      at += page.length;
      return page;
    },
    close() {
      rows = null;
    },
  };
}
