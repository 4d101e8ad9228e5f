/**
 * The database worker process. SQLite queries run synchronously and cannot be interrupted from
 * JavaScript, so each connection lives in its own process that the parent can stop on a timeout
 * without blocking the editor or the CLI; a native crash on a damaged file ends only this process.
 */
import { serveRpc } from '../ipc/serveRpc';
import { generateInstances } from '../instances/generateInstances';
import type { DbWorkerMethods } from '../protocol/dbWorkerMethods';
import { resolvedSchemaOptions } from '../schema/resolvedSchemaOptions';
import { checkReadOnlyStatement } from '../sql/checkReadOnlyStatement';
import type { DatabaseAdapter } from '../db/DatabaseAdapter';
import { DbError } from '../db/DbError';
import { openAdapter } from '../db/openAdapter';
import { EvalConnections } from '../eval/EvalConnections';

let adapter: DatabaseAdapter | null = null;
let evaluation: EvalConnections | null = null;

function evalConnections(memoryLimitMb: number): EvalConnections {
  evaluation ??= new EvalConnections(memoryLimitMb);
  return evaluation;
}

function connected(): DatabaseAdapter {
  if (!adapter) throw new DbError('closed', 'no database is open in this worker');
  return adapter;
}

serveRpc<DbWorkerMethods>(
  {
    async open({ path, memoryLimitMb, password, fromDataFile }) {
      adapter?.close();
      adapter = null;
      adapter = await openAdapter(path, { memoryLimitMb, ...(password ? { password } : {}), ...(fromDataFile ? { fromDataFile } : {}) });
      return { dialect: adapter.dialect };
    },
    async query({ sql, maxRows, timeoutMs }) {
      const verdict = checkReadOnlyStatement(sql);
      if (!verdict.ok) throw new DbError('refused', verdict.reason);
      return connected().query(verdict.statement, verdict.explained, maxRows, timeoutMs);
    },
    async validate({ sql }) {
      const verdict = checkReadOnlyStatement(sql);
      // The engine's own parse error first: for text that is no SQL at all it says more than the guard.
      await connected().prepareOnly(verdict.ok ? verdict.statement : sql);
      if (!verdict.ok) throw new DbError('refused', verdict.reason);
      return null;
    },
    async readSchema(options) {
      return connected().readSchema(resolvedSchemaOptions(options));
    },
    async generateInstances({ source, options }) {
      return { paths: await generateInstances(source, options) };
    },
    async evalBatch({ items, maxRows, memoryLimitMb }) {
      const connections = evalConnections(memoryLimitMb);
      const verdicts = [];
      for (const item of items) verdicts.push(await connections.score(item, maxRows));
      return { verdicts };
    },
  },
  // A connection runs one statement at a time.
  { concurrent: false, onDisconnect: () => {
    adapter?.close();
    evaluation?.close();
  } },
);
