import pg from 'pg';
import Cursor from 'pg-cursor';
import type { TypedRows } from '../../types/QueryResult';
import type { DatabaseSchema, SchemaOptions } from '../../types/DatabaseSchema';
import type { DatabaseAdapter } from '../DatabaseAdapter';
import type { ServerCredentials } from '../../types/ServerCredentials';
import { redactUrl } from '../../util/redactSecrets';
import { cursorOver, type RowCursor } from '../RowCursor';
import { DbError, isProgrammingError } from '../DbError';
import { DEFAULT_TIMEOUT_MS } from '../../defaults';
import { markInternal } from '../internalQueryMark';
import { checkPostgresStatement, loadPostgresParser, type CalledRoutines } from './checkPostgresStatement';
import { checkPostgresRoutines } from './checkPostgresRoutines';
import { postgresClientConfig } from './postgresTarget';
import { fromPostgres, RAW_TEXT_TYPES, typedFromPostgres } from './postgresValues';
import { readPostgresSchema } from './readPostgresSchema';

/** Reading a large catalog may take longer than one query should. */
const SCHEMA_TIMEOUT_MS = 120_000;
/** How long after its statement_timeout a statement may still run before the driver's cancel request is sent too. */
const CANCEL_GRACE_MS = 500;

interface RawResult {
  fields: { name: string; dataTypeID: number }[];
  rows: (string | null)[][];
  truncated: boolean;
}

/**
 * One connection to a Postgres database, used only inside the database worker. Every statement
 * runs in its own READ ONLY transaction with a statement_timeout, so the server itself stops a
 * runaway query; it goes through the extended protocol (one statement per message) after
 * Postgres's own parser has admitted it, and the session is reset afterwards.
 */
export class PostgresAdapter implements DatabaseAdapter {
  readonly dialect = 'postgres' as const;
  private client: pg.Client | null;
  private readonly typeNames = new Map<number, string>();

  private constructor(
    private readonly config: pg.ClientConfig,
    private readonly label: string,
    client: pg.Client,
  ) {
    this.client = client;
  }

  static async open(url: string, credentials: ServerCredentials = {}): Promise<PostgresAdapter> {
    const config = { ...postgresClientConfig(url, credentials), types: RAW_TEXT_TYPES };
    const label = redactUrl(url);
    const [client] = await Promise.all([connect(config, label), loadPostgresParser()]);
    return new PostgresAdapter(config, label, client);
  }

  /**
   * Postgres reads up to the row cap inside its READ ONLY transaction, which ends with the
   * statement: the pages come from that. One row more than the cap, so the reader can tell it cut.
   */
  async openCursor(statement: string, _explained: string | null, maxRows: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<RowCursor> {
    const raw = await this.runChecked(statement, maxRows + 1, timeoutMs);
    const columnTypes = await this.typeNamesOf(raw.fields.map((f) => f.dataTypeID));
    const rows = raw.rows.map((row) => row.map((value, i) => fromPostgres(value, raw.fields[i]!.dataTypeID)));
    return cursorOver({ columns: raw.fields.map((f) => f.name), columnTypes, rows });
  }

  async queryTyped(statement: string, _explained: string | null, maxRows: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TypedRows> {
    const raw = await this.runChecked(statement, maxRows, timeoutMs);
    return { rows: raw.rows.map((row) => row.map((value, i) => typedFromPostgres(value, raw.fields[i]!.dataTypeID))), truncated: raw.truncated };
  }

  async readSchema(options: Required<SchemaOptions>): Promise<DatabaseSchema> {
    return this.readOnly(SCHEMA_TIMEOUT_MS, (client) =>
      readPostgresSchema(async (sql, params) => (await client.query({ text: markInternal(sql), values: params, rowMode: 'array' })).rows, options),
    );
  }

  /**
   * EXPLAIN plans without running: the server parses and binds the statement and names what is
   * wrong. An EXPLAIN itself is only parsed (its ANALYZE would run the query).
   */
  async prepareOnly(sql: string): Promise<void> {
    const called = await checkPostgresStatement(sql);
    await this.readOnly(DEFAULT_TIMEOUT_MS, async (client) => {
      await this.checkRoutines(client, called);
      if (/^\s*explain\b/i.test(sql)) return;
      await this.cursorRows(client, markInternal(`EXPLAIN ${sql.replace(/;\s*$/, '')}`), 1, DEFAULT_TIMEOUT_MS);
    });
  }

  close(): void {
    void this.client?.end().catch(() => undefined);
    this.client = null;
  }

  private async runChecked(statement: string, maxRows: number, timeoutMs: number): Promise<RawResult> {
    const called = await checkPostgresStatement(statement);
    return this.readOnly(timeoutMs, async (client) => {
      await this.checkRoutines(client, called);
      return this.cursorRows(client, statement, maxRows, timeoutMs);
    });
  }

  /** In the statement's own transaction, so the catalog is read with the search path the statement resolves names by. */
  private async checkRoutines(client: pg.Client, called: CalledRoutines): Promise<void> {
    await checkPostgresRoutines(called, async (sql, params) => (await client.query({ text: markInternal(sql), values: params, rowMode: 'array' })).rows as unknown[][]);
  }

  private async cursorRows(client: pg.Client, sql: string, maxRows: number, timeoutMs: number): Promise<RawResult> {
    const cursor = client.query(new Cursor(sql, [], { rowMode: 'array', types: RAW_TEXT_TYPES }));
    // statement_timeout stops it on the server; should the server not answer, the driver's cancel request follows.
    const watchdog = setTimeout(() => this.cancel(client, cursor), timeoutMs + CANCEL_GRACE_MS);
    let failed = false;
    try {
      const rows = await new Promise<{ rows: (string | null)[][]; fields: RawResult['fields'] }>((resolve, reject) =>
        cursor.read(maxRows + 1, (error, rows, result) => (error ? reject(error) : resolve({ rows: rows as (string | null)[][], fields: result?.fields ?? [] }))),
      );
      const fields = rows.fields.length > 0 ? rows.fields : ((cursor as unknown as { _result?: { fields: RawResult['fields'] } })._result?.fields ?? []);
      return { fields, rows: rows.rows.slice(0, maxRows), truncated: rows.rows.length > maxRows };
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      clearTimeout(watchdog);
      // A failed cursor is not closed: closing waits for the server's ReadyForQuery, which a lost
      // connection never sends (the query then hung until the worker's timeout). ROLLBACK follows anyway.
      if (!failed) await cursor.close().catch(() => undefined);
    }
  }

  private cancel(client: pg.Client, cursor: unknown): void {
    const canceller = new pg.Client(this.config) as pg.Client & { cancel(client: pg.Client, query: unknown): void };
    canceller.cancel(client, cursor);
  }

  /**
   * BEGIN READ ONLY with the timeout set for this transaction only, the work, then ROLLBACK and
   * DISCARD ALL: nothing a statement did to the session (temporary objects, prepared statements,
   * session locks, LISTEN) outlives it.
   */
  private async readOnly<T>(timeoutMs: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = await this.live();
    try {
      await client.query(`${markInternal('BEGIN READ ONLY')}; ${markInternal(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`)}`);
      return await work(client);
    } catch (error) {
      throw postgresError(error, this.label, 'statement');
    } finally {
      await this.reset(client);
    }
  }

  private async reset(client: pg.Client): Promise<void> {
    try {
      await client.query(markInternal('ROLLBACK'));
      await client.query(markInternal('DISCARD ALL'));
    } catch {
      // A connection that cannot even roll back is replaced before the next statement.
      this.dropConnection(client);
    }
  }

  private dropConnection(client: pg.Client): void {
    if (this.client === client) this.client = null;
    void client.end().catch(() => undefined);
  }

  private async live(): Promise<pg.Client> {
    this.client ??= await connect(this.config, this.label);
    return this.client;
  }

  /** Column types by name (`numeric(10,2)` is `numeric` here: a result column has no declared modifier). */
  private async typeNamesOf(oids: number[]): Promise<string[]> {
    const missing = [...new Set(oids.filter((oid) => !this.typeNames.has(oid)))];
    if (missing.length > 0) {
      const client = await this.live();
      const result = await client.query({ text: markInternal('SELECT oid::int8::text, format_type(oid, NULL) FROM pg_type WHERE oid = ANY($1::oid[])'), values: [missing], rowMode: 'array' });
      for (const [oid, name] of result.rows as [string, string][]) this.typeNames.set(Number(oid), name);
    }
    return oids.map((oid) => this.typeNames.get(oid) ?? '');
  }
}

async function connect(config: pg.ClientConfig, label: string): Promise<pg.Client> {
  const client = new pg.Client(config);
  // A connection the server drops later (restart, idle timeout) is noticed on the next statement, not thrown from an event.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw postgresError(error, label, 'connect');
  }
}

/**
 * SQLSTATEs of a session the server ended (an administrator's pg_terminate_backend, a crash of
 * another backend, a shutdown), and the driver's words for a socket that went.
 */
const LOST_STATES = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006']);
const LOST_WORDS = /Connection terminated|ECONNRESET|EPIPE|socket hang up|not queryable/i;

/** SQLSTATE classes and codes Quarry tells apart (PostgreSQL's errcodes appendix). */
function postgresError(error: unknown, label: string, during: 'connect' | 'statement'): DbError {
  if (error instanceof DbError) return error;
  if (isProgrammingError(error)) return new DbError('internal', String(error));
  const { code, message } = error as { code?: string; message?: string };
  const text = message ?? String(error);
  if (during === 'statement' && ((code && LOST_STATES.has(code)) || LOST_WORDS.test(text) || LOST_WORDS.test(code ?? ''))) {
    return new DbError('connection-lost', `${label}: connection lost (${text}); the next statement reconnects`);
  }
  if (code === '57014') return new DbError('timeout', text);
  if (code === '25006') return new DbError('refused', `refused: ${text}`);
  if (code === '28P01' || code === '28000') return new DbError('auth-failed', `${label}: ${text} (set the password in the URL, PGPASSWORD or ~/.pgpass)`);
  if (code === '3D000') return new DbError('file-missing', `${label}: ${text}`);
  if (code && /^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN)$/.test(code)) {
    return new DbError('unreachable', `${label}: cannot reach the server (${code}); is it running, and are host and port right?`);
  }
  if (/timeout expired|Connection terminated/i.test(text)) return new DbError('unreachable', `${label}: ${text}`);
  if (/certificate|SSL|TLS|self[- ]signed/i.test(text) && (!code || !/^[0-9A-Z]{5}$/.test(code))) {
    return new DbError('unreachable', `${label}: the TLS connection failed (${text}); check sslmode and sslrootcert in the URL`);
  }
  if (/password|SASL|SCRAM/i.test(text) && !code) return new DbError('auth-failed', `${label}: ${text} (set the password in the URL, PGPASSWORD or ~/.pgpass)`);
  return new DbError('sql-error', text);
}
