import assert from 'node:assert/strict';
import type { Database } from '../../src/core/db/Database';
import { DbError, type DbErrorCode } from '../../src/core/db/DbError';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { WORKER_SCRIPT } from './fixtures';

export function openTestDb(path: string, options: { timeoutMs?: number; maxRows?: number; memoryLimitMb?: number; password?: string } = {}): Promise<IsolatedDatabase> {
  return IsolatedDatabase.open(path, { workerScript: WORKER_SCRIPT, ...options });
}

export async function rejectsWith(promise: Promise<unknown>, code: DbErrorCode, message?: RegExp): Promise<DbError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DbError, `expected a DbError, got ${String(error)}`);
    assert.equal(error.code, code, `expected code ${code}, got ${error.code}: ${error.message}`);
    if (message) assert.match(error.message, message);
    return error;
  }
  assert.fail(`expected a ${code} error, but the promise resolved`);
}

/**
 * Runs a runaway statement and checks that it is stopped within its timeout plus a second,
 * that this process kept running timers meanwhile, and that the connection works afterwards.
 */
export async function assertStopsInTime(db: Database, sql: string, timeoutMs: number): Promise<void> {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 50);
  const started = performance.now();
  try {
    await rejectsWith(db.query(sql, { timeoutMs }), 'timeout', /timed out after/);
  } finally {
    clearInterval(ticker);
  }
  const elapsed = performance.now() - started;
  assert.ok(elapsed >= timeoutMs - 50, `stopped too early: ${elapsed} ms`);
  assert.ok(elapsed < timeoutMs + 1000, `took ${Math.round(elapsed)} ms for a ${timeoutMs} ms timeout`);
  assert.ok(ticks >= (timeoutMs / 50) * 0.5, `the event loop was blocked: ${ticks} timer ticks in ${Math.round(elapsed)} ms`);
  const after = await db.query('SELECT 42 AS answer');
  assert.deepEqual(after.rows, [[42]]);
}
