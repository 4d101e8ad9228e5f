import type { SqlValue } from '../types/QueryResult';

/** One value of a result as the webview receives it. */
export type ResultsValue = SqlValue;

/** A way the grid can copy rows, as the extension's format registry names it; `exportable` ones can also be saved to a file. */
export interface ResultsFormatChoice {
  id: string;
  label: string;
  exportable: boolean;
}

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
      /** The copy and export formats, in the order the grid offers them. */
      formats: ResultsFormatChoice[];
    }
  | { kind: 'error'; sql: string; database: string; message: string }
  /** A statement still running: the panel counts the time from `startedAt` (ms since the epoch) and offers Cancel. */
  | { kind: 'running'; sql: string; database: string; startedAt: number };

/**
 * Rows and columns of the shown result, by their index in the view, in the order the grid shows
 * them (its sort and filter applied); absent means all of them, in the statement's order.
 */
export interface ResultsSlice {
  rows?: number[];
  columns?: number[];
}

/** Requests the panel's webview sends; each is answered by an RpcResponse with the same id. */
export type ResultsPanelMethods = {
  /** The webview is listening: the extension answers with what to show. */
  ready: { params: Record<string, never>; result: ResultsView | null };
  copy: { params: ResultsSlice & { format: string; headers: boolean }; result: { rows: number } };
  /** Saves rows to a file the user picks (written whole or not at all); null when the user cancelled. */
  export: { params: ResultsSlice & { format: string }; result: { file: string | null; rows: number } };
  /** The grid's order changed (a sort or filter): what the palette's Export Results writes from now on. */
  order: { params: ResultsSlice; result: Record<string, never> };
  /** Saves the chart's picture (a PNG data URL) where the user picks; null when they cancelled. */
  savePng: { params: { dataUrl: string; name: string }; result: { file: string | null } };
  /** Stops the running statement; false when none was running. */
  cancel: { params: Record<string, never>; result: { cancelled: boolean } };
};

/** Events the extension pushes to the webview. */
export type ResultsPanelEvent = { event: 'show'; view: ResultsView };
