import type { DatabaseSchema, SchemaOptions } from '../types/DatabaseSchema';
import type { Dialect, TypedRows } from '../types/QueryResult';
import type { RowCursor } from './RowCursor';

/**
 * An engine's connection, used only inside the database worker process. File engines have no
 * timeouts of their own: the worker process is what gets stopped when a query runs too long.
 * A server engine is given the timeout, so the server stops the statement itself.
 */
export interface DatabaseAdapter {
  readonly dialect: Dialect;
  /**
   * Runs a statement that checkReadOnlyStatement already admitted (the adapter asks its engine
   * whether the statement, and the one an EXPLAIN wraps, really only reads) and gives its rows as a
   * cursor, read a page at a time: the worker sends pages, never one huge message. It gives every
   * row (or at least one past `maxRows`, where the engine must read up front): the reader counts,
   * and cuts at the cap.
   */
  openCursor(statement: string, explained: string | null, maxRows: number, timeoutMs?: number): Promise<RowCursor>;
  /** The same, with the engine's own value types kept (integer vs real, blob vs text), for execution accuracy. */
  queryTyped(statement: string, explained: string | null, maxRows: number, timeoutMs?: number): Promise<TypedRows>;
  readSchema(options: Required<SchemaOptions>): Promise<DatabaseSchema>;
  /** Parses and binds without executing; throws the engine's error. Preparing never runs a statement. */
  prepareOnly(sql: string): Promise<void>;
  close(): void;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function toSafeNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
