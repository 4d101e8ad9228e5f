import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DbError } from '../../src/core/db/DbError';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { omnisqlFormat } from '../../src/core/prompt/omnisqlFormat';
import { renderMSchema } from '../../src/core/schema/renderMSchema';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { checkSentence, parseGbnf } from '../../src/core/sql/continueGrammar';
import { grammarFor } from '../../src/core/sql/grammarFor';
import { assertStopsInTime, openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { makeTempDir } from '../helpers/fixtures';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';
import { POSTGRES_FIXTURE as FIXTURE, POSTGRES_FIXTURE_SQL, POSTGRES_HOSTILE, postgresChecksums, runningQueries, waitFor } from '../helpers/postgresFixture';

let server: TestPostgres;
let carUrl: string;

before(async () => {
  server = await startTestPostgres();
  carUrl = await server.loadSpider('car_1');
  await server.createDatabase(FIXTURE, POSTGRES_FIXTURE_SQL);
});
after(async () => {
  await server.stop();
});

describe('Postgres connection', () => {
  let db: IsolatedDatabase;
  before(async () => {
    db = await openTestDb(carUrl);
  });
  after(() => db.dispose());

  test('is told apart by its URL, named after its database, and never shows the password', async () => {
    assert.equal(db.dialect, 'postgres');
    const withPassword = await openTestDb(server.url('car_1').replace('postgres@', `postgres:${server.password}@`));
    try {
      assert.doesNotMatch(withPassword.label, new RegExp(server.password));
      assert.equal((await withPassword.readSchema({ sampleValues: 0 })).name, 'car_1');
    } finally {
      await withPassword.dispose();
    }
  });

  test("reads car_1's six tables with row counts, keys and foreign keys", async () => {
    const schema = await db.readSchema();
    assert.equal(schema.dialect, 'postgres');
    assert.deepEqual(
      schema.tables.map((t) => [t.name, t.rowCount]),
      [['continents', 5], ['countries', 15], ['car_makers', 22], ['model_list', 36], ['car_names', 406], ['cars_data', 406]],
    );
    assert.deepEqual(
      schema.tables.flatMap((t) => t.foreignKeys.map((fk) => `${t.name}.${fk.columns.join()}->${fk.refTable}.${fk.refColumns.join()}`)),
      ['countries.continent->continents.contid', 'car_makers.country->countries.countryid', 'model_list.maker->car_makers.id', 'car_names.model->model_list.model', 'cars_data.id->car_names.makeid'],
    );
    assert.ok(schema.tables[0]!.columns[0]!.primaryKey);
    assert.ok(schema.tables[0]!.columns[1]!.examples.includes('asia'));
    assert.ok(schema.functions.includes('date_trunc') && schema.functions.includes('string_agg'));
    assert.ok(!schema.functions.includes('nextval') && !schema.functions.includes('pg_terminate_backend'));
  });

  test('returns Postgres values as comparable JS values, and text for the rest', async () => {
    const result = await db.query(
      "SELECT 1 AS i, 9007199254740993::int8 AS big, 2.5::float8 AS f, 1.50::numeric(10, 2) AS d, 'a' AS s, NULL AS n, true AS yes, '\\x00ff'::bytea AS b, " +
        "TIMESTAMPTZ '2026-01-02 03:04:05.678901+00' AS ts, DATE '2020-01-02' AS day, ARRAY[1, 2] AS arr, '{\"a\": 1}'::jsonb AS j",
    );
    assert.deepEqual(result.columns, ['i', 'big', 'f', 'd', 's', 'n', 'yes', 'b', 'ts', 'day', 'arr', 'j']);
    assert.deepEqual(result.rows, [[1, 9007199254740993n, 2.5, 1.5, 'a', null, true, '00ff', '2026-01-02 03:04:05.678901+00', '2020-01-02', '{1,2}', '{"a": 1}']]);
    assert.deepEqual(result.columnTypes?.slice(0, 4), ['integer', 'bigint', 'double precision', 'numeric']);
  });

  test('cuts results at the row cap and says so', async () => {
    const result = await db.query('SELECT * FROM cars_data ORDER BY id', { maxRows: 10 });
    assert.equal(result.rows.length, 10);
    assert.equal(result.truncated, true);
  });

  test('says what is wrong with a statement in the server words, without running it', async () => {
    await rejectsWith(db.validate('SELECT nosuch FROM cars_data'), 'sql-error', /column "nosuch" does not exist/);
    await rejectsWith(db.validate('SELEC 1'), 'sql-error', /syntax error/);
    await db.validate('SELECT count(*) FROM generate_series(1, 100000000000)');
  });

  test('a runaway query is stopped by the server on time and leaves nothing running', async () => {
    await assertStopsInTime(db, 'SELECT count(*) FROM generate_series(1, 100000000000)', 1000);
    await assertStopsInTime(db, 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r', 1000);
    assert.deepEqual(await runningQueries(server), []);
  });

  test('a query whose worker is stopped (cancelled by the user) ends on the server within about a second', async () => {
    const controller = new AbortController();
    const running = db.query('SELECT count(*) FROM generate_series(1, 100000000000)', { signal: controller.signal, timeoutMs: 60_000 });
    await waitFor(async () => (await runningQueries(server)).length === 1);
    controller.abort();
    await rejectsWith(running, 'cancelled');
    const stopped = performance.now();
    await waitFor(async () => (await runningQueries(server)).length === 0);
    assert.ok(performance.now() - stopped < 3000, 'the server kept running the query of a stopped worker');
  });
});

describe('Postgres never writes', () => {
  let db: IsolatedDatabase;
  before(async () => {
    db = await openTestDb(server.url(FIXTURE));
  });
  after(() => db.dispose());


  test('refuses every hostile statement, and every table and sequence is unchanged', async () => {
    const before = await postgresChecksums(server, FIXTURE);
    for (const sql of POSTGRES_HOSTILE) {
      await rejectsWith(db.query(sql), 'refused', undefined).catch((error: Error) => assert.fail(`${sql}: ${error.message}`));
      await assert.rejects(db.validate(sql), DbError, sql);
    }
    assert.deepEqual(await postgresChecksums(server, FIXTURE), before);
    assert.deepEqual((await db.query('SELECT count(*) FROM customers')).rows, [[3]]);
  });

  test('reads namespaces, views, materialized views and COMMENT ON text, and renders them for prompts', async () => {
    const schema = await db.readSchema();
    const names = schema.tables.map((t) => `${t.schema ? `${t.schema}.` : ''}${t.name}:${t.kind}`);
    assert.deepEqual(names, ['customers:table', 'order_totals:view', 'events:table', 'Shipments:table', 'fresh:table', 'sales.orders:table', 'sales.big_orders:view']);
    const ddl = renderSchemaDdl(schema);
    assert.match(ddl, /-- People who bought something\nCREATE TABLE customers \(/);
    assert.match(ddl, /tier text -- Loyalty tier: gold, silver or none; e\.g\. 'gold', 'silver'/);
    assert.match(ddl, /CREATE TABLE sales\.orders \(/);
    assert.match(ddl, /FOREIGN KEY \(customer_id\) REFERENCES customers \(id\)/);
    assert.match(ddl, /total numeric\(10,2\)/);
    const events = schema.tables.find((t) => t.name === 'events')!;
    assert.ok(events.rowCountEstimated && Math.abs(events.rowCount! - 200_000) < 20_000, `estimate ${events.rowCount}`);
    assert.deepEqual(events.columns[1]!.examples.length, 3, 'a sampled large table still gives example values');
    const fresh = schema.tables.find((t) => t.name === 'fresh')!;
    assert.equal(fresh.rowCount, 3, 'a table without statistics is counted');
    assert.equal(fresh.rowCountEstimated, undefined);
    const exact = await db.readSchema({ exactCounts: true, sampleValues: 0 });
    assert.equal(exact.tables.find((t) => t.name === 'events')!.rowCount, 200_000);
  });

  test('names with capitals stay quoted in prompts and grammars, where Postgres finds them only quoted', async () => {
    const schema = await db.readSchema({ sampleValues: 0 });
    assert.match(renderSchemaDdl(schema), /CREATE TABLE "Shipments" \(\n  "ShipmentId" integer PRIMARY KEY,\n  "Carrier" text\n\)/);
    const sql = parseGbnf(grammarFor(schema, 'sql')!);
    assert.equal(checkSentence(sql, 'SELECT "Carrier" FROM "Shipments" WHERE "ShipmentId" = 1').accepted, true);
    assert.equal(checkSentence(sql, 'SELECT Carrier FROM Shipments').accepted, false);
    assert.equal(checkSentence(sql, 'SELECT o.total FROM sales.orders AS o WHERE o.placed_at::date > DATE \'2026-01-01\'').accepted, true);
    // OmniSQL's rendering too: backticks mean nothing to Postgres.
    const omnisql = omnisqlFormat.renderSchema(schema);
    assert.match(omnisql, /CREATE TABLE "Shipments" \(\n    "ShipmentId" integer,/);
    assert.match(omnisql, /CREATE TABLE sales\.orders \(/);
    assert.doesNotMatch(omnisql, /`/);
    const mschema = renderMSchema(schema);
    assert.match(mschema, /# Table: sales\.orders\n/);
    assert.match(mschema, /sales\.orders\.customer_id=customers\.id/);
    const narrow = grammarFor(schema, 'narrow')!;
    assert.match(narrow, /\\"Shipments\\"/);
    assert.match(narrow, /sales\.orders/);
    for (const query of ['SELECT "Carrier" FROM "Shipments" WHERE "ShipmentId" = 1', 'SELECT count(*) FROM sales.orders']) await db.query(query);
  });

  test("the sql grammar writes Postgres's own SQL, and each of these queries runs on the server", async () => {
    const schema = await db.readSchema({ sampleValues: 0 });
    const grammar = parseGbnf(grammarFor(schema, 'sql')!);
    const queries = [
      "SELECT name FROM customers WHERE name ILIKE 'a%' ORDER BY name LIMIT 2 OFFSET 0",
      'SELECT DISTINCT ON (tier) tier, name FROM customers ORDER BY tier, name',
      "SELECT date_trunc('month', placed_at) AS m, count(*) FROM sales.orders GROUP BY 1",
      'SELECT EXTRACT(YEAR FROM placed_at) AS y, total::int FROM sales.orders',
      "SELECT id FROM sales.orders WHERE placed_at > now() - INTERVAL '30 days' OR placed_at IS NULL",
      "SELECT string_agg(name, ', ' ORDER BY name) FROM customers",
      'SELECT coalesce(tier, \'none\'), count(*) FILTER (WHERE tier IS NOT NULL) FROM customers GROUP BY 1',
      'SELECT id FROM customers WHERE id = ANY (ARRAY[1, 2])',
      'SELECT tags[1], cardinality(tags) FROM sales.orders',
      'SELECT name, rank() OVER (PARTITION BY tier ORDER BY id) FROM customers',
      'SELECT c.name, o.total FROM customers c CROSS JOIN LATERAL (SELECT total FROM sales.orders WHERE customer_id = c.id LIMIT 1) o',
      'SELECT count(*) FROM generate_series(1, 3)',
      "SELECT CAST(total AS text), placed_at::date FROM sales.orders WHERE total BETWEEN 10 AND 200 AND paid IS DISTINCT FROM false",
      "SELECT name FROM customers WHERE name SIMILAR TO '(A|G)%' LIMIT ALL",
      "SELECT position('a' IN name), substring(name FROM 1 FOR 2), trim(both ' ' from name) FROM customers",
      'WITH big AS (SELECT * FROM sales.orders WHERE total > 100) SELECT count(*) FROM big',
      'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY total) FROM sales.orders',
      'SELECT name FROM customers ORDER BY name OFFSET 1 ROWS FETCH FIRST 1 ROWS ONLY',
      'SELECT name FROM customers ORDER BY id FETCH FIRST ROW ONLY',
    ];
    for (const query of queries) {
      assert.equal(checkSentence(grammar, query).accepted, true, `the grammar refuses: ${query}`);
      await db.query(query).catch((error: Error) => assert.fail(`${query}: ${error.message}`));
    }
  });

  test('runs queries across namespaces as written', async () => {
    const result = await db.query('SELECT c.name, o.total FROM sales.orders o JOIN customers c ON c.id = o.customer_id WHERE c.name ILIKE \'a%\' ORDER BY 1');
    assert.deepEqual(result.rows, [['Ada', 120.5]]);
  });
});

describe('Postgres connection errors', () => {
  test('a wrong password, an unknown database and a closed port each say so', async () => {
    await rejectsWith(openTestDb(server.url('car_1').replace('postgres@', 'postgres:wrong@')), 'auth-failed', /password/);
    await rejectsWith(openTestDb(server.url('no_such_db')), 'file-missing', /no_such_db/);
    await rejectsWith(openTestDb('postgresql://postgres@127.0.0.1:1/car_1'), 'unreachable', /cannot reach/);
    await rejectsWith(openTestDb('mysql://root@127.0.0.1/x'), 'not-a-database', /mysql:\/\/ URLs are not supported/);
  });

  test('the password comes from the editor, from ~/.pgpass, or from PGPASSWORD', async () => {
    const saved = process.env.PGPASSWORD;
    delete process.env.PGPASSWORD;
    const temp = makeTempDir();
    try {
      await rejectsWith(openTestDb(carUrl), 'auth-failed');
      const fromEditor = await openTestDb(carUrl, { password: server.password });
      await fromEditor.dispose();
      const pgpass = join(temp.dir, 'pgpass');
      writeFileSync(pgpass, `127.0.0.1:${server.port}:*:postgres:${server.password}\n`, { mode: 0o600 });
      process.env.PGPASSFILE = pgpass;
      const fromFile = await openTestDb(carUrl);
      assert.deepEqual((await fromFile.query('SELECT 1')).rows, [[1]]);
      await fromFile.dispose();
    } finally {
      delete process.env.PGPASSFILE;
      process.env.PGPASSWORD = saved;
      temp.dispose();
    }
  });
});

