import type { ResultsValue } from '../src/core/protocol/resultsPanelMessages';

/** A result that reads as a chart: a label column (a category or a date) and the number columns beside it. */
export interface ChartShape {
  kind: 'bar' | 'line';
  label: number;
  values: number[];
}

/** More bars than this are no longer read as bars: the chart shows the first ones and says so. */
export const MAX_BARS = 50;
/** More series than this make a chart no one reads. */
const MAX_SERIES = 4;
const DATE_TEXT = /^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?/;

/**
 * Whether a result looks like a category and a number (a bar chart) or a date and a number (a line):
 * the first column that is not a number is the label, the number columns (up to four) the values.
 * A result of numbers only, of one row, or with no numbers, is no chart.
 */
export function chartShape(columns: string[], columnTypes: string[], rows: ResultsValue[][]): ChartShape | null {
  if (rows.length < 2) return null;
  const numeric = columns.map((_, c) => isNumberColumn(rows, c));
  const label = numeric.findIndex((isNumber) => !isNumber);
  const values = numeric.flatMap((isNumber, c) => (isNumber ? [c] : [])).slice(0, MAX_SERIES);
  if (label < 0 || values.length === 0) return null;
  const present = rows.map((row) => row[label]).filter((v) => v !== null);
  const dated = /date|time/i.test(columnTypes[label] ?? '') || (present.length > 0 && present.every((v) => typeof v === 'string' && DATE_TEXT.test(v)));
  return { kind: dated ? 'line' : 'bar', label, values };
}

/** A column of numbers: at least one, and nothing else but NULLs (the grid right-aligns and sorts it as numbers). */
export function isNumberColumn(rows: ResultsValue[][], c: number): boolean {
  return rows.some((row) => row[c] !== null) && rows.every((row) => row[c] === null || typeof row[c] === 'number' || typeof row[c] === 'bigint');
}
