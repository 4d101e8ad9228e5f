import { join } from 'node:path';
import { ChildRpc } from '../ipc/ChildRpc';
import type { DbWorkerMethods } from '../protocol/dbWorkerMethods';
import type { Outcome } from '../protocol/rpc';
import type { DatabaseSchema, SchemaOptions } from '../schema/DatabaseSchema';
import type { Database, Dialect, QueryOptions, QueryResult } from './Database';
import { DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_MS } from './Database';
import { DbError, type DbErrorCode } from './DbError';

export interface IsolatedDatabaseOptions {
  /** The bundled worker script; by default dbWorker.js next to the running bundle. */
  workerScript?: string;
  /** Defaults for queries that do not say otherwise. */
  timeoutMs?: number;
  maxRows?: number;
  /** Reading a large schema may take longer than one query should. */
  schemaTimeoutMs?: number;
}

const DEFAULT_SCHEMA_TIMEOUT_MS = 120_000;
const OPEN_TIMEOUT_MS = 30_000;

/**
 * The Database everyone outside the worker uses: each connection lives in a worker process,
 * so a runaway query is stopped on time whatever the engine, and the caller never blocks.
 * A stopped worker is replaced, and the file reopened, on the next request.
 */
export class IsolatedDatabase implements Database {
  private rpc: ChildRpc<DbWorkerMethods> | null;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  private constructor(
    readonly path: string,
    readonly dialect: Dialect,
    rpc: ChildRpc<DbWorkerMethods>,
    private readonly options: Required<IsolatedDatabaseOptions>,
  ) {
    this.rpc = rpc;
  }

  static async open(path: string, options: IsolatedDatabaseOptions = {}): Promise<IsolatedDatabase> {
    const resolved: Required<IsolatedDatabaseOptions> = {
      workerScript: options.workerScript ?? defaultWorkerScript(),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
      schemaTimeoutMs: options.schemaTimeoutMs ?? DEFAULT_SCHEMA_TIMEOUT_MS,
    };
    const { rpc, dialect } = await startWorker(path, resolved.workerScript);
    return new IsolatedDatabase(path, dialect, rpc, resolved);
  }

  query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const maxRows = options.maxRows ?? this.options.maxRows;
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    return this.serialized(async (rpc) => {
      const outcome = await rpc.request('query', { sql, maxRows }, { timeoutMs, signal: options.signal });
      if (!outcome.ok && outcome.error.code === 'timeout') {
        throw new DbError('timeout', `query timed out after ${timeoutMs} ms and was stopped`);
      }
      return unwrap(outcome);
    });
  }

  validate(sql: string, options: Pick<QueryOptions, 'signal' | 'timeoutMs'> = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    return this.serialized(async (rpc) => {
      unwrap(await rpc.request('validate', { sql }, { timeoutMs, signal: options.signal }));
    });
  }

  readSchema(options: SchemaOptions & { signal?: AbortSignal } = {}): Promise<DatabaseSchema> {
    const { signal, ...schemaOptions } = options;
    return this.serialized(async (rpc) =>
      unwrap(await rpc.request('readSchema', schemaOptions, { timeoutMs: this.options.schemaTimeoutMs, signal })),
    );
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.rpc?.dispose();
    this.rpc = null;
  }

  /** One request at a time, so a timeout clock only runs while its own statement does. */
  private serialized<T>(work: (rpc: ChildRpc<DbWorkerMethods>) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => work(await this.liveWorker()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async liveWorker(): Promise<ChildRpc<DbWorkerMethods>> {
    if (this.disposed) throw new DbError('closed', `the connection to ${this.path} is closed`);
    if (this.rpc?.alive) return this.rpc;
    this.rpc = (await startWorker(this.path, this.options.workerScript)).rpc;
    return this.rpc;
  }
}

/** The bundled worker, next to the running bundle (dist/). */
export function defaultWorkerScript(): string {
  return join(__dirname, 'dbWorker.js');
}

async function startWorker(path: string, script: string): Promise<{ rpc: ChildRpc<DbWorkerMethods>; dialect: Dialect }> {
  const rpc = ChildRpc.spawn<DbWorkerMethods>(script, 'database worker');
  const outcome = await rpc.request('open', { path }, { timeoutMs: OPEN_TIMEOUT_MS });
  if (!outcome.ok) rpc.dispose();
  return { rpc, dialect: unwrap(outcome).dialect };
}

export function unwrap<T>(outcome: Outcome<T, string>): T {
  if (outcome.ok) return outcome.value;
  throw DbError.fromData({ code: outcome.error.code as DbErrorCode, message: outcome.error.message });
}
