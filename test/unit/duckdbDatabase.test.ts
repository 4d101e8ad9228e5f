import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { assertStopsInTime, openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { makeTempDir, sha256 } from '../helpers/fixtures';

const temp = makeTempDir();
const path = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(path));
after(() => temp.dispose());

describe('DuckDB connection', () => {
  let db: IsolatedDatabase;
  before(async () => {
    db = await openTestDb(path);
  });
  after(() => db.dispose());

  test('is told apart by content and reports its dialect', () => {
    assert.equal(db.dialect, 'duckdb');
  });

  test('returns columns and rows as comparable JS values', async () => {
    const result = await db.query(
      "SELECT 1 AS i, 2.5::DOUBLE AS f, 1.50::DECIMAL(10, 2) AS d, 'a' AS s, NULL AS n, '\\x00\\xFF'::BLOB AS b, " +
        "170141183460469231731687303715884105727::HUGEINT AS big, 7::BIGINT AS small_big, DATE '2020-01-02' AS day, true AS yes",
    );
    assert.deepEqual(result.columns, ['i', 'f', 'd', 's', 'n', 'b', 'big', 'small_big', 'day', 'yes']);
    assert.deepEqual(result.rows, [[1, 2.5, 1.5, 'a', null, '00ff', 170141183460469231731687303715884105727n, 7, '2020-01-02', true]]);
  });

  test('has the fine-tuning tutorial\'s tables and column names (scripts/buildOpenFlights.ts)', async () => {
    const tutorial: Record<string, string[]> = {
      airlines: ['airline_id', 'name', 'alias', 'iata', 'icao', 'callsign', 'country', 'active'],
      airports: ['airport_id', 'name', 'city', 'country', 'iata', 'icao', 'latitude', 'longitude', 'altitude', 'timezone', 'dst', 'tz_db', 'type', 'source'],
      countries: ['name', 'iso_code', 'dafif_code'],
      planes: ['name', 'iata', 'icao'],
      routes: ['airline', 'airline_id', 'source_airport', 'source_airport_id', 'destination_airport', 'destination_airport_id', 'codeshare', 'stops', 'equipment'],
    };
    for (const [table, columns] of Object.entries(tutorial)) {
      const result = await db.query(`SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`);
      assert.deepEqual(result.rows.map((row) => row[0]), columns, table);
    }
    const nulls = await db.query("SELECT count(*) FROM airlines WHERE iata IS NULL OR alias IS NULL");
    assert.ok(Number(nulls.rows[0]![0]) > 0, '\\N is read as NULL');
  });

  test('reads real data', async () => {
    const result = await db.query("SELECT name, iata FROM airports WHERE iata = 'GKA'");
    assert.deepEqual(result.rows, [['Goroka Airport', 'GKA']]);
  });

  test('caps rows and says so', async () => {
    const capped = await db.query('SELECT * FROM range(20000)');
    assert.equal(capped.rows.length, 10_000);
    assert.equal(capped.truncated, true);
    const five = await db.query('SELECT * FROM range(20000)', { maxRows: 5 });
    assert.deepEqual(five.rows, [[0], [1], [2], [3], [4]]);
    const exact = await db.query('SELECT * FROM range(3)', { maxRows: 3 });
    assert.equal(exact.truncated, false);
  });

  test('keeps the engine message of a SQL error verbatim', async () => {
    const error = await rejectsWith(db.query('SELECT nope FROM airports'), 'sql-error', /^Binder Error: Referenced column "nope" not found/);
    assert.match(error.message, /LINE 1/);
  });

  test("validate reports the engine's own parse and name errors without running anything", async () => {
    await db.validate('SELECT name FROM airports');
    await rejectsWith(db.validate('alph Floricane Paulo'), 'sql-error', /^Parser Error: syntax error at or near "alph"/);
    await rejectsWith(db.validate('SELECT nope FROM airports'), 'sql-error', /^Binder Error: Referenced column "nope" not found/);
    await rejectsWith(db.validate('DELETE FROM airports'), 'refused', /DELETE statements are not allowed/);
  });

  test('admits DuckDB reads: FROM-first, VALUES, EXPLAIN', async () => {
    assert.deepEqual((await db.query('FROM countries SELECT count(*)')).rows, [[261]]);
    assert.deepEqual((await db.query('VALUES (1, 2)')).rows, [[1, 2]]);
    assert.ok((await db.query('EXPLAIN SELECT * FROM airports')).rows.length > 0);
  });

  const hostile = [
    'DROP TABLE airports',
    'DELETE FROM airports',
    "UPDATE airports SET name = 'x'",
    "INSERT INTO countries VALUES ('x', 'x', 'x')",
    'CREATE TABLE evil (a INTEGER)',
    'CREATE TEMP TABLE evil AS SELECT 1',
    'CREATE MACRO evil(a) AS a',
    'CREATE VIEW evil AS SELECT 1',
    'ALTER TABLE airports ADD COLUMN evil INTEGER',
    "ATTACH '__DIR__/attached.duckdb' AS evil",
    'DETACH evil',
    "COPY airports TO '__DIR__/airports.csv'",
    "COPY countries FROM '__DIR__/countries.csv'",
    "EXPORT DATABASE '__DIR__/export'",
    "IMPORT DATABASE '__DIR__/export'",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "SELECT * FROM glob('/etc/*')",
    "FROM read_csv_auto('/etc/passwd')",
    'SET enable_external_access = true',
    'SET threads = 1',
    'RESET threads',
    'INSTALL httpfs',
    'LOAD httpfs',
    'PRAGMA enable_profiling',
    'CALL pragma_version()',
    'CHECKPOINT',
    'VACUUM',
    'BEGIN TRANSACTION',
    'DESCRIBE airports',
    'SUMMARIZE airports',
    'SELECT 1; DROP TABLE airports',
    'SELECT 1 /* ; */ ; DELETE FROM airports',
    '-- SELECT\nDELETE FROM airports',
    'WITH x AS (SELECT 1) DELETE FROM airports',
    "WITH x AS (SELECT 1) INSERT INTO countries SELECT 'a', 'b', 'c' FROM x",
    "WITH x AS (SELECT 1) UPDATE airports SET name = 'x'",
    'EXPLAIN ANALYZE DELETE FROM airports',
    "CREATE SECRET evil (TYPE s3, KEY_ID 'a', SECRET 'b')",
  ];

  test('refuses every hostile statement, reads no other file, and the file bytes never change', async () => {
    writeFileSync(join(temp.dir, 'countries.csv'), 'x,y,z\n');
    const before = sha256(path);
    const filesBefore = readdirSync(temp.dir).sort();
    for (const template of hostile) {
      const sql = template.replaceAll('__DIR__', temp.dir);
      // With external access off, DuckDB does not even resolve a bare file path as a table.
      const expected = template === "SELECT * FROM '/etc/passwd'" ? 'sql-error' : 'refused';
      await rejectsWith(db.query(sql), expected);
      await assert.rejects(db.validate(sql));
    }
    assert.equal(sha256(path), before);
    assert.deepEqual(readdirSync(temp.dir).sort(), filesBefore);
    assert.deepEqual((await db.query('SELECT count(*) FROM airports')).rows, [[7698]]);
  });

  test('a runaway recursive CTE is stopped on time and the process stays responsive', async () => {
    await assertStopsInTime(db, 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r', 1000);
  });

  test('a cross join of big tables is stopped on time', async () => {
    await assertStopsInTime(db, 'SELECT count(*) FROM routes a, routes b, routes c WHERE a.stops + b.stops + c.stops = 7', 1500);
  });
});

test('small and large tables rank example values the same way', async () => {
  const ranked = join(temp.dir, 'ranked.duckdb');
  const instance = await DuckDBInstance.create(ranked);
  const connection = await instance.connect();
  // b and a tie on frequency (value order decides), c follows; blanks and NULLs never count.
  const values = "['b', 'a', 'b', 'a', 'c', 'a', 'b', 'c', 'd', '  ', NULL, NULL, '  ', NULL]";
  await connection.run(`CREATE TABLE small AS SELECT unnest(${values}) AS v FROM range(10)`);
  await connection.run(`CREATE TABLE large AS SELECT unnest(${values}) AS v FROM range(1000)`);
  connection.closeSync();
  instance.closeSync();
  const db = await openTestDb(ranked);
  try {
    const schema = await db.readSchema({ sampleValues: 3 });
    const examples = Object.fromEntries(schema.tables.map((t) => [t.name, t.columns[0]!.examples]));
    assert.deepEqual(examples, { small: ['a', 'b', 'c'], large: ['a', 'b', 'c'] });
    assert.deepEqual(schema.tables.map((t) => t.rowCount), [14_000, 140]);
  } finally {
    await db.dispose();
  }
});

describe('opening DuckDB files', () => {
  test('a damaged file is reported as corrupt', async () => {
    const damaged = join(temp.dir, 'damaged.duckdb');
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4096, bytes.length); // keep the magic bytes, wreck the headers and blocks
    writeFileSync(damaged, bytes);
    await rejectsWith(openTestDb(damaged), 'corrupt', /damaged\.duckdb/);
  });

  test('a file another process has open for writing is reported as locked', async () => {
    const copy = join(temp.dir, 'locked.duckdb');
    copyFileSync(path, copy);
    const writer = await DuckDBInstance.create(copy);
    try {
      await rejectsWith(openTestDb(copy), 'locked');
    } finally {
      writer.closeSync();
    }
  });

  test('a DuckDB file named .sqlite still opens as DuckDB', async () => {
    const misnamed = join(temp.dir, 'misnamed.sqlite');
    copyFileSync(path, misnamed);
    const db = await openTestDb(misnamed);
    assert.equal(db.dialect, 'duckdb');
    await db.dispose();
  });
});
