import type { ErrorData } from '../protocol/rpc';
import type { QueryResult } from '../types/QueryResult';
import type { Database, QueryOptions } from './Database';
import { DbError, type DbErrorCode } from './DbError';

export type QueryOutcome =
  | { ok: true; value: QueryResult }
  /** `stage` says whether the engine refused the statement before running it (parse, bind, write) or while running it. */
  | { ok: false; error: ErrorData<DbErrorCode>; stage: 'validate' | 'run' };

/**
 * Runs one statement, having the engine validate it first when asked, with the database's verdict
 * as data: callers that score or keep SQL branch on it instead of catching. A cancellation (the
 * caller's own abort) and Quarry's bugs still throw.
 */
export async function tryQuery(db: Database, sql: string, options: QueryOptions & { validate?: boolean } = {}): Promise<QueryOutcome> {
  const { validate, ...queryOptions } = options;
  let stage: 'validate' | 'run' = 'validate';
  try {
    if (validate) await db.validate(sql, { signal: options.signal, timeoutMs: options.timeoutMs });
    stage = 'run';
    return { ok: true, value: await db.query(sql, queryOptions) };
  } catch (error) {
    if (error instanceof DbError && error.code !== 'cancelled') return { ok: false, error: error.toData(), stage };
    throw error;
  }
}
