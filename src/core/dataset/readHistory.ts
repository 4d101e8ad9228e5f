import { createReadStream, openSync, readSync, closeSync } from 'node:fs';
import { basename } from 'node:path';
import { FileError } from '../files/FileError';
import { tokenizeSql } from '../sql/tokenizeSql';
import { substituteParameters } from './fillParameters';
import Database from 'better-sqlite3';
import { connectionKey, isQueryHistoryFile } from '../history/QueryHistory';

/** `postgres-log`: a server log with log_statement = 'all' (or log_min_duration_statement); `postgres-csvlog` its csvlog form. JSON logs read as jsonl. */
export type HistoryKind = 'sql' | 'jsonl' | 'csv' | 'shell' | 'postgres-log' | 'postgres-csvlog' | 'quarry-history';

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
  /** How many times it ran, when the source counts (pg_stat_statements); otherwise once per entry. */
  calls?: number;
  /** A statement that is no question of the data: it names none of the database's tables, or Quarry ran it itself. */
  notUserQuery?: boolean;
  /** An entry of Quarry's own history that was asked of another database than the one being built for. */
  otherDatabase?: boolean;
}

export interface ReadOptions {
  /** Bytes read so far, for a progress bar. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
  /** The database the statements are for: Quarry's own history holds other databases' entries too. */
  database?: string;
}

const SQL_FIELDS = ['query', 'sql', 'statement', 'query_text', 'querytext'];

/**
 * The longest line read whole, in characters: no statement in a history is near it, and a file with
 * no newlines at all (a dump, a binary) must not be held in memory whole. A longer line is skipped
 * and reported as unreadable.
 */
export const MAX_HISTORY_LINE_CHARS = 1 << 20;

/** A csvlog line starts with its log_time and the user: `2026-12-01 17:00:00.123 UTC,"alice",…`. */
const CSVLOG_LINE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [A-Za-z0-9+:-]+,/;
/** The message Postgres logs a statement with, after any log_line_prefix: simple protocol, or a prepared statement's execution. */
const STATEMENT_MESSAGE = /^(?:duration: [\d.]+ ms\s+)?(?:statement|execute [^:]*): ([\s\S]*)$/;
const LOG_STATEMENT = /\bLOG:\s+((?:duration: [\d.]+ ms\s+)?(?:statement|execute [^:]*): [\s\S]*)$/;
const LOG_DETAIL = /\bDETAIL:\s+(.*)$/;
const LOG_TIME = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z0-9+:-]+)?)/;

/** Tells the kind of a history file by its name (shell histories) and its first bytes. */
export function detectHistoryKind(path: string): HistoryKind {
  if (isQueryHistoryFile(path)) return 'quarry-history';
  if (/^\.?(sqlite|duckdb)_history$/.test(basename(path))) return 'shell';
  const head = readHead(path, 64 * 1024);
  const firstLine = head.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  if (firstLine.trimStart().startsWith('{')) return 'jsonl';
  if (CSVLOG_LINE.test(firstLine)) return 'postgres-csvlog';
  if (head.split(/\r?\n/).some((line) => LOG_STATEMENT.test(line))) return 'postgres-log';
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
  if (kind === 'quarry-history') return yield* quarryHistoryStatements(path, options);
  const overlong: number[] = [];
  const lines = streamLines(path, options, overlong);
  const statements =
    kind === 'jsonl' ? jsonlStatements(lines, path)
    : kind === 'csv' ? csvStatements(lines, path)
    : kind === 'postgres-log' ? postgresLogStatements(lines, path)
    : kind === 'postgres-csvlog' ? postgresCsvlogStatements(lines, path)
    : sqlStatements(lines, path, kind === 'shell');
  for await (const statement of statements) {
    yield* overlongLines(overlong, path);
    yield statement;
  }
  yield* overlongLines(overlong, path);
}

/**
 * Quarry's own history: each Ask and Run that ran, as the user corrected it; an answer marked wrong
 * and not corrected is left out, as is an entry that failed. Read-only, beside the editor writing it.
 */
function* quarryHistoryStatements(path: string, options: ReadOptions): Generator<HistoryStatement> {
  const history = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const database = options.database === undefined ? undefined : connectionKey(options.database);
    const rows = history
      .prepare("SELECT id, at, connection, coalesce(corrected_question, question) AS question, coalesce(corrected_sql, sql) AS sql FROM entries WHERE error IS NULL AND (feedback IS NOT 'wrong' OR corrected_sql IS NOT NULL) ORDER BY id")
      .iterate() as Iterable<{ id: number; at: string; connection: string; question: string | null; sql: string }>;
    for (const row of rows) {
      options.signal?.throwIfAborted();
      yield {
        sql: row.sql,
        ...(row.question ? { question: row.question } : {}),
        timestamp: row.at,
        source: path,
        line: row.id,
        ...(database !== undefined && row.connection !== database ? { otherDatabase: true } : {}),
      };
    }
  } finally {
    history.close();
  }
}

function* overlongLines(lines: number[], source: string): Generator<HistoryStatement> {
  for (const line of lines.splice(0)) {
    yield { sql: '', source, line, unreadable: `line longer than ${MAX_HISTORY_LINE_CHARS / (1 << 20)} M characters: skipped` };
  }
}

/**
 * The file's lines, a chunk at a time; a line over MAX_HISTORY_LINE_CHARS is read past, not kept,
 * and comes out empty with its number in `overlong`, so memory stays bounded by the cap.
 */
async function* streamLines(path: string, options: ReadOptions, overlong: number[]): AsyncGenerator<string> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytes = 0;
  let rest = '';
  let skipping = false;
  let lineNumber = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    options.signal?.throwIfAborted();
    bytes += Buffer.byteLength(chunk);
    options.onBytes?.(bytes);
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) {
      lineNumber++;
      if (skipping || part.length > MAX_HISTORY_LINE_CHARS) {
        skipping = false;
        overlong.push(lineNumber);
        yield '';
      } else {
        yield part.replace(/\r$/, '');
      }
    }
    if (rest.length > MAX_HISTORY_LINE_CHARS) {
      skipping = true;
      rest = '';
    }
  }
  if (skipping) {
    overlong.push(lineNumber + 1);
    yield '';
  } else if (rest) {
    yield rest;
  }
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
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      yield { sql: line, source, line: lineNumber, unreadable: `not a JSON object (${entry === null ? 'null' : Array.isArray(entry) ? 'an array' : typeof entry})` };
      continue;
    }
    if (typeof entry.error_severity === 'string') {
      // Postgres's jsonlog: statements are messages; every other line of the log is no statement at all.
      const logged = typeof entry.message === 'string' ? loggedStatement(entry.message, typeof entry.detail === 'string' ? entry.detail : undefined) : null;
      if (logged !== null) yield* splitLoggedStatements(logged, source, lineNumber, { ...(typeof entry.timestamp === 'string' ? { timestamp: entry.timestamp } : {}), ...(typeof entry.user === 'string' ? { user: entry.user } : {}) });
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

/**
 * A text server log: a statement is the message of a `LOG:  statement:` (or `execute …:`) line and
 * the tab-indented lines after it; a `DETAIL:  Parameters: $1 = '…'` line gives a prepared
 * statement's values. Every other line (connections, errors, checkpoints) is passed over.
 */
async function* postgresLogStatements(lines: AsyncGenerator<string>, source: string): AsyncGenerator<HistoryStatement> {
  let pending: { message: string; line: number; timestamp?: string } | null = null;
  let lineNumber = 0;
  const finish = (detail?: string) => {
    const entry = pending;
    pending = null;
    if (!entry) return [];
    const logged = loggedStatement(entry.message, detail);
    return logged === null ? [] : [...splitLoggedStatements(logged, source, entry.line, entry.timestamp ? { timestamp: entry.timestamp } : {})];
  };
  for await (const line of lines) {
    lineNumber++;
    if (pending && line.startsWith('\t')) {
      (pending as { message: string }).message += `\n${line.slice(1)}`;
      continue;
    }
    const detail = LOG_DETAIL.exec(line);
    if (pending && detail) {
      yield* finish(detail[1]);
      continue;
    }
    yield* finish();
    const statement = LOG_STATEMENT.exec(line);
    if (statement) {
      const timestamp = LOG_TIME.exec(line)?.[1];
      pending = { message: statement[1]!, line: lineNumber, ...(timestamp ? { timestamp } : {}) };
    }
  }
  yield* finish();
}

/** csvlog: error_severity is column 12, message 14 and detail 15 (PostgreSQL's csvlog layout). */
async function* postgresCsvlogStatements(lines: AsyncGenerator<string>, source: string): AsyncGenerator<HistoryStatement> {
  for await (const { cells, line } of csvRows(lines, source)) {
    if (cells[11] !== 'LOG') continue;
    const logged = loggedStatement(cells[13] ?? '', cells[14] || undefined);
    if (logged !== null) yield* splitLoggedStatements(logged, source, line, { ...(cells[0] ? { timestamp: cells[0] } : {}), ...(cells[1] ? { user: cells[1] } : {}) });
  }
}

/** The SQL of a statement log message, with a prepared statement's logged parameters put back in. */
function loggedStatement(message: string, detail: string | undefined): string | null {
  const match = STATEMENT_MESSAGE.exec(message);
  if (!match) return null;
  const parameters = detail ? /^Parameters: (.*)$/s.exec(detail.trim()) : null;
  if (!parameters) return match[1]!;
  const values = new Map<number, string>();
  for (const value of parameters[1]!.matchAll(/\$(\d+) = ('(?:[^']|'')*'|NULL)/g)) values.set(Number(value[1]), value[2]!);
  return substituteParameters(match[1]!, values);
}

/** One logged message may hold several statements (a simple-protocol string with semicolons). */
function* splitLoggedStatements(sql: string, source: string, line: number, extra: Pick<HistoryStatement, 'timestamp' | 'user'>): Generator<HistoryStatement> {
  let from = 0;
  for (const token of [...tokenizeSql(sql), { kind: 'punct', text: ';', start: sql.length }]) {
    if (token.kind !== 'punct' || token.text !== ';') continue;
    const statement = sql.slice(from, token.start).trim();
    if (statement) yield { sql: statement, source, line, ...extra };
    from = token.start + 1;
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
