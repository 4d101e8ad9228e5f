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
  | { kind: 'error'; sql: string; database: string; message: string };

/** Requests the panel's webview sends; each is answered by an RpcResponse with the same id. */
export type ResultsPanelMethods = {
  /** The webview is listening: the extension answers with what to show. */
  ready: { params: Record<string, never>; result: ResultsView | null };
  copy: { params: { format: 'csv' | 'json' | 'markdown' }; result: { rows: number } };
};

/** Events the extension pushes to the webview. */
export type ResultsPanelEvent = { event: 'show'; view: ResultsView };
