import type { ErrorData } from '../protocol/rpc';

export type DbErrorCode =
  | 'file-missing'
  | 'not-a-database'
  | 'corrupt'
  | 'locked'
  /** A database server that does not answer at its address (down, wrong host or port, firewalled). */
  | 'unreachable'
  /** A server connection that dropped mid-statement (terminated, the server crashed or restarted, the network went). */
  | 'connection-lost'
  /** A server that refused the user or password. */
  | 'auth-failed'
  | 'refused'
  | 'timeout'
  | 'sql-error'
  | 'cancelled'
  | 'worker-crashed'
  | 'closed'
  /** A bug in Quarry rather than a problem with the database or the SQL. */
  | 'internal';

/** A database failure with a code callers can branch on; `message` keeps the engine's own words. */
export class DbError extends Error {
  constructor(
    readonly code: DbErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DbError';
  }

  toData(): ErrorData<DbErrorCode> {
    return { code: this.code, message: this.message };
  }

  static fromData(data: ErrorData<DbErrorCode>): DbError {
    return new DbError(data.code, data.message);
  }
}

/** Codes that mean the input (file or statement) is at fault rather than the run. */
export const BAD_INPUT_CODES: ReadonlySet<DbErrorCode> = new Set(['file-missing', 'not-a-database', 'corrupt', 'refused', 'auth-failed']);

/** Errors JavaScript itself raises: Quarry's bugs, never the engine's verdict on SQL. */
export function isProgrammingError(error: unknown): boolean {
  return error instanceof TypeError || error instanceof ReferenceError || error instanceof RangeError;
}
