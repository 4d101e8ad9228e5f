import type { QueryResult, SqlValue } from '../core/types/QueryResult';

const MAX_CELL = 80;

/** A plain-text grid for terminals: NULL spelled out, long cells cut, numbers right-aligned. */
export function formatTable(result: QueryResult): string {
  const header = result.columns;
  const cells = result.rows.map((row) => row.map(cellText));
  const widths = header.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i]!.length)));
  const numeric = header.map((_, i) => result.rows.length > 0 && result.rows.every((row) => isNumber(row[i])));
  const line = (values: string[], align: boolean) =>
    values.map((v, i) => (align && numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const count = `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'}${result.truncated ? ', truncated at the row cap' : ''})`;
  return [line(header, false), rule, ...cells.map((row) => line(row, true)), count].join('\n');
}

function cellText(value: SqlValue): string {
  if (value === null) return 'NULL';
  const text = String(value).replace(/\s+/g, ' ');
  return text.length > MAX_CELL ? `${text.slice(0, MAX_CELL - 1)}…` : text;
}

function isNumber(value: SqlValue | undefined): boolean {
  return typeof value === 'number' || typeof value === 'bigint' || value === null;
}
