import { identifier } from '../sql/quoteIdentifier';
import type { Dialect, SqlValue } from '../types/QueryResult';

/** What a format is given beside the rows: whether to name the columns, and for INSERT the table it writes into. */
export interface ResultFormatOptions {
  /** Column names first (CSV, TSV, Markdown) or as keys (JSON always has them): true unless said otherwise. */
  headers?: boolean;
  /** INSERT's target table; `results` when the panel cannot tell. */
  table?: string;
  dialect?: Dialect;
}

/** One way to write a result as text: for the clipboard, and for files when `fileExtension` is set. */
export interface ResultFormat {
  label: string;
  /** Formats a result can be exported to as a file. */
  fileExtension?: string;
  write(columns: string[], rows: SqlValue[][], options: ResultFormatOptions): string;
}

const FORMATS = {
  /** RFC 4180: quoted only when a cell needs it, CRLF between records, NULL as an empty cell. */
  csv: { label: 'CSV', fileExtension: 'csv', write: (columns, rows, options) => delimited(columns, rows, options, ',', csvCell) },
  /** What spreadsheets paste into cells: tabs and newlines inside a value become spaces. */
  tsv: { label: 'TSV', write: (columns, rows, options) => delimited(columns, rows, options, '\t', (text) => text.replace(/[\t\r\n]+/g, ' ')) },
  /** An array of objects keyed by column name; an integer past 2^53 as its digits. */
  json: {
    label: 'JSON',
    fileExtension: 'json',
    write: (columns, rows) => JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((name, i) => [name, jsonSafeValue(row[i] ?? null)]))), null, 2),
  },
  markdown: {
    label: 'Markdown',
    write: (columns, rows, options) => {
      const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
      const body = rows.map((row) => row.map((v) => cell(v === null ? 'NULL' : String(v))));
      // A Markdown table has a header row by definition: without names it gets empty ones.
      const head = options.headers === false ? columns.map(() => ' ') : columns.map(cell);
      return [head, columns.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
    },
  },
  /** One INSERT per row, names quoted only where the dialect needs it, so it reads like hand-written SQL. */
  insert: {
    label: 'SQL INSERT',
    write: (columns, rows, options) => {
      const table = identifier(options.table ?? 'results', options.dialect);
      const names = options.headers === false ? '' : ` (${columns.map((name) => identifier(name, options.dialect)).join(', ')})`;
      return rows.map((row) => `INSERT INTO ${table}${names} VALUES (${row.map(sqlLiteral).join(', ')});`).join('\n');
    },
  },
} satisfies Record<string, ResultFormat>;

export type ResultFormatId = keyof typeof FORMATS;

/** Every format the results grid copies and exports: adding one is adding an entry here. */
export const RESULT_FORMATS: Record<ResultFormatId, ResultFormat> = FORMATS;

export function isResultFormatId(id: string): id is ResultFormatId {
  return Object.hasOwn(RESULT_FORMATS, id);
}

/** A value JSON can carry: an integer past 2^53 (a bigint) as its digits. */
export function jsonSafeValue(value: SqlValue): string | number | boolean | null {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Rows as the webview channel (JSON) can carry them; the same array when no value needs changing,
 * which is nearly always, so 100,000 rows are not copied for nothing.
 */
export function jsonSafeRows(rows: SqlValue[][]): SqlValue[][] {
  return rows.some((row) => row.some((value) => typeof value === 'bigint')) ? rows.map((row) => row.map(jsonSafeValue)) : rows;
}

function delimited(columns: string[], rows: SqlValue[][], options: ResultFormatOptions, separator: string, cell: (text: string) => string): string {
  const lines = rows.map((row) => row.map((value) => cell(value === null ? '' : String(value))).join(separator));
  if (options.headers !== false) lines.unshift(columns.map(cell).join(separator));
  return lines.join('\r\n');
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : `'${String(value)}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

/** The registry as the results grid lists it. */
export function resultFormatChoices(): { id: string; label: string; exportable: boolean }[] {
  return Object.entries(RESULT_FORMATS).map(([id, format]) => ({ id, label: format.label, exportable: !!format.fileExtension }));
}

/** The rows and columns a slice names, in its order; every one where it names none. */
export function sliceRows(columns: string[], rows: SqlValue[][], slice: { rows?: number[]; columns?: number[] }): { columns: string[]; rows: SqlValue[][] } {
  const picked = slice.columns?.filter((c) => c >= 0 && c < columns.length);
  const chosen = (slice.rows ?? rows.map((_, i) => i)).filter((r) => r >= 0 && r < rows.length).map((r) => rows[r]!);
  if (!picked) return { columns, rows: chosen };
  return { columns: picked.map((c) => columns[c]!), rows: chosen.map((row) => picked.map((c) => row[c] ?? null)) };
}
