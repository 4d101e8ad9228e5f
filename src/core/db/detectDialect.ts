import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Dialect } from '../types/QueryResult';
import { DbError } from './DbError';
import { describeFileKind } from '../files/checkInputFile';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const DUCKDB_MAGIC = Buffer.from('DUCK', 'latin1');
const DUCKDB_MAGIC_OFFSET = 8;

/** Tells SQLite from DuckDB by the file's header bytes, so a misnamed file still opens with the right engine. */
export function detectDialect(path: string): Dialect {
  const header = readHeader(path, 64);
  if (header.length === 0) throw new DbError('not-a-database', `${path} is empty, not a SQLite or DuckDB database`);
  if (header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC)) return 'sqlite';
  if (header.subarray(DUCKDB_MAGIC_OFFSET, DUCKDB_MAGIC_OFFSET + DUCKDB_MAGIC.length).equals(DUCKDB_MAGIC)) return 'duckdb';
  throw new DbError('not-a-database', `${path} is not a SQLite or DuckDB database (unknown file header)`);
}

/**
 * Stat only, never open: a missing file, a folder or a FIFO (whose open would wait for a writer
 * forever) is refused with its own words. Safe in any process: opening and closing a file would
 * drop every POSIX lock this process holds on it, a DuckDB writer's included.
 */
export function checkDatabaseFile(path: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new DbError('file-missing', `database file not found: ${path}`);
  }
  if (!stat.isFile()) throw new DbError('not-a-database', `${path} is ${describeFileKind(stat)}, not a database file`);
}

function readHeader(path: string, length: number): Buffer {
  checkDatabaseFile(path);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
