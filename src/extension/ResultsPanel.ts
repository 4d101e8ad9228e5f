import * as vscode from 'vscode';
import type { ResultsPanelEvent, ResultsPanelMethods, ResultsView } from '../core/protocol/resultsPanelMessages';
import type { RpcRequest, RpcResponse } from '../core/protocol/rpc';
import { rowsAsText } from '../core/sql/rowsAsText';
import { webviewHtml } from './webviewHtml';

/** The "Quarry: Results" panel beside the editor: the last statement run, its rows in a virtualised table, or its error. */
export class ResultsPanel implements vscode.Disposable {
  private static current: ResultsPanel | null = null;
  private view: ResultsView | null = null;
  /** The statement running now, stopped by the panel's Cancel or by the next run. */
  private running: AbortController | null = null;
  private readonly disposables: vscode.Disposable[] = [];

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly extensionUri: vscode.Uri,
  ) {
    panel.webview.html = this.html();
    this.disposables.push(
      panel.webview.onDidReceiveMessage(async (message: RpcRequest<ResultsPanelMethods>) => void panel.webview.postMessage(await this.answer(message))),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /**
   * Shows a statement as running, at once, and returns the signal that stops it: Cancel in the
   * panel, or the next run (one statement runs at a time on a connection, so a second would only
   * wait behind the first until its timeout). `finish` shows the outcome if no later run took over.
   */
  static start(extensionUri: vscode.Uri, view: Extract<ResultsView, { kind: 'running' }>): { signal: AbortSignal; finish(view: ResultsView): void } {
    ResultsPanel.current?.running?.abort();
    const controller = new AbortController();
    const panel = ResultsPanel.show(extensionUri, view);
    panel.running = controller;
    return {
      signal: controller.signal,
      finish: (outcome) => {
        if (panel.running !== controller) return;
        panel.running = null;
        if (ResultsPanel.current === panel) ResultsPanel.show(extensionUri, outcome);
      },
    };
  }

  /** "Quarry: Cancel Running Query": stops the statement the panel shows as running; false when none is. */
  static cancelRunning(): boolean {
    const running = ResultsPanel.current?.running;
    running?.abort();
    return !!running;
  }

  /** Shows a result, in the panel beside the editor (created, or revealed without taking the focus). */
  static show(extensionUri: vscode.Uri, view: ResultsView): ResultsPanel {
    let current = ResultsPanel.current;
    if (!current) {
      const panel = vscode.window.createWebviewPanel('quarry.results', 'Quarry: Results', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')],
      });
      current = ResultsPanel.current = new ResultsPanel(panel, extensionUri);
    } else {
      current.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    current.view = view;
    const event: ResultsPanelEvent = { event: 'show', view };
    void current.panel.webview.postMessage(event);
    return current;
  }

  dispose(): void {
    ResultsPanel.current = null;
    this.running?.abort();
    this.disposables.forEach((d) => d.dispose());
    this.panel.dispose();
  }

  private async answer(message: RpcRequest<ResultsPanelMethods>): Promise<RpcResponse<ResultsPanelMethods>> {
    if (message.method === 'ready') return { id: message.id, ok: true, value: this.view };
    if (message.method === 'cancel') return { id: message.id, ok: true, value: { cancelled: ResultsPanel.cancelRunning() } };
    if (message.method === 'copy') {
      const view = this.view;
      if (view?.kind !== 'rows') return { id: message.id, ok: false, error: { code: 'no-rows', message: 'there are no rows to copy' } };
      const { format } = message.params as ResultsPanelMethods['copy']['params'];
      await vscode.env.clipboard.writeText(rowsAsText(view.columns, view.rows, format));
      void vscode.window.setStatusBarMessage(`Quarry: ${view.rows.length} rows copied as ${format.toUpperCase()}`, 3000);
      return { id: message.id, ok: true, value: { rows: view.rows.length } };
    }
    return { id: message.id, ok: false, error: { code: 'internal', message: `unknown request ${String(message.method)}` } };
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, 'resultsPanel.js', RESULTS_PANEL_CSS, '<div id="app">Run a statement with Ctrl+Enter (⌘+Enter) in a SQL file.</div>');
  }
}

const RESULTS_PANEL_CSS = `body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 12px; margin: 0; }
.bar { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; padding: 8px 0; }
.status { font-variant-numeric: tabular-nums; }
.warning { color: var(--vscode-editorWarning-foreground); }
.error { color: var(--vscode-errorForeground); white-space: pre-wrap; font-family: var(--vscode-editor-font-family); }
button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 3px 10px; cursor: pointer; }
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.grid { overflow: auto; height: calc(100vh - 90px); border-top: 1px solid var(--vscode-panel-border); }
table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
th { position: sticky; top: 0; background: var(--vscode-editor-background); text-align: left; z-index: 1; }
th .type { display: block; font-weight: normal; opacity: 0.7; font-size: 0.85em; }
th, td { padding: 0 10px; height: 22px; white-space: nowrap; max-width: 420px; overflow: hidden; text-overflow: ellipsis; border-bottom: 1px solid var(--vscode-panel-border); }
td.number { text-align: right; } td.null { opacity: 0.5; font-style: italic; }
.running { display: flex; gap: 10px; align-items: center; } .elapsed { font-variant-numeric: tabular-nums; }
pre.sql { opacity: 0.8; margin: 0; max-height: 4.5em; overflow: hidden; font-family: var(--vscode-editor-font-family); }`;
