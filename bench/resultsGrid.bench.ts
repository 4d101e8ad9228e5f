/**
 * The results grid at 100,000 rows (issue 31): opening it, scrolling to the end and sorting it,
 * in the built page in headless Chromium, and the extension host's share of showing it.
 * References, measured in the same run:
 * - opening: the same grid with 1,000 rows (virtual rendering: 100× the rows may cost at most 20×);
 * - scrolling to the last row: the same scroll in the 1,000-row grid (goal: at most 3×, at least 30 ms allowed);
 * - sorting by a text column: a plain Array.sort of the same values with the same comparison in the
 *   same page (goal: at most 4×);
 * - the extension host: preparing and serializing the 100,000 rows for the webview, against reading
 *   them from SQLite (goal: at most 2×, so the host is never the slow part).
 */
import BetterSqlite3 from 'better-sqlite3';
import { jsonSafeRows } from '../src/core/results/resultFormats';
import type { SqlValue } from '../src/core/types/QueryResult';
import { ResultsPage, rowsView } from '../test/helpers/resultsPage';

const ROWS = 100_000;
const GOALS = { open: 20, scroll: 3, sort: 4, host: 2 };

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function generated(count: number): SqlValue[][] {
  const db = new BetterSqlite3(':memory:');
  const rows = db
    .prepare(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
      SELECT i AS id, 'customer ' || ((i * 7919) % ${count}) AS name, round((i * 37 % 1000) / 7.0, 2) AS amount,
        CASE WHEN i % 10 = 0 THEN NULL ELSE date('2024-01-01', '+' || (i % 365) || ' days') END AS day FROM n`)
    .raw()
    .all() as SqlValue[][];
  db.close();
  return rows;
}

async function timeScroll(page: ResultsPage, rows: number): Promise<number> {
  return page.page.evaluate(async (count) => {
    const holder = document.querySelector<HTMLElement>('.tabulator-tableholder');
    if (!holder) throw new Error(`no grid: ${document.body.innerHTML.slice(0, 3000)}`);
    const started = performance.now();
    holder.scrollTop = holder.scrollHeight;
    for (;;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const last = [...document.querySelectorAll('.tabulator-row .tabulator-row-header')].some((cell) => cell.textContent === String(count));
      if (last) return performance.now() - started;
    }
  }, rows);
}

async function timeSort(page: ResultsPage): Promise<{ grid: number; reference: number }> {
  return page.page.evaluate(async () => {
    const first = () => document.querySelector('.tabulator-row .tabulator-cell[tabulator-field="c1"]')?.textContent;
    const before = first();
    const started = performance.now();
    document.querySelector<HTMLElement>('.tabulator-col[tabulator-field="c1"] .tabulator-col-title')!.click();
    for (;;) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      if (first() !== before) break;
    }
    const grid = performance.now() - started;
    const values = [...document.querySelectorAll('.tabulator-row')].length > 0 ? (window as unknown as { benchValues: string[] }).benchValues : [];
    const copy = [...values];
    const referenceStarted = performance.now();
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    copy.sort((a, b) => collator.compare(a, b));
    return { grid, reference: performance.now() - referenceStarted };
  });
}

async function main(): Promise<void> {
  const db = new BetterSqlite3(':memory:');
  db.exec(`CREATE TABLE t AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS}) SELECT i, 'customer ' || i AS name, i / 7.0 AS amount FROM n`);
  const hostReads: number[] = [];
  const hostWork: number[] = [];
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    const read = db.prepare('SELECT * FROM t').raw().all() as SqlValue[][];
    hostReads.push(performance.now() - started);
    const prepared = performance.now();
    JSON.stringify(rowsView(['i', 'name', 'amount'], jsonSafeRows(read)));
    hostWork.push(performance.now() - prepared);
  }
  db.close();

  const big = generated(ROWS);
  const small = big.slice(0, 1000);
  const page = await ResultsPage.open();
  try {
    const opens: { big: number[]; small: number[] } = { big: [], small: [] };
    const scrolls: { big: number[]; small: number[] } = { big: [], small: [] };
    const sorts: { grid: number[]; reference: number[] } = { grid: [], reference: [] };
    const columns = ['id', 'name', 'amount', 'day'];
    const types = ['INTEGER', 'TEXT', 'REAL', 'TEXT'];
    for (let round = 0; round < 3; round++) {
      opens.small.push(await page.show(rowsView(columns, small, { columnTypes: types })));
      scrolls.small.push(await timeScroll(page, small.length));
      opens.big.push(await page.show(rowsView(columns, big, { columnTypes: types, maxRows: ROWS })));
      scrolls.big.push(await timeScroll(page, big.length));
      await page.page.evaluate((values) => ((window as unknown as { benchValues: string[] }).benchValues = values), big.map((row) => String(row[1])));
      const sorted = await timeSort(page);
      sorts.grid.push(sorted.grid);
      sorts.reference.push(sorted.reference);
    }
    const results = [
      { what: `open ${ROWS.toLocaleString('en-US')} rows`, ms: median(opens.big), reference: median(opens.small), referenceName: 'open 1,000 rows', goal: GOALS.open },
      { what: 'scroll to the last row', ms: median(scrolls.big), reference: Math.max(30, median(scrolls.small)), referenceName: 'the same in 1,000 rows', goal: GOALS.scroll },
      { what: 'sort by a text column', ms: median(sorts.grid), reference: median(sorts.reference), referenceName: 'Array.sort with the same collator', goal: GOALS.sort },
      { what: 'extension host: prepare and serialize', ms: median(hostWork), reference: median(hostReads), referenceName: 'reading them from SQLite', goal: GOALS.host },
    ];
    let missed = false;
    for (const r of results) {
      const ratio = r.ms / r.reference;
      const met = ratio <= r.goal;
      missed ||= !met;
      console.log(`${r.what}: ${r.ms.toFixed(0)} ms; ${r.referenceName}: ${r.reference.toFixed(0)} ms; ${ratio.toFixed(1)}× (goal ≤ ${r.goal}×) ${met ? 'met' : 'MISSED'}`);
    }
    if (missed) process.exitCode = 1;
  } finally {
    await page.dispose();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
