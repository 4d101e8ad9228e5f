import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { assertStopsInTime, openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { copyInto, makeTempDir, sha256, spiderDb } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());

describe('SQLite connection', () => {
  let path: string;
  let db: IsolatedDatabase;
  before(async () => {
    path = copyInto(temp.dir, spiderDb('concert_singer'), 'concert_singer.sqlite');
    db = await openTestDb(path);
  });
  after(() => db.dispose());

  test('is told apart by content and reports its dialect', () => {
    assert.equal(db.dialect, 'sqlite');
  });

  test('returns columns and rows as comparable JS values', async () => {
    const result = await db.query("SELECT 1 AS i, 2.5 AS f, 'a' AS s, NULL AS n, x'00ff' AS b, 9007199254740993 AS big, 2.0 AS whole");
    assert.deepEqual(result.columns, ['i', 'f', 's', 'n', 'b', 'big', 'whole']);
    assert.deepEqual(result.rows, [[1, 2.5, 'a', null, '00ff', 9007199254740993n, 2]]);
    assert.equal(result.truncated, false);
    assert.ok(result.elapsedMs >= 0);
  });

  test('reads real data', async () => {
    const result = await db.query('SELECT count(*) AS n, max(Age) AS oldest FROM singer');
    assert.deepEqual(result.rows, [[6, 52]]);
  });

  test('caps rows and says so', async () => {
    const sql = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 20000) SELECT n FROM r';
    const capped = await db.query(sql);
    assert.equal(capped.rows.length, 10_000);
    assert.equal(capped.truncated, true);
    const five = await db.query(sql, { maxRows: 5 });
    assert.deepEqual(five.rows, [[1], [2], [3], [4], [5]]);
    assert.equal(five.truncated, true);
    const exact = await db.query('SELECT 1 UNION ALL SELECT 2', { maxRows: 2 });
    assert.equal(exact.truncated, false);
  });

  test('keeps the engine message of a SQL error verbatim', async () => {
    await rejectsWith(db.query('SELECT nope FROM singer'), 'sql-error', /^no such column: nope$/);
    await rejectsWith(db.query('SELEC 1'), 'refused');
  });

  test("validate reports the engine's own parse and name errors without running anything", async () => {
    await db.validate('SELECT Name FROM singer');
    await rejectsWith(db.validate('alph Floricane Paulo'), 'sql-error', /^near "alph": syntax error$/);
    await rejectsWith(db.validate('SELECT nope FROM singer'), 'sql-error', /^no such column: nope$/);
    await rejectsWith(db.validate('DELETE FROM singer'), 'refused', /DELETE statements are not allowed/);
  });

  test('double-quoted words that name no column are strings, as in the sqlite3 shell', async () => {
    // "France" names no column, so it is text; "Name" names one, so it stays the column.
    const result = await db.query('SELECT count(*) FROM singer WHERE Country = "France" AND "Name" != "x"');
    assert.deepEqual(result.rows, [[4]]);
    await rejectsWith(db.query('SELECT Name FROM singer WHERE Country = nope'), 'sql-error', /^no such column: nope$/);
  });

  test('admits EXPLAIN of a read', async () => {
    const plan = await db.query('EXPLAIN QUERY PLAN SELECT * FROM singer WHERE Singer_ID = 1');
    assert.ok(plan.rows.length > 0);
  });

  const hostile = [
    'DROP TABLE singer',
    'DELETE FROM singer',
    "UPDATE singer SET Name = 'x'",
    "INSERT INTO singer (Singer_ID, Name) VALUES (99, 'x')",
    "REPLACE INTO singer (Singer_ID, Name) VALUES (1, 'x')",
    'INSERT OR REPLACE INTO singer (Singer_ID, Name) VALUES (1, \'x\')',
    'CREATE TABLE evil (a)',
    'CREATE TEMP TABLE evil (a)',
    'CREATE INDEX evil ON singer (Name)',
    'CREATE TRIGGER evil AFTER INSERT ON singer BEGIN DELETE FROM singer; END',
    'ALTER TABLE singer ADD COLUMN evil',
    'ALTER TABLE singer RENAME TO evil',
    'DROP VIEW IF EXISTS v',
    "ATTACH DATABASE '__DIR__/attached.db' AS evil",
    "VACUUM INTO '__DIR__/vacuumed.db'",
    'VACUUM',
    'REINDEX',
    'ANALYZE',
    'PRAGMA writable_schema = 1',
    'PRAGMA journal_mode = WAL',
    'PRAGMA user_version = 7',
    'PRAGMA query_only = 0',
    "SELECT load_extension('__DIR__/evil.so')",
    'BEGIN EXCLUSIVE',
    'SAVEPOINT evil',
    'SELECT 1; DROP TABLE singer',
    'SELECT 1; DELETE FROM singer;',
    'SELECT 1 /* ; */ ; DELETE FROM singer',
    '-- SELECT\nDELETE FROM singer',
    '/* SELECT 1; */ DELETE FROM singer',
    'WITH x AS (SELECT 1) DELETE FROM singer',
    'WITH x AS (SELECT 1) INSERT INTO singer (Singer_ID) SELECT 100 FROM x',
    "WITH x AS (SELECT 1) UPDATE singer SET Name = 'x'",
    'EXPLAIN DELETE FROM singer',
    'select * from singer; drop table singer',
    "COPY singer TO '__DIR__/singer.csv'",
    "EXPORT DATABASE '__DIR__/export'",
    'SET threads = 1',
    "SELECT * FROM read_csv('/etc/passwd')",
  ];
  /** Reads the guard lets through to SQLite, which then refuses them itself. */
  const engineRefused = new Set(["SELECT load_extension('__DIR__/evil.so')", "SELECT * FROM read_csv('/etc/passwd')"]);

  test('refuses every hostile statement and the file bytes never change', async () => {
    const before = sha256(path);
    const filesBefore = readdirSync(temp.dir).sort();
    for (const template of hostile) {
      const sql = template.replaceAll('__DIR__', temp.dir);
      const error = await rejectsWith(db.query(sql), engineRefused.has(template) ? 'sql-error' : 'refused');
      if (error.code === 'refused') assert.match(error.message, /^refused: /);
      // Validation prepares without running: it rejects what the guard refuses (with SQLite's own
      // syntax error where SQLite has no such statement), and changes nothing either.
      if (!engineRefused.has(template)) await assert.rejects(db.validate(sql));
    }
    assert.equal(sha256(path), before);
    assert.deepEqual(readdirSync(temp.dir).sort(), filesBefore);
    const check = await db.query('SELECT count(*) FROM singer');
    assert.deepEqual(check.rows, [[6]]);
  });

  test('a runaway recursive CTE is stopped on time and the process stays responsive', async () => {
    await assertStopsInTime(db, 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r', 1000);
  });

  test('a cross join of big tables is stopped on time', async () => {
    const flights = await openTestDb(spiderDb('flight_4'));
    try {
      await assertStopsInTime(flights, 'SELECT count(*) FROM routes a, routes b, routes c', 1500);
    } finally {
      await flights.dispose();
    }
  });

  test('an aborted query stops with cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await rejectsWith(
      db.query('WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r', { signal: controller.signal }),
      'cancelled',
    );
    assert.deepEqual((await db.query('SELECT 1')).rows, [[1]]);
  });
});

describe('opening SQLite files', () => {
  test('a missing file', async () => {
    await rejectsWith(openTestDb(join(temp.dir, 'nope.sqlite')), 'file-missing', /nope\.sqlite/);
  });

  test('a text file, an empty file and a folder are not databases', async () => {
    const text = join(temp.dir, 'notes.sqlite');
    writeFileSync(text, 'hello, this is not a database\n'.repeat(100));
    await rejectsWith(openTestDb(text), 'not-a-database', /notes\.sqlite/);
    const empty = join(temp.dir, 'empty.db');
    writeFileSync(empty, '');
    await rejectsWith(openTestDb(empty), 'not-a-database', /empty/);
    await rejectsWith(openTestDb(temp.dir), 'not-a-database', /folder/);
  });

  test('a damaged file is reported as corrupt', async () => {
    const path = copyInto(temp.dir, spiderDb('concert_singer'), 'damaged.sqlite');
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 100, bytes.length); // keep the header, wreck every page
    writeFileSync(path, bytes);
    await rejectsWith(openTestDb(path), 'corrupt');
  });

  test('a file another process holds an exclusive lock on is reported as locked', async () => {
    const path = copyInto(temp.dir, spiderDb('concert_singer'), 'locked.sqlite');
    const writer = new BetterSqlite3(path);
    writer.exec('BEGIN EXCLUSIVE; UPDATE singer SET Age = Age + 1;');
    try {
      await rejectsWith(openTestDb(path), 'locked');
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
    }
  });

  test('a view over a dropped table does not spoil the rest of the schema', async () => {
    const path = join(temp.dir, 'broken-view.sqlite');
    const writer = new BetterSqlite3(path);
    writer.exec('CREATE TABLE gone (a); CREATE TABLE kept (b TEXT); CREATE VIEW stale AS SELECT a FROM gone; DROP TABLE gone;');
    writer.close();
    const db = await openTestDb(path);
    try {
      const schema = await db.readSchema();
      assert.deepEqual(
        schema.tables.map((t) => [t.name, t.kind, t.columns.map((c) => c.name)]),
        [['kept', 'table', ['b']], ['stale', 'view', []]],
      );
    } finally {
      await db.dispose();
    }
  });

  test('a SQLite file named .duckdb still opens as SQLite', async () => {
    const path = copyInto(temp.dir, spiderDb('concert_singer'), 'misnamed.duckdb');
    const db = await openTestDb(path);
    assert.equal(db.dialect, 'sqlite');
    await db.dispose();
  });

  test('a disposed connection says so', async () => {
    const db = await openTestDb(spiderDb('concert_singer'));
    await db.dispose();
    await rejectsWith(db.query('SELECT 1'), 'closed');
  });

  test('the worker never leaves a file behind', () => {
    assert.equal(existsSync(join(temp.dir, 'attached.db')), false);
    assert.equal(existsSync(join(temp.dir, 'vacuumed.db')), false);
  });
});
