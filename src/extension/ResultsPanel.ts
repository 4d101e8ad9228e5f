import { homedir } from 'node:os';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ResultsPanelEvent, ResultsPanelMethods, ResultsSlice, ResultsView } from '../core/protocol/resultsPanelMessages';
import type { RpcRequest, RpcResponse } from '../core/protocol/rpc';
import { writeAtomically } from '../core/files/writeAtomically';
import { isResultFormatId, RESULT_FORMATS, sliceRows } from '../core/results/resultFormats';
import { saveChartPng } from './saveChartPng';
import { webviewHtml } from './webviewHtml';

/** The "Quarry: Results" panel beside the editor: the last statement run, its rows in the grid (webview/resultsPanel.ts), or its error. */
export class ResultsPanel implements vscode.Disposable {
  private static current: ResultsPanel | null = null;
  private view: ResultsView | null = null;
  /** The grid's sort and filter, as it last reported them: what Export Results writes. */
  private order: ResultsSlice = {};
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
    current.order = {};
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
    const { id } = message;
    if (message.method === 'ready') return { id, ok: true, value: this.view };
    if (message.method === 'cancel') return { id, ok: true, value: { cancelled: ResultsPanel.cancelRunning() } };
    if (message.method === 'order') {
      this.order = message.params as ResultsSlice;
      return { id, ok: true, value: {} };
    }
    if (message.method === 'savePng') {
      const { dataUrl, name } = message.params as ResultsPanelMethods['savePng']['params'];
      try {
        return { id, ok: true, value: { file: await saveChartPng(dataUrl, name) } };
      } catch (error) {
        return { id, ok: false, error: { code: 'export-failed', message: (error as Error).message } };
      }
    }
    const view = this.view;
    if (view?.kind !== 'rows') return { id, ok: false, error: { code: 'no-rows', message: 'there are no rows to copy or export' } };
    if (message.method === 'copy') {
      const { format, headers, ...slice } = message.params as ResultsPanelMethods['copy']['params'];
      if (!isResultFormatId(format)) return { id, ok: false, error: { code: 'bad-format', message: `there is no copy format "${format}"` } };
      const picked = sliceRows(view.columns, view.rows, slice);
      await vscode.env.clipboard.writeText(RESULT_FORMATS[format].write(picked.columns, picked.rows, { headers }));
      void vscode.window.setStatusBarMessage(`Quarry: ${picked.rows.length.toLocaleString('en-US')} ${picked.rows.length === 1 ? 'row' : 'rows'} copied as ${RESULT_FORMATS[format].label}`, 3000);
      return { id, ok: true, value: { rows: picked.rows.length } };
    }
    if (message.method === 'export') {
      const { format, ...slice } = message.params as ResultsPanelMethods['export']['params'];
      try {
        return { id, ok: true, value: await this.exportTo(format, slice) };
      } catch (error) {
        return { id, ok: false, error: { code: 'export-failed', message: (error as Error).message } };
      }
    }
    return { id, ok: false, error: { code: 'internal', message: `unknown request ${String(message.method)}` } };
  }

  /**
   * "Quarry: Export Results…": the shown rows, in the grid's order, to a file (asked for unless
   * given), written whole or not at all. Null when nothing is shown or the user cancelled.
   */
  static async exportResults(format: string, file?: string): Promise<{ file: string | null; rows: number } | null> {
    const panel = ResultsPanel.current;
    if (panel?.view?.kind !== 'rows') return null;
    return panel.exportTo(format, panel.order, file);
  }

  private async exportTo(format: string, slice: ResultsSlice, file?: string): Promise<{ file: string | null; rows: number }> {
    const view = this.view;
    if (view?.kind !== 'rows') throw new Error('there are no rows to export: run a statement first');
    const chosen = isResultFormatId(format) ? RESULT_FORMATS[format] : undefined;
    if (!chosen?.fileExtension) throw new Error(`results cannot be exported as "${format}": choose CSV or JSON`);
    const picked = sliceRows(view.columns, view.rows, slice);
    const target =
      file ??
      (
        await vscode.window.showSaveDialog({
          title: `Export ${picked.rows.length.toLocaleString('en-US')} rows as ${chosen.label}`,
          defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir()), `results.${chosen.fileExtension}`),
          filters: { [chosen.label]: [chosen.fileExtension] },
        })
      )?.fsPath;
    if (!target) return { file: null, rows: 0 };
    writeAtomically(target, chosen.write(picked.columns, picked.rows, { headers: true }));
    void vscode.window.setStatusBarMessage(`Quarry: ${picked.rows.length.toLocaleString('en-US')} rows exported to ${basename(target)}`, 5000);
    return { file: target, rows: picked.rows.length };
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.extensionUri, 'resultsPanel.js', '', '<div id="app">Run a statement with Ctrl+Enter (⌘+Enter) in a SQL file.</div>', 'resultsPanel.css');
  }
}
