/**
 * The results panel's page: one statement's rows in a table that renders only the rows in view
 * (10,000 rows scroll as smoothly as 10), column types under the names, copy buttons, the time it
 * took, and a plain line when the row limit cut the result. Values arrive as data and are only
 * ever set as text.
 */
import type { ResultsPanelEvent, ResultsPanelMethods, ResultsView } from '../src/core/protocol/resultsPanelMessages';
import type { RpcRequest, RpcResponse } from '../src/core/protocol/rpc';
import { el } from './dom';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const vscode = acquireVsCodeApi();
const ROW_HEIGHT = 22;
const OVERSCAN = 20;

let nextId = 1;
const pending = new Map<number, (response: RpcResponse<ResultsPanelMethods>) => void>();
function request<K extends keyof ResultsPanelMethods & string>(method: K, params: ResultsPanelMethods[K]['params']): Promise<RpcResponse<ResultsPanelMethods>> {
  const id = nextId++;
  const message: RpcRequest<ResultsPanelMethods, K> = { id, method, params };
  vscode.postMessage(message);
  return new Promise((resolve) => pending.set(id, resolve));
}

window.addEventListener('message', (event: MessageEvent<RpcResponse<ResultsPanelMethods> | ResultsPanelEvent>) => {
  const data = event.data;
  if ('event' in data) return render(data.view);
  pending.get(data.id)?.(data);
  pending.delete(data.id);
});


/** The running statement's clock: one at a time, stopped when anything else is shown. */
let clock: ReturnType<typeof setInterval> | undefined;

function render(view: ResultsView | null): void {
  const app = document.getElementById('app')!;
  if (!view) return;
  clearInterval(clock);
  const header = el('div', { className: 'bar' }, el('strong', { text: view.database }));
  const sql = el('pre', { className: 'sql', text: view.sql });
  if (view.kind === 'running') {
    const elapsed = el('span', { className: 'elapsed' });
    const tick = () => (elapsed.textContent = `Running… ${((Date.now() - view.startedAt) / 1000).toFixed(1)} s`);
    tick();
    clock = setInterval(tick, 100);
    const cancel = el('button', { text: 'Cancel' });
    cancel.addEventListener('click', () => {
      cancel.disabled = true;
      cancel.textContent = 'Cancelling…';
      void request('cancel', {});
    });
    header.append(el('span', { className: 'running' }, elapsed, cancel));
    app.replaceChildren(header, sql);
    return;
  }
  if (view.kind === 'error') {
    app.replaceChildren(header, sql, el('div', { className: 'error', text: view.message }));
    return;
  }
  const count = `${view.rows.length.toLocaleString('en-US')} ${view.rows.length === 1 ? 'row' : 'rows'}`;
  header.append(el('span', { className: 'status', text: `${count} · ${view.elapsedMs < 10 ? view.elapsedMs.toFixed(1) : Math.round(view.elapsedMs)} ms` }));
  if (view.truncated) {
    header.append(el('span', { className: 'warning', text: `Only the first ${view.maxRows.toLocaleString('en-US')} rows are shown: the result has more (quarry.query.maxRows).` }));
  }
  for (const format of ['csv', 'json', 'markdown'] as const) {
    const button = el('button', { text: `Copy ${format === 'markdown' ? 'Markdown' : format.toUpperCase()}` });
    button.addEventListener('click', () => void request('copy', { format }));
    header.append(button);
  }
  app.replaceChildren(header, sql, table(view));
}

function table(view: Extract<ResultsView, { kind: 'rows' }>): HTMLElement {
  const grid = el('div', { className: 'grid' });
  const head = el('tr');
  view.columns.forEach((name, i) => head.append(el('th', { text: name }, el('span', { className: 'type', text: view.columnTypes[i] || ' ' }))));
  const body = el('tbody');
  grid.append(el('table', {}, el('thead', {}, head), body));
  const numeric = view.columns.map((_, c) => view.rows.length > 0 && view.rows.every((row) => row[c] === null || typeof row[c] === 'number' || typeof row[c] === 'bigint'));
  // Only the rows in view (and a few around them) are in the page; spacer rows keep the scrollbar true.
  const draw = () => {
    const first = Math.max(0, Math.floor(grid.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(view.rows.length, Math.ceil((grid.scrollTop + grid.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    const spacer = (rows: number) => {
      const row = el('tr');
      row.style.height = `${rows * ROW_HEIGHT}px`;
      return row;
    };
    const rows = view.rows.slice(first, last).map((values) => {
      const row = el('tr');
      values.forEach((value, c) => row.append(el('td', { text: value === null ? 'NULL' : String(value), className: value === null ? 'null' : numeric[c] ? 'number' : '' })));
      return row;
    });
    body.replaceChildren(spacer(first), ...rows, spacer(view.rows.length - last));
  };
  grid.addEventListener('scroll', () => requestAnimationFrame(draw));
  requestAnimationFrame(draw);
  return grid;
}

void request('ready', {}).then((response) => {
  if (response.ok) render(response.value as ResultsView | null);
});
