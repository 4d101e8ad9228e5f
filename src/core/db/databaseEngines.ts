import { closeSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Dialect } from '../types/QueryResult';
import type { DatabaseEngine } from './DatabaseEngine';
import { DbError } from './DbError';
import { checkDatabaseFile } from './checkDatabaseFile';
import { isPostgresUrl, postgresDatabaseName } from './postgres/postgresTarget';
import { redactUrl } from '../util/redactSecrets';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const DUCKDB_MAGIC = Buffer.from('DUCK', 'latin1');
const DUCKDB_MAGIC_OFFSET = 8;
const HEADER_BYTES = 64;

const fileName = (path: string): string => basename(path, extname(path));

// Each engine's native module loads on first use: a worker for one engine never pays for the others.
const ENGINES: readonly DatabaseEngine[] = [
  {
    dialect: 'sqlite',
    label: 'SQLite',
    target: 'file',
    claims: (_, header) => header !== null && header.subarray(0, SQLITE_MAGIC.length).equals(SQLITE_MAGIC),
    open: async (path, options) => (await import('./SqliteAdapter.js')).SqliteAdapter.open(path, options.attach ?? []),
    cancelsOnServer: false,
    databaseName: fileName,
    describe: (path) => path,
  },
  {
    dialect: 'duckdb',
    label: 'DuckDB',
    target: 'file',
    claims: (_, header) => header !== null && header.subarray(DUCKDB_MAGIC_OFFSET, DUCKDB_MAGIC_OFFSET + DUCKDB_MAGIC.length).equals(DUCKDB_MAGIC),
    open: async (path, options) => (await import('./DuckDbAdapter.js')).DuckDbAdapter.open(path, options.memoryLimitMb, options.attach ?? []),
    cancelsOnServer: false,
    databaseName: fileName,
    describe: (path) => path,
  },
  {
    dialect: 'postgres',
    label: 'PostgreSQL',
    target: 'server',
    claims: (url, header) => header === null && isPostgresUrl(url),
    open: async (url, options) => (await import('./postgres/PostgresAdapter.js')).PostgresAdapter.open(url, options),
    cancelsOnServer: true,
    databaseName: postgresDatabaseName,
    describe: redactUrl,
  },
];

/** `scheme://…`: a server, never a file (a file path has no scheme, and Windows drive letters are one letter). */
export function isUrlTarget(target: string): boolean {
  return /^[a-z][a-z0-9+.-]+:\/\//i.test(target);
}

/**
 * The engine for a database target: a URL by its scheme, a file by its header bytes (so a misnamed
 * file still opens with the right engine). A missing file, a folder or an unknown format fails here.
 */
export function engineFor(target: string): DatabaseEngine {
  if (isUrlTarget(target)) {
    const engine = ENGINES.find((e) => e.target === 'server' && e.claims(target, null));
    if (engine) return engine;
    const scheme = target.slice(0, target.indexOf(':'));
    throw new DbError('not-a-database', `${scheme}:// URLs are not supported; Quarry connects to postgresql:// servers and opens SQLite and DuckDB files`);
  }
  const header = readHeader(target);
  if (header.length === 0) throw new DbError('not-a-database', `${target} is empty, not a SQLite or DuckDB database`);
  const engine = ENGINES.find((e) => e.target === 'file' && e.claims(target, header));
  if (!engine) throw new DbError('not-a-database', `${target} is not a SQLite or DuckDB database (unknown file header)`);
  return engine;
}

/** The dialect of a database target: a file's by its header bytes, a server's by its URL. */
export function detectDialect(target: string): Dialect {
  return engineFor(target).dialect;
}

/** The target as it may be shown, logged and saved (a URL without its password); no file is read. */
export function describeTarget(target: string): string {
  return isUrlTarget(target) ? engineFor(target).describe(target) : target;
}

/** What the database is called in prompts and datasets (Spider's db_id): a file's base name, a server database's name. */
export function databaseNameOf(target: string): string {
  return isUrlTarget(target) ? engineFor(target).databaseName(target) : fileName(target);
}

/** Checks a target without opening it: a file is stat'ed (never opened: see checkDatabaseFile); a URL must name a known engine. */
export function checkDatabaseTarget(target: string): DatabaseEngine | null {
  if (isUrlTarget(target)) return engineFor(target);
  checkDatabaseFile(target);
  return null;
}

function readHeader(path: string): Buffer {
  checkDatabaseFile(path);
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const read = readSync(fd, buffer, 0, HEADER_BYTES, 0);
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}
