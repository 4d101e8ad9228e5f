/**
 * The database worker process. SQLite queries run synchronously and cannot be interrupted from
 * JavaScript, so each connection lives in its own process that the parent can stop on a timeout
 * without blocking the editor or the CLI; a native crash on a damaged file ends only this process.
 */
import { serveRpc } from '../ipc/serveRpc';
import { generateInstances } from '../instances/generateInstances';
import type { DbWorkerMethods, RowsPage } from '../protocol/dbWorkerMethods';
import type { RowCursor } from '../db/RowCursor';
import type { SqlValue } from '../types/QueryResult';
import { resolvedSchemaOptions } from '../schema/resolvedSchemaOptions';
import { checkReadOnlyStatement } from '../sql/checkReadOnlyStatement';
import type { DatabaseAdapter } from '../db/DatabaseAdapter';
import { DbError } from '../db/DbError';
import { openAdapter } from '../db/openAdapter';
import { EvalConnections } from '../eval/EvalConnections';

let adapter: DatabaseAdapter | null = null;
let evaluation: EvalConnections | null = null;

/** A page is cut at about this many bytes of values (or the row cap): what one message carries. */
const PAGE_BYTES = 4 << 20;
const STEP_ROWS = 512;

/** The last query's rows not yet sent; any other request ends it (an engine runs one statement at a time). */
let open: { cursor: RowCursor; sent: number; maxRows: number } | null = null;

function closeOpen(): void {
  open?.cursor.close();
  open = null;
}

/** The next page of the open query: up to PAGE_BYTES of values, and whether the row cap cut the result. */
async function nextPage(): Promise<RowsPage> {
  const state = open;
  if (!state) throw new DbError('closed', 'no query has rows left to read');
  const rows: SqlValue[][] = [];
  let bytes = 0;
  let ended = false;
  try {
    while (bytes < PAGE_BYTES) {
      // One row past the cap tells whether the cap cut the result.
      const want = Math.min(STEP_ROWS, state.maxRows + 1 - state.sent - rows.length);
      if (want <= 0) break;
      const got = await state.cursor.next(want);
      for (const row of got) {
        rows.push(row);
        for (const value of row) bytes += typeof value === 'string' ? value.length + 8 : 8;
      }
      if (got.length < want) {
        ended = true;
        break;
      }
    }
  } catch (error) {
    closeOpen();
    throw error;
  }
  const truncated = state.sent + rows.length > state.maxRows;
  if (truncated) rows.length = state.maxRows - state.sent;
  state.sent += rows.length;
  if (ended || truncated) closeOpen();
  return { rows, more: !(ended || truncated), truncated };
}

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
    async open({ path, memoryLimitMb, password, fromDataFile, attach }) {
      closeOpen();
      adapter?.close();
      adapter = null;
      adapter = await openAdapter(path, { memoryLimitMb, password, fromDataFile, ...(attach?.length ? { attach } : {}) });
      return { dialect: adapter.dialect };
    },
    async query({ sql, maxRows, timeoutMs }) {
      closeOpen();
      const started = performance.now();
      const verdict = checkReadOnlyStatement(sql);
      if (!verdict.ok) throw new DbError('refused', verdict.reason);
      const cursor = await connected().openCursor(verdict.statement, verdict.explained, maxRows, timeoutMs);
      open = { cursor, sent: 0, maxRows };
      const page = await nextPage();
      return { columns: cursor.columns, columnTypes: cursor.columnTypes, ...page, elapsedMs: performance.now() - started };
    },
    async moreRows() {
      return nextPage();
    },
    async validate({ sql }) {
      closeOpen();
      const verdict = checkReadOnlyStatement(sql);
      // The engine's own parse error first: for text that is no SQL at all it says more than the guard.
      await connected().prepareOnly(verdict.ok ? verdict.statement : sql);
      if (!verdict.ok) throw new DbError('refused', verdict.reason);
      return null;
    },
    async readSchema(options) {
      closeOpen();
      return connected().readSchema(resolvedSchemaOptions(options));
    },
    async generateInstances({ source, options }) {
      return { paths: await generateInstances(source, options) };
    },
    async evalBatch({ items, maxRows, memoryLimitMb }) {
      closeOpen();
      const connections = evalConnections(memoryLimitMb);
      const verdicts = [];
      for (const item of items) verdicts.push(await connections.score(item, maxRows));
      return { verdicts };
    },
  },
  // A connection runs one statement at a time.
  { concurrent: false, onDisconnect: () => {
    closeOpen();
    adapter?.close();
    evaluation?.close();
  } },
);
