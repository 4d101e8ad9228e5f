import { closeSync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { PoolExample } from '../context/ExamplePool';
import { isUrlTarget } from '../db/databaseEngines';
import { FileError } from '../files/FileError';
import { redactUrl } from '../util/redactSecrets';

/** One Ask or Run as Quarry remembers it: what was asked and run, never a row of the result. */
export interface HistoryEntry {
  id: number;
  /** ISO time it ran. */
  at: string;
  kind: 'ask' | 'run';
  /** The connection: a file's path, or a server's URL without its password. */
  connection: string;
  question: string | null;
  sql: string;
  ms: number | null;
  /** How many rows came back: the count only. */
  rows: number | null;
  error: string | null;
  /** The user's word on an Ask's answer. */
  feedback: 'right' | 'wrong' | null;
  /** The SQL (or question) as the user corrected it: what a dataset and the example pool take. */
  correctedSql: string | null;
  correctedQuestion: string | null;
}

export type NewHistoryEntry = Pick<HistoryEntry, 'kind' | 'connection' | 'question' | 'sql' | 'ms' | 'rows' | 'error'> & { at?: string };

export interface HistoryFilter {
  /** Words that must all appear in the question, the SQL or a correction (any case). */
  search?: string;
  connection?: string;
  limit?: number;
}

/** PRAGMA application_id of a Quarry history file ('QRYH'): how a history is told from any other SQLite file. */
export const HISTORY_APPLICATION_ID = 0x51525948;
const SCHEMA_VERSION = 1;

/**
 * Quarry's query history: a SQLite file of its own (in the extension's storage), bounded to
 * `maxEntries` (the oldest unmarked entries go first), written by one process and read by others
 * (`quarry dataset build --history <file>`), WAL so a reader never waits on the writer.
 */
export class QueryHistory {
  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly maxEntries: number,
  ) {}

  static open(path: string, options: { maxEntries: number }): QueryHistory {
    let db: Database.Database;
    try {
      db = new Database(path);
      const id = db.pragma('application_id', { simple: true }) as number;
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema").get() as { n: number };
      if (id !== HISTORY_APPLICATION_ID && tables.n > 0) throw new Error('a SQLite file of something else');
      // The marks first, before WAL: they must be in the main file's header, where a reader tells the file by them.
      db.pragma(`application_id = ${HISTORY_APPLICATION_ID}`);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.exec(`CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, connection TEXT NOT NULL,
        question TEXT, sql TEXT NOT NULL, ms REAL, rows INTEGER, error TEXT,
        feedback TEXT, corrected_sql TEXT, corrected_question TEXT)`);
      db.exec('CREATE INDEX IF NOT EXISTS entries_connection ON entries (connection, id)');
      db.pragma('journal_mode = WAL');
    } catch (error) {
      throw new FileError('bad-input', `${path} is not a Quarry query history (${(error as Error).message}); move it aside and a new one is made`);
    }
    return new QueryHistory(db, path, Math.max(1, options.maxEntries));
  }

  /** Remembers an Ask or a Run; in schema-only mode only its question and SQL (no time, row count or error, which may quote a value). Returns its id. */
  record(entry: NewHistoryEntry, options: { schemaOnly?: boolean } = {}): number {
    const bare = options.schemaOnly ? { ms: null, rows: null, error: null } : {};
    const row = { ...entry, ...bare, at: entry.at ?? new Date().toISOString(), connection: connectionKey(entry.connection) };
    const id = Number(
      this.db
        .prepare('INSERT INTO entries (at, kind, connection, question, sql, ms, rows, error) VALUES (@at, @kind, @connection, @question, @sql, @ms, @rows, @error)')
        .run({ at: row.at, kind: row.kind, connection: row.connection, question: row.question, sql: row.sql, ms: row.ms, rows: row.rows, error: row.error }).lastInsertRowid,
    );
    this.prune();
    return id;
  }

  /** Newest first. */
  list(filter: HistoryFilter = {}): HistoryEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.connection) {
      where.push('connection = ?');
      params.push(connectionKey(filter.connection));
    }
    for (const word of (filter.search ?? '').split(/\s+/).filter(Boolean)) {
      where.push("(instr(lower(coalesce(question, '') || ' ' || sql || ' ' || coalesce(corrected_sql, '') || ' ' || coalesce(corrected_question, '')), ?) > 0)");
      params.push(word.toLowerCase());
    }
    const sql = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filter.limit ?? 500) as RawEntry[]).map(fromRaw);
  }

  get(id: number): HistoryEntry | undefined {
    const raw = this.db.prepare('SELECT * FROM entries WHERE id = ?').get(id) as RawEntry | undefined;
    return raw && fromRaw(raw);
  }

  /** The connections entries were recorded for, most recent first. */
  connections(): string[] {
    return (this.db.prepare('SELECT connection FROM entries GROUP BY connection ORDER BY max(id) DESC').all() as { connection: string }[]).map((r) => r.connection);
  }

  remove(id: number): void {
    this.db.prepare('DELETE FROM entries WHERE id = ?').run(id);
  }

  /** Marks an answer right or wrong, or corrects it; a correction counts as right. null clears a field. */
  setFeedback(id: number, feedback: { verdict?: 'right' | 'wrong' | null; correctedSql?: string | null; correctedQuestion?: string | null }): void {
    const entry = this.get(id);
    if (!entry) return;
    const correctedSql = feedback.correctedSql === undefined ? entry.correctedSql : feedback.correctedSql?.trim() || null;
    const correctedQuestion = feedback.correctedQuestion === undefined ? entry.correctedQuestion : feedback.correctedQuestion?.trim() || null;
    const verdict = feedback.verdict !== undefined ? feedback.verdict : feedback.correctedSql || feedback.correctedQuestion ? 'right' : entry.feedback;
    this.db.prepare('UPDATE entries SET feedback = ?, corrected_sql = ?, corrected_question = ? WHERE id = ?').run(verdict, correctedSql, correctedQuestion, id);
  }

  /** Question–SQL pairs the user vouched for (marked right or corrected), newest first: the example pool's. */
  vouchedPairs(connection?: string): PoolExample[] {
    const rows = this.db
      .prepare(
        `SELECT coalesce(corrected_question, question) AS question, coalesce(corrected_sql, sql) AS sql, connection FROM entries
         WHERE feedback = 'right' AND coalesce(corrected_question, question) IS NOT NULL ${connection ? 'AND connection = ?' : ''} ORDER BY id DESC`,
      )
      .all(...(connection ? [connectionKey(connection)] : [])) as { question: string; sql: string; connection: string }[];
    return rows.map((r) => ({ question: r.question, sql: r.sql, db: r.connection }));
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
  }

  clear(): void {
    this.db.exec('DELETE FROM entries');
  }

  dispose(): void {
    if (this.db.open) this.db.close();
  }

  /** Past the bound, the oldest entries the user said nothing about go first, then the oldest of the rest. */
  private prune(): void {
    const excess = this.count() - this.maxEntries;
    if (excess <= 0) return;
    this.db.prepare('DELETE FROM entries WHERE id IN (SELECT id FROM entries ORDER BY feedback IS NOT NULL, id LIMIT ?)').run(excess);
  }
}

/** Whether a file is a Quarry history, by its SQLite header and application_id (offset 68, big-endian). */
export function isQueryHistoryFile(path: string): boolean {
  const head = Buffer.alloc(72);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, head, 0, 72, 0) < 72) return false;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return head.toString('latin1', 0, 16) === 'SQLite format 3\0' && head.readUInt32BE(68) === HISTORY_APPLICATION_ID;
}

/** How a connection is keyed: a server's URL never with its password. */
export function connectionKey(connection: string): string {
  return isUrlTarget(connection) ? redactUrl(connection) : connection;
}

/** A row as the table holds it: the corrections under their column names. */
type RawEntry = Omit<HistoryEntry, 'correctedSql' | 'correctedQuestion'> & { corrected_sql: string | null; corrected_question: string | null };

function fromRaw(raw: RawEntry): HistoryEntry {
  const { corrected_sql: correctedSql, corrected_question: correctedQuestion, ...rest } = raw;
  return { ...rest, correctedSql, correctedQuestion };
}
