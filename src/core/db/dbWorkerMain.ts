/**
 * The database worker process. SQLite queries run synchronously and cannot be interrupted from
 * JavaScript, so each connection lives in its own process that the parent can stop on a timeout
 * without blocking the editor or the CLI; a native crash on a damaged file ends only this process.
 */
import type { RpcRequest, RpcResponse } from '../protocol/rpc';
import type { DbWorkerMethods } from '../protocol/dbWorkerMethods';
import { checkReadOnlyStatement } from '../sql/checkReadOnlyStatement';
import { resolvedSchemaOptions } from '../schema/DatabaseSchema';
import type { DatabaseAdapter } from './DatabaseAdapter';
import { DbError } from './DbError';
import { openAdapter } from './openAdapter';

let adapter: DatabaseAdapter | null = null;

type Handlers = { [K in keyof DbWorkerMethods]: (params: DbWorkerMethods[K]['params']) => Promise<DbWorkerMethods[K]['result']> };

const handlers: Handlers = {
  async open({ path }) {
    adapter?.close();
    adapter = null;
    adapter = await openAdapter(path);
    return { dialect: adapter.dialect };
  },
  async query({ sql, maxRows }) {
    const verdict = checkReadOnlyStatement(sql);
    if (!verdict.ok) throw new DbError('refused', verdict.reason);
    return connected().query(verdict.statement, verdict.explained, maxRows);
  },
  async readSchema(options) {
    return connected().readSchema(resolvedSchemaOptions(options));
  },
};

function connected(): DatabaseAdapter {
  if (!adapter) throw new DbError('closed', 'no database is open in this worker');
  return adapter;
}

async function answer(request: RpcRequest<DbWorkerMethods>): Promise<RpcResponse<DbWorkerMethods>> {
  const handler = handlers[request.method] as ((params: unknown) => Promise<DbWorkerMethods[keyof DbWorkerMethods]['result']>) | undefined;
  if (!handler) return { id: request.id, ok: false, error: { code: 'internal', message: `unknown method ${request.method}` } };
  try {
    return { id: request.id, ok: true, value: await handler(request.params) };
  } catch (error) {
    const data = error instanceof DbError ? error.toData() : { code: 'internal', message: String(error) };
    return { id: request.id, ok: false, error: data };
  }
}

// Requests are answered one at a time: a connection runs one statement at once.
let queue = Promise.resolve();
process.on('message', (request: RpcRequest<DbWorkerMethods>) => {
  queue = queue.then(async () => {
    process.send?.(await answer(request));
  });
});
process.on('disconnect', () => {
  adapter?.close();
  process.exit(0);
});
