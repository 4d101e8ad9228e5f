import { join } from 'node:path';
import { ChildRpc } from '../ipc/ChildRpc';
import type { AttachedDatabase } from '../types/AttachedDatabase';
import { checkAttachments } from './checkAttachments';
import { DB_WORKER_ABORT_POLICIES, type DbWorkerMethods } from '../protocol/dbWorkerMethods';
import type { Outcome } from '../protocol/rpc';
import type { DatabaseSchema, SchemaOptions } from '../types/DatabaseSchema';
import type { Database, QueryOptions } from './Database';
import type { Dialect, QueryResult } from '../types/QueryResult';
import type { ServerCredentials } from '../types/ServerCredentials';
import { DEFAULT_MAX_ROWS, DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMEOUT_MS } from '../defaults';
import { checkDatabaseTarget, databaseNameOf, describeTarget } from './databaseEngines';
import { DbError, type DbErrorCode } from './DbError';

export interface IsolatedDatabaseOptions extends ServerCredentials {
  /** The bundled worker script; by default dbWorker.js next to the running bundle. */
  workerScript?: string;
  /** Defaults for queries that do not say otherwise. */
  timeoutMs?: number;
  maxRows?: number;
  /** Reading a large schema may take longer than one query should. */
  schemaTimeoutMs?: number;
  /** DuckDB's memory limit per connection, in MB. */
  memoryLimitMb?: number;
  /** Files of the main file's engine opened beside it, their tables named alias.table. */
  attach?: AttachedDatabase[];
}

type ResolvedOptions = Required<Omit<IsolatedDatabaseOptions, keyof ServerCredentials | 'attach'>> & ServerCredentials & { attach: AttachedDatabase[] };

/** How much longer than its timeout a statement on a server that cancels it itself may take before the worker is stopped. */
const SERVER_CANCEL_GRACE_MS = 2000;

const DEFAULT_SCHEMA_TIMEOUT_MS = 120_000;

/**
 * The Database everyone outside the worker uses: each connection lives in a worker process,
 * so a runaway query is stopped on time whatever the engine, and the caller never blocks.
 * A stopped worker is replaced, and the database reopened, on the next request. A server that
 * cancels statements itself (Postgres) is told the timeout and given a moment longer, so the
 * query ends on the server and not just here.
 */
export class IsolatedDatabase implements Database {
  private rpc: ChildRpc<DbWorkerMethods> | null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    readonly path: string,
    readonly dialect: Dialect,
    rpc: ChildRpc<DbWorkerMethods>,
    private readonly options: ResolvedOptions,
    private readonly serverCancels: boolean,
  ) {
    this.rpc = rpc;
  }

  static async open(path: string, options: IsolatedDatabaseOptions = {}): Promise<IsolatedDatabase> {
    const resolved: ResolvedOptions = {
      workerScript: options.workerScript ?? defaultWorkerScript(),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
      schemaTimeoutMs: options.schemaTimeoutMs ?? DEFAULT_SCHEMA_TIMEOUT_MS,
      memoryLimitMb: options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB,
      password: options.password,
      fromDataFile: options.fromDataFile,
      attach: options.attach ?? [],
    };
    // Here, before a worker starts: a missing file, a folder, a FIFO or an unknown URL fails at once, with its own words.
    const server = checkDatabaseTarget(path);
    checkAttachments(path, resolved.attach);
    const { rpc, dialect } = await startWorker(path, resolved);
    return new IsolatedDatabase(path, dialect, rpc, resolved, server?.cancelsOnServer ?? false);
  }

  /** The database as it may be shown and logged (a URL without its password). */
  get label(): string {
    return describeTarget(this.path);
  }

  query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    let rows: QueryResult['rows'] = [];
    return this.queryPages(sql, options, (page) => {
      // A loop, not push(...page): a spread of many rows overflows the stack.
      if (rows.length === 0) rows = page;
      else for (const row of page) rows.push(row);
    }).then((result) => ({ ...result, rows }));
  }

  /**
   * The same statement with its rows handed over a page at a time as the worker sends them, so
   * a caller that writes them out (quarry sql --json) never holds the whole result. Each page
   * has the query's timeout; the next is asked for only once `onPage` has finished with this one.
   */
  queryPages(sql: string, options: QueryOptions, onPage: (rows: QueryResult['rows'], head: Omit<QueryResult, 'rows'>) => void | Promise<void>): Promise<Omit<QueryResult, 'rows'>> {
    const maxRows = options.maxRows ?? this.options.maxRows;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    const limits = { timeoutMs: this.workerLimit(timeoutMs), signal: options.signal };
    const timedOut = (outcome: { ok: boolean; error?: { code: string } }) => {
      if (!outcome.ok && outcome.error?.code === 'timeout') throw new DbError('timeout', `query timed out after ${timeoutMs} ms and was stopped`);
    };
    return this.serialized(async (rpc) => {
      const outcome = await rpc.request('query', { sql, maxRows, timeoutMs }, limits);
      timedOut(outcome);
      const { rows, more, ...first } = unwrap(outcome);
      await onPage(rows, first);
      let page = { more, truncated: first.truncated };
      while (page.more) {
        const next = await rpc.request('moreRows', {}, limits);
        timedOut(next);
        const { rows: nextRows, ...rest } = unwrap(next);
        await onPage(nextRows, first);
        page = rest;
      }
      return { ...first, truncated: page.truncated };
    });
  }

  validate(sql: string, options: Pick<QueryOptions, 'signal' | 'timeoutMs'> = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    return this.serialized(async (rpc) => {
      unwrap(await rpc.request('validate', { sql }, { timeoutMs: this.workerLimit(timeoutMs), signal: options.signal }));
    });
  }

  readSchema(options: SchemaOptions & { signal?: AbortSignal } = {}): Promise<DatabaseSchema> {
    const { signal, ...schemaOptions } = options;
    const name = databaseNameOf(this.path);
    return this.serialized(async (rpc) => ({
      ...unwrap(await rpc.request('readSchema', schemaOptions, { timeoutMs: this.options.schemaTimeoutMs, signal })),
      name,
    }));
  }

  private workerLimit(timeoutMs: number): number {
    return this.serverCancels ? timeoutMs + SERVER_CANCEL_GRACE_MS : timeoutMs;
  }

  /** Stops the worker process (and whatever it runs); the next request starts a fresh one. */
  stop(): void {
    this.rpc?.stop();
    this.rpc = null;
  }

  /** Closes the connection for good: later requests fail as `closed`. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.stop();
  }

  /** One request at a time, so a timeout clock only runs while its own statement does. */
  private serialized<T>(work: (rpc: ChildRpc<DbWorkerMethods>) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => work(await this.liveWorker()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async liveWorker(): Promise<ChildRpc<DbWorkerMethods>> {
    if (this.disposed) throw new DbError('closed', `the connection to ${this.label} is closed`);
    if (this.rpc?.alive) return this.rpc;
    this.rpc = (await startWorker(this.path, this.options)).rpc;
    return this.rpc;
  }
}

/** The bundled worker, next to the running bundle (dist/). */
export function defaultWorkerScript(): string {
  return join(__dirname, 'dbWorker.js');
}

/** What starting a worker process costs (Node and the engines' native modules) before the database is even touched. */
const WORKER_START_MS = 2000;

/** Opening counts against the query timeout: a file that takes longer to open than a query may run is as good as stuck. */
async function startWorker(path: string, options: ResolvedOptions): Promise<{ rpc: ChildRpc<DbWorkerMethods>; dialect: Dialect }> {
  const rpc = ChildRpc.spawn<DbWorkerMethods>(options.workerScript, 'database worker', DB_WORKER_ABORT_POLICIES);
  const limit = options.timeoutMs + WORKER_START_MS;
  const params = { path, memoryLimitMb: options.memoryLimitMb, password: options.password, fromDataFile: options.fromDataFile, ...(options.attach.length ? { attach: options.attach } : {}) };
  const outcome = await rpc.request('open', params, { timeoutMs: limit });
  if (!outcome.ok) rpc.dispose();
  if (!outcome.ok && outcome.error.code === 'timeout') {
    throw new DbError('timeout', `opening ${describeTarget(path)} took longer than ${limit} ms and was stopped`);
  }
  return { rpc, dialect: unwrap(outcome).dialect };
}

export function unwrap<T>(outcome: Outcome<T, string>): T {
  if (outcome.ok) return outcome.value;
  throw DbError.fromData({ code: outcome.error.code as DbErrorCode, message: outcome.error.message });
}
