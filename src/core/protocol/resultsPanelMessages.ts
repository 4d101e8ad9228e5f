import type { SqlValue } from '../types/QueryResult';

/** What the results panel shows: one statement's rows (or its error), and where they came from. */
export type ResultsView =
  | {
      kind: 'rows';
      sql: string;
      database: string;
      columns: string[];
      columnTypes: string[];
      rows: SqlValue[][];
      /** The statement had more rows than `maxRows` (quarry.query.maxRows): these are the first ones. */
      truncated: boolean;
      maxRows: number;
      elapsedMs: number;
    }
  | { kind: 'error'; sql: string; database: string; message: string }
  /** A statement still running: the panel counts the time from `startedAt` (ms since the epoch) and offers Cancel. */
  | { kind: 'running'; sql: string; database: string; startedAt: number };

/** Requests the panel's webview sends; each is answered by an RpcResponse with the same id. */
export type ResultsPanelMethods = {
  /** The webview is listening: the extension answers with what to show. */
  ready: { params: Record<string, never>; result: ResultsView | null };
  copy: { params: { format: 'csv' | 'json' | 'markdown' }; result: { rows: number } };
  /** Stops the running statement; false when none was running. */
  cancel: { params: Record<string, never>; result: { cancelled: boolean } };
};

/** Events the extension pushes to the webview. */
export type ResultsPanelEvent = { event: 'show'; view: ResultsView };
