import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { ResultsView } from '../../src/core/protocol/resultsPanelMessages';
import { resultFormatChoices } from '../../src/core/results/resultFormats';
import type { SqlValue } from '../../src/core/types/QueryResult';
import { PROJECT_ROOT } from './fixtures';

const CHROMIUM = process.env.QUARRY_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The built results page (dist/webview/resultsPanel.js and .css) in headless Chromium, outside
 * VS Code: a stand-in for the webview API answers `ready` with nothing and records every request,
 * so a test or a bench can show a view and see what the page asks the extension to copy or export.
 */
export class ResultsPage {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(): Promise<ResultsPage> {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await page.setContent('<!DOCTYPE html><html><head></head><body><div id="app"></div></body></html>');
    await page.addStyleTag({ content: readFileSync(join(PROJECT_ROOT, 'dist', 'webview', 'resultsPanel.css'), 'utf8') });
    await page.evaluate(() => {
      const w = window as unknown as { requests: { method: string; params: unknown }[]; acquireVsCodeApi: () => unknown };
      w.requests = [];
      w.acquireVsCodeApi = () => ({
        postMessage: (message: { id: number; method: string; params: unknown }) => {
          w.requests.push({ method: message.method, params: message.params });
          const value = message.method === 'ready' ? null : message.method === 'copy' ? { rows: 0 } : message.method === 'export' ? { file: null, rows: 0 } : {};
          setTimeout(() => window.postMessage({ id: message.id, ok: true, value }, '*'));
        },
      });
    });
    await page.addScriptTag({ content: readFileSync(join(PROJECT_ROOT, 'dist', 'webview', 'resultsPanel.js'), 'utf8') });
    return new ResultsPage(browser, page);
  }

  /** Shows a view as the extension would, and waits until the grid has drawn rows (or its placeholder). */
  async show(view: ResultsView): Promise<number> {
    return this.page.evaluate(async (v) => {
      // The message is handled as a later task, and a frame may come first: the old grid must not count.
      document.querySelector('.tabulator-tableholder')?.remove();
      const started = performance.now();
      window.postMessage({ event: 'show', view: v }, '*');
      for (;;) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
        if (document.querySelector('.tabulator-tableholder .tabulator-row, .tabulator-tableholder .tabulator-placeholder, .error, .running')) return performance.now() - started;
      }
    }, view);
  }

  /** What the page asked the extension, in order, since the last call. */
  async requests(): Promise<{ method: string; params: Record<string, unknown> }[]> {
    return this.page.evaluate(() => {
      const w = window as unknown as { requests: { method: string; params: Record<string, unknown> }[] };
      return w.requests.splice(0);
    });
  }

  async dispose(): Promise<void> {
    await this.browser.close();
  }
}

/** A rows view with every format the grid offers. */
export function rowsView(columns: string[], rows: SqlValue[][], more: { truncated?: boolean; maxRows?: number; columnTypes?: string[] } = {}): ResultsView {
  return {
    kind: 'rows',
    sql: 'SELECT …',
    database: 'test.sqlite',
    columns,
    columnTypes: more.columnTypes ?? columns.map(() => ''),
    rows,
    truncated: more.truncated ?? false,
    maxRows: more.maxRows ?? 10_000,
    elapsedMs: 1,
    formats: resultFormatChoices(),
  };
}
