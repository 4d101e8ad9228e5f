import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Dialect } from './Database';
import { DbError } from './DbError';

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

function readHeader(path: string, length: number): Buffer {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new DbError('file-missing', `database file not found: ${path}`);
  }
  if (stat.isDirectory()) throw new DbError('not-a-database', `${path} is a folder, not a database file`);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const read = readSync(fd, buffer, 0, length, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
