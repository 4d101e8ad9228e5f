import type { SqlValue } from '../types/QueryResult';
import type { EvalReport } from './evalReport';

/** A saved run, as the panel lists it. */
export interface ReportListing {
  path: string;
  /** The run's name: the user's, or the model (or predictions) on the dataset. */
  name: string;
  createdAt: string;
  execAccuracy: number;
  strictAccuracy?: number;
  evaluated: number;
}

export type QueryOutcome = { columns: string[]; rows: SqlValue[][]; truncated: boolean } | { error: string };

export interface ExampleDetail {
  index: number;
  question: string;
  goldSql: string;
  predSql: string | null;
  gold: QueryOutcome;
  predicted: QueryOutcome | null;
  attempts: { sql: string; error?: string; ms: number }[];
}

/** Requests the panel's webview sends to the extension; each is answered by an RpcResponse with the same id. */
export type EvalPanelMethods = {
  listReports: { params: Record<string, never>; result: ReportListing[] };
  openReport: { params: { path: string }; result: EvalReport };
  exampleDetail: { params: { path: string; index: number }; result: ExampleDetail };
  openSql: { params: { sql: string }; result: null };
  /** Saves a chart's picture (a PNG data URL) where the user picks; null when they cancelled. */
  savePng: { params: { dataUrl: string; name: string }; result: { file: string | null } };
  /** Asks the user for a new name (the editor's input box); null when they cancel. */
  renameReport: { params: { path: string }; result: { name: string } | null };
};

/** Events the extension pushes to the webview. */
export type EvalPanelEvent =
  | { event: 'progress'; name: string; done: number; total: number; correct: number; evaluated: number }
  /**
   * A run to show, as the baseline (A) unless `asCandidate`: a run that just finished is the
   * candidate beside the baseline already shown, so its gains read as gains.
   */
  | { event: 'show'; path: string; comparePath?: string; asCandidate?: boolean }
  | { event: 'reportsChanged' };
