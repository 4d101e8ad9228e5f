import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ResultsPage, rowsView } from '../helpers/resultsPage';

// The results grid's page in Chromium, outside VS Code: what it asks the extension to copy follows
// the grid's sort, filter and selection. (The extension test drives the same page in the editor.)
let page: ResultsPage;
before(async () => {
  page = await ResultsPage.open();
});
after(async () => {
  await page?.dispose();
});

const LONG = `${'long text '.repeat(80)}the end`;
const view = rowsView(
  ['Name', 'Age', 'Note'],
  [
    ['Joe Sharp', 52, null],
    ['Timbaland', 32, 'NULL'],
    ['Justin Brown', 29, LONG],
    ['Rose White', 41, 'x'],
    ['John Nizinik', 43, 'y'],
    ['Tribal King', 25, 'z'],
  ],
  { columnTypes: ['text', 'int', 'text'], truncated: true, maxRows: 6 },
);

/** Waits until an element's text starts with `text`; fails saying what it showed instead. */
async function shows(p: Page, selector: string, text: string): Promise<void> {
  try {
    await p.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent?.startsWith(t!), [selector, text], { timeout: 10_000 });
  } catch {
    assert.fail(`${selector} never showed "${text}": it shows "${await p.locator(selector).innerText()}"`);
  }
}

/** Types into a column's filter as a person does (the grid filters on key presses). */
async function typeFilter(p: Page, field: string, text: string): Promise<void> {
  const input = p.locator(`.tabulator-col[tabulator-field="${field}"] input`);
  await input.click();
  await input.press('Control+a');
  await input.press('Backspace');
  if (text) await input.pressSequentially(text);
}

/** Clicks a column's header and waits until the grid has told the extension its new order. */
async function sortBy(p: Page, field: string): Promise<void> {
  await page.requests();
  await p.locator(`.tabulator-col[tabulator-field="${field}"] .tabulator-col-title`).click();
  await p.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'order'));
}

async function copied(button: string): Promise<Record<string, unknown>> {
  await page.requests();
  await page.page.click(`button.${button}`);
  await page.page.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'copy'));
  return (await page.requests()).find((r) => r.method === 'copy')!.params;
}

test('the grid: NULL apart from the text "NULL", a long value cut in its cell and whole in the record view', async () => {
  await page.show(view);
  const p = page.page;
  assert.equal(await p.locator('.tabulator-row').count(), 6);
  assert.equal(await p.locator('.tabulator-cell[tabulator-field="c2"] .null').count(), 1, 'only the real NULL is marked as one');
  assert.match(await p.locator('.tabulator-col[tabulator-field="c1"]').innerText(), /Age\s+int/);
  const cut = await p.locator('.tabulator-cell[tabulator-field="c2"]').nth(2).innerText();
  assert.ok(cut.length < LONG.length && cut.endsWith('…'), 'cut in the cell');
  await p.locator('.tabulator-cell[tabulator-field="c2"]').nth(2).dblclick();
  assert.match(await p.locator('.record').innerText(), /Row 3 of 6[\s\S]*the end/);
  await p.keyboard.press('ArrowRight');
  assert.match(await p.locator('.record').innerText(), /Row 4 of 6[\s\S]*Rose White/);
  await p.keyboard.press('Escape');
  assert.equal(await p.locator('.record').isHidden(), true);
});

test('copy follows the sort and the filter, and says so when the result was cut at the row cap', async () => {
  await page.show(view);
  const p = page.page;
  assert.deepEqual(await copied('copy-all'), { format: 'csv', headers: true }, 'unsorted: every row, as fetched');
  await sortBy(p, 'c1');
  await shows(p, '.warning', 'Sorted');
  assert.deepEqual((await copied('copy-all')).rows, [5, 2, 1, 3, 4, 0], 'by age, ascending');
  await sortBy(p, 'c1');
  assert.deepEqual((await copied('copy-all')).rows, [0, 4, 3, 1, 2, 5], 'descending');
  await typeFilter(p, 'c0', 'jo');
  await shows(p, '.status', '2 of 6');
  assert.deepEqual((await copied('copy-all')).rows, [0, 4], 'filtered, still sorted');
  await typeFilter(p, 'c1', '>40');
  await typeFilter(p, 'c0', '');
  await shows(p, '.status', '3 of 6');
  assert.deepEqual((await copied('copy-all')).rows, [0, 4, 3], 'older than 40, by age descending');
  assert.match(await p.locator('.warning').innerText(), /Sorted among the first 6 rows only/);
});

test('a selection copies its rows and columns, by button and by Ctrl+C, in the chosen format', async () => {
  await page.show(view);
  const p = page.page;
  await p.selectOption('select.format', 'markdown');
  await p.uncheck('#headers');
  await p.locator('.tabulator-cell[tabulator-field="c0"]').nth(1).click();
  await p.locator('.tabulator-cell[tabulator-field="c1"]').nth(3).click({ modifiers: ['Shift'] });
  await page.requests();
  await p.keyboard.press('Control+c');
  await p.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'copy'));
  assert.deepEqual((await page.requests()).find((r) => r.method === 'copy')!.params, { rows: [1, 2, 3], columns: [0, 1], format: 'markdown', headers: false });
  await p.keyboard.press('ArrowDown');
  await p.waitForFunction(() => document.querySelectorAll('.tabulator-cell.tabulator-range-selected').length === 1);
  await p.keyboard.press('Control+c');
  await p.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'copy'));
  const after = await page.requests();
  const moved = after.find((r) => r.method === 'copy')!.params;
  assert.equal((moved.rows as number[] | undefined)?.length, 1, `the arrow keys move the selection: ${JSON.stringify(after)}`);
  assert.deepEqual(await copied('copy-selection'), moved, 'the button copies what Ctrl+C does');
});

test('export asks the extension for a file with the grid\'s order; a sort tells the extension the order', async () => {
  await page.show(view);
  const p = page.page;
  await p.locator('.tabulator-col[tabulator-field="c0"] .tabulator-col-title').click();
  await p.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'order'));
  assert.deepEqual((await page.requests()).find((r) => r.method === 'order')!.params, { rows: [0, 4, 2, 3, 1, 5] });
  await p.getByText('Export JSON…').click();
  await p.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'export'));
  assert.deepEqual((await page.requests()).find((r) => r.method === 'export')!.params, { rows: [0, 4, 2, 3, 1, 5], format: 'json' });
});

test('a category and a number is offered as a bar chart of the grid\'s rows, saved as a PNG by the extension', async () => {
  await page.show(rowsView(['Country', 'singers'], [['France', 4], ['Netherlands', 1], ['United States', 1]], { columnTypes: ['text', ''] }));
  const p = page.page;
  await typeFilter(p, 'c0', 'an');
  await shows(p, '.status', '2 of 3');
  await p.click('button.chart-toggle');
  assert.match(await p.locator('figcaption').innerText(), /Bar chart of singers by Country: 2 rows/, 'the filtered rows only');
  assert.equal(await p.locator('.grid').isHidden(), true);
  const painted = await p.evaluate(() => {
    const canvas = document.querySelector('canvas')!;
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) drawn++;
    return drawn;
  });
  assert.ok(painted > 500, `the canvas is drawn on (${painted} pixels)`);
  await page.requests();
  await p.click('button.save-png');
  await p.waitForFunction(() => (window as unknown as { requests: { method: string }[] }).requests.some((r) => r.method === 'savePng'));
  const saved = (await page.requests()).find((r) => r.method === 'savePng')!.params as { dataUrl: string; name: string };
  const png = Buffer.from(saved.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  assert.equal(saved.name, 'Country-chart');
  await p.click('button.chart-toggle');
  assert.equal(await p.locator('.grid').isVisible(), true, 'and back to the grid');
  await page.show(rowsView(['a', 'b'], [[1, 2], [3, 4]]));
  assert.equal(await p.locator('button.chart-toggle').count(), 0, 'numbers only: no chart offered');
});
