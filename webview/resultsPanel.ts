/**
 * The results panel's page: one statement's rows in a Tabulator grid (virtual rendering, sort and
 * filter per column, resizable columns, range selection with the keyboard), copy of a selection or
 * of everything in the grid's order, export to a file, and a single-record view that shows every
 * value whole. Values arrive as data and are only ever set as text.
 */
import { TabulatorFull as Tabulator } from 'tabulator-tables';
import type { CellComponent, ColumnDefinition, RowComponent } from 'tabulator-tables';
import 'tabulator-tables/dist/css/tabulator.min.css';
import './resultsPanel.css';
import type { ResultsPanelEvent, ResultsPanelMethods, ResultsSlice, ResultsValue as SqlValue, ResultsView } from '../src/core/protocol/resultsPanelMessages';
import type { RpcRequest, RpcResponse } from '../src/core/protocol/rpc';
import { el } from './dom';
import { chartFigure, type ChartSpec } from './charts';
import { chartShape, isNumberColumn, MAX_BARS, type ChartShape } from './chartShape';
import { matchesFilter } from './matchesFilter';

declare function acquireVsCodeApi(): { postMessage(message: unknown): void };
const vscode = acquireVsCodeApi();
/** Cells show this much of a long value; the record view shows it whole. */
const CELL_TEXT_LIMIT = 500;

type RowsView = Extract<ResultsView, { kind: 'rows' }>;
/** A grid row: the view's row index, and the values under `c0`, `c1`… (a column's own name may hold dots, which Tabulator would read as a path). */
type GridRow = Record<string, SqlValue> & { __i: number };

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
let grid: Tabulator | undefined;
/** The chart drawn in place of the grid, if any: destroyed with the result it shows. */
let drawnChart: { dispose(): void } | null = null;
/** The grid's order, reported a moment after the last sort or filter; a new result cancels it (it would name the old rows). */
let reportTimer: ReturnType<typeof setTimeout> | undefined;

function render(view: ResultsView | null): void {
  const app = document.getElementById('app')!;
  if (!view) return;
  clearInterval(clock);
  clearTimeout(reportTimer);
  drawnChart?.dispose();
  drawnChart = null;
  grid?.destroy();
  grid = undefined;
  const header = el('div', { className: 'bar' }, el('strong', { text: view.database }));
  const sql = el('pre', { className: 'sql', text: view.sql });
  if (view.kind === 'running') {
    const elapsed = el('span', { className: 'elapsed' });
    const tick = () => (elapsed.textContent = `Running… ${((Date.now() - view.startedAt) / 1000).toFixed(1)} s`);
    tick();
    clock = setInterval(tick, 100);
    const cancel = button('Cancel', () => {
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
  showRows(app, header, sql, view);
}

function showRows(app: HTMLElement, header: HTMLElement, sql: HTMLElement, view: RowsView): void {
  const took = `${view.elapsedMs < 10 ? view.elapsedMs.toFixed(1) : Math.round(view.elapsedMs)} ms`;
  const count = el('span', { className: 'status', text: `${rowCount(view.rows.length)} · ${took}` });
  const warning = el('span', { className: 'warning' });
  header.append(count, warning);
  const capWarning = `Only the first ${view.maxRows.toLocaleString('en-US')} rows were fetched (quarry.query.maxRows): the result has more`;
  if (view.truncated) warning.textContent = `${capWarning}.`;

  const format = el('select', { className: 'format' });
  format.title = 'Copy as';
  for (const choice of view.formats) format.append(Object.assign(el('option', { text: choice.label }), { value: choice.id }));
  const headers = Object.assign(el('input'), { type: 'checkbox', checked: true, id: 'headers' });
  const headersLabel = el('label', { className: 'check', text: ' Headers' });
  headersLabel.prepend(headers);
  const said = el('span', { className: 'said' });
  const copy = async (slice: ResultsSlice) => {
    const answer = await request('copy', { ...slice, format: format.value, headers: headers.checked });
    said.textContent = answer.ok ? `Copied ${rowCount((answer.value as { rows: number }).rows)}` : answer.error.message;
  };
  const record = el('aside', { className: 'record' });
  record.hidden = true;
  const tools = el(
    'div',
    { className: 'bar tools' },
    el('span', { text: 'Copy as' }),
    format,
    headersLabel,
    button('Copy Selection', () => copySelection(), 'copy-selection'),
    button('Copy All', () => void copy(displayedSlice()), 'copy-all'),
    ...view.formats
      .filter((choice) => choice.exportable)
      .map((choice) =>
        button(`Export ${choice.label}…`, async () => {
          const answer = await request('export', { ...displayedSlice(), format: choice.id });
          const file = answer.ok ? (answer.value as { file: string | null }).file : null;
          said.textContent = answer.ok ? (file ? `Exported to ${file}` : '') : answer.error.message;
        }),
      ),
    button('Record View', () => openRecord(), 'record-view'),
    said,
  );
  const holder = el('div', { className: 'grid' });
  const chartPane = el('div', { className: 'chart-pane' });
  chartPane.hidden = true;
  const body = el('div', { className: 'body' }, holder, chartPane, record);
  app.replaceChildren(header, sql, tools, body);

  // A category and a number, or a date and a number: the panel offers the result as a chart too.
  const shape = chartShape(view.columns, view.columnTypes, view.rows);
  if (shape) {
    const toggle = button('Chart', () => {
      const showing = chartPane.hidden;
      drawnChart?.dispose();
      drawnChart = null;
      chartPane.hidden = !showing;
      holder.hidden = showing;
      toggle.textContent = showing ? 'Grid' : 'Chart';
      if (!showing) return;
      const figure = chartFigure(chartSpec(view, shape, (table.getData('active') as GridRow[]).map((row) => row.__i)), async (dataUrl) => {
        const answer = await request('savePng', { dataUrl, name: `${view.columns[shape.label]}-chart` });
        const file = answer.ok ? (answer.value as { file: string | null }).file : null;
        said.textContent = answer.ok ? (file ? `Saved to ${file}` : '') : answer.error.message;
      });
      drawnChart = figure;
      chartPane.replaceChildren(figure.element);
    }, 'chart-toggle');
    tools.insertBefore(toggle, said);
  }

  const numeric = view.columns.map((_, c) => isNumberColumn(view.rows, c));
  const data: GridRow[] = view.rows.map((row, i) => {
    const record = { __i: i } as GridRow;
    row.forEach((value, c) => (record[`c${c}`] = value));
    return record;
  });
  const columns: ColumnDefinition[] = view.columns.map((name, c) => ({
    title: name,
    field: `c${c}`,
    titleFormatter: () => el('span', { className: 'title' }, el('span', { text: name }), el('span', { className: 'type', text: view.columnTypes[c] || ' ' })),
    sorter: numeric[c] ? 'number' : textOrder,
    hozAlign: numeric[c] ? 'right' : 'left',
    headerFilter: 'input',
    headerFilterPlaceholder: numeric[c] ? 'filter: >10, NULL' : 'filter',
    headerFilterFunc: (term: string, value: SqlValue) => matchesFilter(term, value),
    formatter: (cell: CellComponent) => cellText(cell.getValue() as SqlValue),
    maxInitialWidth: 420,
  }));
  const table = new Tabulator(holder, {
    data,
    columns,
    height: '100%',
    layout: 'fitDataTable',
    renderVertical: 'virtual',
    selectableRange: 1,
    selectableRangeRows: true,
    rowHeader: { field: '__row', formatter: 'rownum', headerSort: false, resizable: false, frozen: true, hozAlign: 'right', width: 56 },
    clipboard: false,
    placeholder: 'No rows',
  });
  grid = table;

  // The grid's order is what Copy All and Export follow, and what the palette's Export Results writes.
  let ordered = false;
  // The events carry the rows shown: the table's own count is not yet updated when they fire.
  const reordered = (shownRows: RowComponent[]) => {
    const filters = table.getHeaderFilters().length;
    const sorters = table.getSorters().length;
    ordered = filters + sorters > 0;
    const shown = shownRows.length;
    count.textContent = `${shown === view.rows.length ? rowCount(view.rows.length) : `${shown.toLocaleString('en-US')} of ${rowCount(view.rows.length)}`} · ${took}`;
    if (view.truncated) warning.textContent = ordered ? `${sorters ? 'Sorted' : 'Filtered'} among the first ${view.maxRows.toLocaleString('en-US')} rows only: the result has more (quarry.query.maxRows).` : `${capWarning}.`;
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => void request('order', displayedSlice()), 200);
  };
  table.on('dataSorted', (_sorters, rows) => reordered(rows));
  table.on('dataFiltered', (_filters, rows) => reordered(rows));
  table.on('cellDblClick', (_event, cell) => openRecord(cell.getRow()));
  table.on('tableBuilt', () => {
    // Headers sort from the keyboard too: Tab to one, Enter or Space.
    for (const column of table.getColumns()) {
      const element = column.getElement();
      const field = column.getField();
      if (!field?.startsWith('c')) continue;
      element.tabIndex = 0;
      element.addEventListener('keydown', (event) => {
        if ((event.key !== 'Enter' && event.key !== ' ') || (event.target as HTMLElement).tagName === 'INPUT') return;
        event.preventDefault();
        const current = table.getSorters().find((s) => s.field === field)?.dir;
        table.setSort(field, current === 'asc' ? 'desc' : 'asc');
      });
    }
  });
  holder.addEventListener('keydown', (event) => {
    if ((event.target as HTMLElement).tagName === 'INPUT') return;
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c') {
      event.preventDefault();
      copySelection();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      openRecord();
    }
  });

  function copySelection(): void {
    const slice = selectionSlice();
    if (slice) void copy(slice);
    else said.textContent = 'Select cells first (click, then Shift+click or Shift+arrows), or use Copy All.';
  }

  function selectionSlice(): ResultsSlice | null {
    const range = table.getRanges()[0];
    if (!range) return null;
    const rows = range.getRows().map((row) => (row.getData() as GridRow).__i);
    const columns = range
      .getColumns()
      .map((column) => column.getField())
      .filter((field): field is string => !!field && /^c\d+$/.test(field))
      .map((field) => Number(field.slice(1)));
    if (rows.length === 0) return null;
    return columns.length > 0 ? { rows, columns } : { rows };
  }

  function displayedSlice(): ResultsSlice {
    return ordered ? { rows: (table.getData('active') as GridRow[]).map((row) => row.__i) } : {};
  }

  /** Every value of one row, whole, beside the grid; ‹ and › (or the arrow keys) walk the grid's order. */
  function openRecord(row?: RowComponent): void {
    const active = table.getRows('active');
    if (active.length === 0) return;
    let at = Math.max(0, row ? active.indexOf(row) : active.indexOf(table.getRanges()[0]?.getRows()[0] as RowComponent));
    const draw = () => {
      const values = view.rows[(active[at]!.getData() as GridRow).__i]!;
      const previous = button('‹', () => step(-1));
      const next = button('›', () => step(1));
      previous.disabled = at === 0;
      next.disabled = at === active.length - 1;
      const fields = el('dl');
      view.columns.forEach((name, c) => {
        const value = values[c] ?? null;
        fields.append(el('dt', { text: name }), el('dd', { text: value === null ? 'NULL' : String(value), className: value === null ? 'null' : '' }));
      });
      record.replaceChildren(el('div', { className: 'bar' }, previous, el('span', { className: 'where', text: `Row ${(at + 1).toLocaleString('en-US')} of ${active.length.toLocaleString('en-US')}` }), next, button('Close', close)), fields);
      record.hidden = false;
    };
    const step = (by: number) => {
      at = Math.min(active.length - 1, Math.max(0, at + by));
      draw();
    };
    const close = () => {
      record.hidden = true;
      holder.querySelector<HTMLElement>('.tabulator-tableholder')?.focus();
    };
    record.tabIndex = 0;
    record.onkeydown = (event) => {
      if (event.key === 'Escape') close();
      else if (event.key === 'ArrowLeft') step(-1);
      else if (event.key === 'ArrowRight') step(1);
    };
    draw();
    record.focus();
  }
}

/** The chart of the rows in the grid's order: a line in date order, bars in the grid's order (the first MAX_BARS). */
function chartSpec(view: RowsView, shape: ChartShape, order: number[]): ChartSpec {
  let rows = order.map((i) => view.rows[i]!).filter((row) => row[shape.label] !== null);
  const total = rows.length;
  if (shape.kind === 'line') rows = [...rows].sort((a, b) => String(a[shape.label]).localeCompare(String(b[shape.label])));
  else rows = rows.slice(0, MAX_BARS);
  const names = shape.values.map((c) => view.columns[c]!);
  const what = `${shape.kind === 'line' ? 'Line' : 'Bar'} chart of ${names.join(', ')} by ${view.columns[shape.label]}`;
  return {
    kind: shape.kind,
    labels: rows.map((row) => String(row[shape.label])),
    series: shape.values.map((c, i) => ({ label: names[i]!, values: rows.map((row) => (row[c] === null ? null : Number(row[c]))) })),
    caption: rows.length < total ? `${what}: the first ${rows.length} of ${total.toLocaleString('en-US')} rows` : `${what}: ${rowCount(rows.length)}`,
  };
}

/**
 * Text columns sort as people read them ("item 2" before "item 10", case aside), NULLs last;
 * a collator is several times faster than localeCompare, which matters at 100,000 rows.
 */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
function textOrder(a: SqlValue, b: SqlValue, _aRow: unknown, _bRow: unknown, _column: unknown, dir: 'asc' | 'desc'): number {
  if (a === null || b === null) return a === b ? 0 : (a === null ? 1 : -1) * (dir === 'asc' ? 1 : -1);
  return collator.compare(String(a), String(b));
}

/** A cell's text node, never HTML; NULL apart from the text "NULL"; a long value cut (the record view has it whole). */
function cellText(value: SqlValue): HTMLElement {
  if (value === null || value === undefined) return el('span', { className: 'null', text: 'NULL' });
  const text = String(value);
  return el('span', { text: text.length > CELL_TEXT_LIMIT ? `${text.slice(0, CELL_TEXT_LIMIT)}…` : text });
}

function button(text: string, onClick: () => void, className?: string): HTMLButtonElement {
  const element = el('button', { text, className });
  element.addEventListener('click', onClick);
  return element;
}

function rowCount(n: number): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? 'row' : 'rows'}`;
}

void request('ready', {}).then((response) => {
  if (response.ok) render(response.value as ResultsView | null);
});
