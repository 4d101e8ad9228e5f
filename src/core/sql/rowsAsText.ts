import type { SqlValue } from '../types/QueryResult';

export type RowsFormat = 'csv' | 'json' | 'markdown';

/** Rows as text to paste elsewhere: CSV (RFC 4180 quoting), JSON (an array of objects), or a Markdown table. */
export function rowsAsText(columns: string[], rows: SqlValue[][], format: RowsFormat): string {
  if (format === 'json') {
    return JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, jsonSafeValue(row[i] ?? null)]))), null, 2);
  }
  if (format === 'csv') return [columns, ...rows.map((row) => row.map(csvText))].map((cells) => cells.map(csvCell).join(',')).join('\r\n');
  const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const lines = [columns.map(cell), columns.map(() => '---'), ...rows.map((row) => row.map((v) => cell(v === null ? 'NULL' : String(v))))];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** A value JSON can carry: an integer past 2^53 (a bigint) as its digits. */
export function jsonSafeValue(value: SqlValue): string | number | boolean | null {
  return typeof value === 'bigint' ? value.toString() : value;
}

function csvText(value: SqlValue): string {
  return value === null ? '' : String(value);
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
