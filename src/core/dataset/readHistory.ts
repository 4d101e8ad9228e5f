import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import { FileError } from '../files/FileError';
import { tokenizeSql } from '../sql/tokenizeSql';

export type HistoryKind = 'sql' | 'jsonl' | 'csv' | 'shell';

/** One statement read from a history file, with where it came from. */
export interface HistoryStatement {
  sql: string;
  /** A question given with it: a JSONL/CSV field, or the comment right above it in a .sql file. */
  question?: string;
  timestamp?: string;
  user?: string;
  source: string;
  line: number;
  /** A dot-command of the sqlite3/duckdb shells (.tables, .mode …): no SQL at all. */
  dotCommand?: boolean;
  /** Why the entry could not be read (a malformed JSONL line, a CSV row without the query column). */
  unreadable?: string;
}

export interface ReadOptions {
  /** Bytes read so far, for a progress bar. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

const SQL_FIELDS = ['query', 'sql', 'statement', 'query_text', 'querytext'];

/** Tells the kind of a history file by its name (shell histories) and its first bytes. */
export function detectHistoryKind(path: string): HistoryKind {
  if (/^\.?(sqlite|duckdb)_history$/.test(basename(path))) return 'shell';
  const head = readHead(path, 64 * 1024);
  const firstLine = head.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  if (firstLine.trimStart().startsWith('{')) return 'jsonl';
  const header = firstLine.toLowerCase().split(',').map((h) => h.trim().replace(/^"|"$/g, ''));
  if (header.length > 1 && header.some((h) => SQL_FIELDS.includes(h))) return 'csv';
  return 'sql';
}

/**
 * The statements of a history file, streamed: a file of any size is read a chunk at a time, never
 * whole. SQL text is split on `;` outside strings and comments; shell dot-commands come out marked.
 */
export async function* readHistory(path: string, options: ReadOptions = {}): AsyncGenerator<HistoryStatement> {
  const kind = detectHistoryKind(path);
  const lines = streamLines(path, options);
  if (kind === 'jsonl') yield* jsonlStatements(lines, path);
  else if (kind === 'csv') yield* csvStatements(lines, path);
  else yield* sqlStatements(lines, path, kind === 'shell');
}

async function* streamLines(path: string, options: ReadOptions): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytes = 0;
  let rest = '';
  for await (const chunk of stream as AsyncIterable<string>) {
    options.signal?.throwIfAborted();
    bytes += Buffer.byteLength(chunk);
    options.onBytes?.(bytes);
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield part.replace(/\r$/, '');
  }
  if (rest) yield rest;
}

async function* sqlStatements(lines: AsyncGenerator<string>, source: string, shell: boolean): AsyncGenerator<HistoryStatement> {
  let buffer = '';
  let startLine = 0;
  let hint: string | undefined;
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    const trimmed = line.trim();
    if (buffer === '') {
      if (trimmed === '') {
        hint = undefined;
        continue;
      }
      if (shell && trimmed.startsWith('.')) {
        yield { sql: trimmed, source, line: lineNumber, dotCommand: true };
        continue;
      }
      const comment = /^--\s*(.*)$/.exec(trimmed);
      if (comment) {
        hint = hint ? `${hint} ${comment[1]}` : comment[1];
        continue;
      }
      startLine = lineNumber;
    }
    buffer += `${line}\n`;
    if (!line.includes(';')) continue;
    // Split what is complete; keep an unfinished tail (a `;` inside a string spanning lines).
    let from = 0;
    for (const token of tokenizeSql(buffer)) {
      if (token.kind !== 'punct' || token.text !== ';') continue;
      const sql = buffer.slice(from, token.start).trim();
      if (sql) yield { sql, source, line: startLine, ...(hint ? { question: hint } : {}) };
      hint = undefined;
      from = token.start + 1;
    }
    buffer = buffer.slice(from).trim() ? buffer.slice(from) : '';
  }
  if (buffer.trim()) yield { sql: buffer.trim(), source, line: startLine, ...(hint ? { question: hint } : {}) };
}

async function* jsonlStatements(lines: AsyncGenerator<string>, source: string): AsyncGenerator<HistoryStatement> {
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      yield { sql: line, source, line: lineNumber, unreadable: `not valid JSON (${(error as Error).message})` };
      continue;
    }
    const sql = SQL_FIELDS.map((f) => entry[f]).find((v) => typeof v === 'string') as string | undefined;
    if (sql === undefined) {
      yield { sql: '', source, line: lineNumber, unreadable: `no "query", "sql" or "statement" field` };
      continue;
    }
    yield { sql, source, line: lineNumber, ...fields(entry) };
  }
}

async function* csvStatements(lines: AsyncGenerator<string>, source: string): AsyncGenerator<HistoryStatement> {
  let header: string[] | null = null;
  let lineNumber = 0;
  for await (const { cells, line } of csvRows(lines, source)) {
    lineNumber = line;
    if (!header) {
      header = cells.map((c) => c.trim().toLowerCase());
      continue;
    }
    const entry = Object.fromEntries(header.map((name, i) => [name, cells[i] ?? '']));
    const sql = SQL_FIELDS.map((f) => entry[f]).find((v) => typeof v === 'string' && v !== '');
    if (sql === undefined) yield { sql: '', source, line: lineNumber, unreadable: 'no query in this row' };
    else yield { sql, source, line: lineNumber, ...fields(entry) };
  }
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
async function* csvRows(lines: AsyncGenerator<string>, source: string): AsyncGenerator<{ cells: string[]; line: number }> {
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let lineNumber = 0;
  let rowLine = 1;
  for await (const line of lines) {
    lineNumber++;
    if (!quoted) rowLine = lineNumber;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ',') {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    if (quoted) {
      cell += '\n';
      continue;
    }
    cells.push(cell);
    if (cells.some((c) => c !== '')) yield { cells, line: rowLine };
    cells = [];
    cell = '';
  }
  if (quoted) {
    // Everything after the quote was read as one field: say so rather than drop those rows unseen.
    throw new FileError('bad-input', `${source}:${rowLine}: a quoted field opened on this line is never closed, so every row after it would be lost; close the quote (a quote inside a field is written "")`);
  }
}

function fields(entry: Record<string, unknown>): Pick<HistoryStatement, 'question' | 'timestamp' | 'user'> {
  const text = (key: string) => (typeof entry[key] === 'string' && entry[key] !== '' ? (entry[key] as string) : undefined);
  const question = text('question');
  const timestamp = text('timestamp') ?? text('time') ?? text('created_at');
  const user = text('user') ?? text('username');
  return { ...(question ? { question } : {}), ...(timestamp ? { timestamp } : {}), ...(user ? { user } : {}) };
}

function readHead(path: string, length: number): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0)).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
