import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { Database } from '../core/db/Database';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import type { EvalPanelEvent, EvalPanelMethods, ExampleDetail, QueryOutcome, ReportListing } from '../core/protocol/evalPanelMessages';
import { readEvalReport } from '../core/eval/readEvalReport';
import { renameEvalReport } from '../core/eval/renameEvalReport';
import { runName } from '../core/eval/runName';
import { HARDNESS_LEVELS } from '../core/protocol/evalReport';
import type { RpcRequest, RpcResponse } from '../core/protocol/rpc';
import { saveChartPng } from './saveChartPng';
import { webviewHtml } from './webviewHtml';
import type { ServerCredentials } from '../core/types/ServerCredentials';

const DETAIL_ROWS = 50;

/**
 * The evaluation side panel: one webview that lists the saved runs, shows a run or two side by side,
 * and answers the webview's typed requests (reports, example details, opening SQL in an editor).
 */
export class EvalPanel implements vscode.Disposable {
  private static current: EvalPanel | null = null;
  private readonly connections = new Map<string, Promise<Database>>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready: Promise<void>;

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
    private readonly reportsDir: string,
    private readonly credentialsOf: (path: string) => Promise<ServerCredentials>,
  ) {
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage(async (message: RpcRequest<EvalPanelMethods>) => {
        if (message.method === 'listReports') markReady();
        void panel.webview.postMessage(await this.answer(message));
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The panel, created or revealed. */
  static show(extensionUri: vscode.Uri, reportsDir: string, credentialsOf: (path: string) => Promise<ServerCredentials>): EvalPanel {
    if (EvalPanel.current) {
      EvalPanel.current.panel.reveal();
      return EvalPanel.current;
    }
    mkdirSync(reportsDir, { recursive: true });
    const panel = vscode.window.createWebviewPanel('quarry.evaluation', 'Quarry: Evaluation', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
    });
    EvalPanel.current = new EvalPanel(panel, extensionUri, reportsDir, credentialsOf);
    return EvalPanel.current;
  }

  /** Pushes an event once the webview has asked for its first data (so it is listening). */
  async post(event: EvalPanelEvent): Promise<void> {
    await this.ready;
    await this.panel.webview.postMessage(event);
  }

  dispose(): void {
    EvalPanel.current = null;
    for (const connection of this.connections.values()) void connection.then((db) => db.dispose(), () => undefined);
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }

  private async answer(message: RpcRequest<EvalPanelMethods>): Promise<RpcResponse<EvalPanelMethods>> {
    try {
      switch (message.method) {
        case 'listReports':
          return { id: message.id, ok: true, value: this.listReports() };
        case 'openReport':
          return { id: message.id, ok: true, value: readEvalReport((message.params as { path: string }).path) };
        case 'exampleDetail': {
          const { path, index } = message.params as { path: string; index: number };
          return { id: message.id, ok: true, value: await this.exampleDetail(path, index) };
        }
        case 'renameReport': {
          const { path } = message.params as { path: string };
          const value = await this.rename(path);
          return { id: message.id, ok: true, value };
        }
        case 'savePng': {
          const { dataUrl, name } = message.params as { dataUrl: string; name: string };
          return { id: message.id, ok: true, value: { file: await saveChartPng(dataUrl, name) } };
        }
        case 'openSql': {
          const document = await vscode.workspace.openTextDocument({ language: 'sql', content: (message.params as { sql: string }).sql });
          await vscode.window.showTextDocument(document, vscode.ViewColumn.Beside);
          return { id: message.id, ok: true, value: null };
        }
        default:
          return { id: message.id, ok: false, error: { code: 'internal', message: `unknown request ${String(message.method)}` } };
      }
    } catch (error) {
      return { id: message.id, ok: false, error: { code: 'bad-report', message: (error as Error).message } };
    }
  }

  private listReports(): ReportListing[] {
    const listings: ReportListing[] = [];
    for (const name of readdirSync(this.reportsDir).filter((n) => n.endsWith('.json'))) {
      const path = join(this.reportsDir, name);
      try {
        const report = readEvalReport(path);
        listings.push({
          path,
          name: report.name ?? runName(report.settings),
          createdAt: statSync(path).mtime.toISOString(),
          // The run's headline metric: the first it was scored by.
          execAccuracy: Object.values(report.summary.metrics ?? {})[0] ?? report.summary.execAccuracy,
          strictAccuracy: report.summary.strictAccuracy,
          evaluated: report.summary.evaluated,
        });
      } catch {
        // not a report (or a half-written one): not listed
      }
    }
    return listings.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  private async rename(path: string): Promise<{ name: string } | null> {
    const report = readEvalReport(path);
    const typed = await vscode.window.showInputBox({
      title: 'Rename the evaluation run',
      value: report.name ?? runName(report.settings),
      prompt: `${basename(path)} · empty for the name made from the model and dataset`,
      validateInput: (text) => (text.trim().length > 120 ? 'at most 120 characters' : null),
    });
    if (typed === undefined) return null;
    renameEvalReport(path, typed);
    void this.panel.webview.postMessage({ event: 'reportsChanged' } satisfies EvalPanelEvent);
    return { name: typed.trim() || runName(report.settings) };
  }

  private async exampleDetail(path: string, index: number): Promise<ExampleDetail> {
    const example = readEvalReport(path).examples.find((e) => e.index === index);
    if (!example) throw new Error(`example ${index} is not in ${basename(path)}`);
    const base = { index, question: example.question, goldSql: example.goldSql, predSql: example.predSql ?? null, attempts: example.attempts ?? [] };
    if (!example.dbPath) return { ...base, gold: { error: example.skipped ?? 'the database is missing' }, predicted: null };
    const db = await this.connection(example.dbPath);
    return {
      ...base,
      gold: await outcome(db, example.goldSql),
      predicted: example.predSql === undefined ? null : await outcome(db, example.predSql),
    };
  }

  private connection(path: string): Promise<Database> {
    let db = this.connections.get(path);
    if (!db) {
      const workerScript = vscode.Uri.joinPath(this.extensionUri, 'dist', 'dbWorker.js').fsPath;
      // A report names its databases itself: a server there gets saved credentials only when the user connected it.
      db = this.credentialsOf(path).then((credentials) => IsolatedDatabase.open(path, { workerScript, maxRows: DETAIL_ROWS, ...credentials }));
      this.connections.set(path, db);
    }
    return db;
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, 'evalPanel.js', EVAL_PANEL_CSS, this.body());
  }

  private body(): string {
    return `<div class="toolbar">
  <label title="The run the other is measured against">Baseline (A) <select id="run-a"></select></label>
  <label title="The run whose gains and losses against the baseline are shown">Candidate (B) <select id="run-b"></select></label>
  <vscode-button id="rename" appearance="secondary" title="Rename the baseline run">Rename…</vscode-button>
  <span id="status"></span>
</div>
<p id="empty" hidden>No evaluation runs yet. Run "Quarry: Run Evaluation…" or <code>quarry eval --report</code> into this folder: ${escapeHtml(this.reportsDir)}</p>
<section id="summary"></section>
<div class="toolbar">
  <select id="filter"><option value="all">all examples</option><option value="failed">failed</option><option value="crashed">crashed</option><option value="corrected">corrected</option><option value="skipped">skipped</option><option value="flipped">flipped between A and B</option></select>
  <select id="filter-db"><option value="">all databases</option></select>
  <select id="filter-hardness"><option value="">all hardness</option>${HARDNESS_LEVELS.filter((level) => level !== 'unknown').map((level) => `<option>${level}</option>`).join('')}</select>
  <span id="examples-count"></span>
</div>
<section id="detail"></section>
<table id="examples"><thead><tr><th>#</th><th>database</th><th>hardness</th><th>question</th><th>verdict</th></tr></thead><tbody id="examples-body"></tbody></table>`;
  }
}

const EVAL_PANEL_CSS = `body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
select { background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border); padding: 2px 4px; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 8px; vertical-align: top; }
table.summary td { font-variant-numeric: tabular-nums; }
.toolbar { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; margin: 12px 0; }
.chart { margin: 12px 0; max-width: 720px; } .chart-figure { margin: 0; } .chart-canvas { position: relative; height: 220px; }
.chart-figure figcaption { display: flex; gap: 10px; align-items: center; padding-top: 4px; } .chart-deltas { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 4px; }
.save-png { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 2px 8px; cursor: pointer; }
.delta.up { color: var(--vscode-charts-green); } .delta.down { color: var(--vscode-charts-red); }
#examples tr.example { cursor: pointer; } #examples tr.example:hover { background: var(--vscode-list-hoverBackground); }
tr.wrong td:nth-child(5), tr.crashed td:nth-child(5) { color: var(--vscode-errorForeground); }
pre { white-space: pre-wrap; background: var(--vscode-textCodeBlock-background); padding: 6px; }
.sql-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; } .error { color: var(--vscode-errorForeground); }
table.rows { font-family: var(--vscode-editor-font-family); font-size: 12px; }`;

async function outcome(db: Database, sql: string): Promise<QueryOutcome> {
  try {
    const result = await db.query(sql, { maxRows: DETAIL_ROWS });
    return { columns: result.columns, rows: result.rows, truncated: result.truncated };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
