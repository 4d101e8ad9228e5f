import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { buildDataset } from '../../src/core/dataset/buildDataset';
import type { SqlValue } from '../../src/core/types/QueryResult';
import { detectDialect } from '../../src/core/db/databaseEngines';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { resultsMatch } from '../../src/core/eval/compareResults';
import { extractLiterals } from '../../src/core/instances/extractLiterals';
import { generateInstances } from '../../src/core/instances/generateInstances';
import { goldOrdersRows } from '../../src/core/eval/prepareForEval';
import { runEvaluation } from '../../src/core/eval/runEvaluation';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { makeTempDir, WORKER_SCRIPT } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());
const flights = join(temp.dir, 'openflights.duckdb');
const shop = join(temp.dir, 'shop.duckdb');

/** DuckDB's strict types, sequences, composite and UNIQUE keys, a CHECK: what a naive generator gets wrong. */
const SHOP_SCHEMA = `
  CREATE SEQUENCE order_ids START 100;
  CREATE TABLE customers (
    id INTEGER PRIMARY KEY, email VARCHAR UNIQUE NOT NULL, tier ENUM('free', 'pro', 'team') NOT NULL, signed_up DATE,
    active BOOLEAN, credit DECIMAL(4,1) CHECK (credit >= 0), age TINYINT, token UUID);
  CREATE TABLE orders (
    id INTEGER PRIMARY KEY DEFAULT nextval('order_ids'), customer_id INTEGER NOT NULL REFERENCES customers (id),
    placed_at TIMESTAMP, total DOUBLE, receipt BLOB);
  CREATE TABLE order_tags (order_id INTEGER REFERENCES orders (id), tag VARCHAR, PRIMARY KEY (order_id, tag));
  CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
  INSERT INTO customers SELECT i, 'secret-' || i || '@example.com', 'team', DATE '1999-01-01' + i::INTEGER, i % 2 = 0, 12.5, 20 + i, uuid()
    FROM range(1, 40) t(i);
  INSERT INTO orders SELECT 500 + i, 1 + i % 39, TIMESTAMP '1999-06-01 10:00:00' + to_hours(i), 42.5 * i, NULL FROM range(1, 80) t(i);
  INSERT INTO order_tags SELECT 500 + i, 'secret-tag-' || (i % 3) FROM range(1, 80) t(i);`;

const SHOP_QUERIES = [
  "SELECT email FROM customers WHERE tier = 'pro' AND signed_up > '2024-03-01' AND age > 30",
  "SELECT count(*) FROM orders WHERE placed_at < '2025-01-01 12:00:00'",
  "SELECT id FROM customers WHERE email = 'zed@nowhere.test'",
];

before(async () => {
  await buildOpenFlightsDuckDb(flights);
  const instance = await DuckDBInstance.create(shop);
  const connection = await instance.connect();
  await connection.run(SHOP_SCHEMA);
  await connection.run('CHECKPOINT');
  connection.closeSync();
  instance.closeSync();
});

async function withDuckDb<T>(path: string, use: (rows: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    return await use(async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const columnTypes = (path: string) =>
  withDuckDb(path, (rows) => rows("SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal ORDER BY ALL"));

test('DuckDB instances keep types, sequences, keys and constraints, and hold the queries\u2019 literals', async () => {
  const dir = join(temp.dir, 'shop-instances');
  mkdirSync(dir);
  const paths = await generateInstances(shop, { count: 2, directory: dir, literals: extractLiterals(SHOP_QUERIES), seed: 7 });
  assert.deepEqual(paths.map((p) => detectDialect(p)), ['duckdb', 'duckdb']);
  assert.deepEqual(await columnTypes(paths[0]!), await columnTypes(shop));
  const facts = (path: string) =>
    withDuckDb(path, async (rows) => {
      const one = async (sql: string) => Number(Object.values((await rows(sql))[0]!)[0]);
      return {
        customers: await one('SELECT count(*) FROM customers'),
        orders: await one('SELECT count(*) FROM orders'),
        tags: await one('SELECT count(*) FROM order_tags'),
        orphans: await one('SELECT count(*) FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)'),
        pro: await one("SELECT count(*) FROM customers WHERE tier = 'pro'"),
        literalEmail: await one("SELECT count(*) FROM customers WHERE email = 'zed@nowhere.test'"),
        literalDate: await one("SELECT count(*) FROM customers WHERE signed_up = DATE '2024-03-01'"),
        literalTime: await one("SELECT count(*) FROM orders WHERE placed_at = TIMESTAMP '2025-01-01 12:00:00'"),
        bigOrders: await one('SELECT count(*) FROM big_orders'),
        secrets: await one("SELECT count(*) FROM customers WHERE email LIKE 'secret-%'"),
        checksum: await one('SELECT sum(hash(c)) FROM customers c'),
      };
    });
  const [first, second] = [await facts(paths[0]!), await facts(paths[1]!)];
  assert.ok(first.customers >= 20 && first.orders >= 20 && first.tags >= 10, JSON.stringify(first));
  assert.equal(first.orphans, 0);
  assert.ok(first.pro > 0 && first.literalEmail > 0 && first.literalDate > 0 && first.literalTime > 0, JSON.stringify(first));
  assert.ok(first.bigOrders > 0, 'the view is recreated over the generated rows');
  assert.ok(first.secrets > 0, 'real values are drawn on unless schema-only');
  assert.notEqual(first.checksum, second.checksum, 'instances differ from each other');

  const privateDir = join(temp.dir, 'shop-schema-only');
  mkdirSync(privateDir);
  const [schemaOnly] = await generateInstances(shop, { count: 1, directory: privateDir, literals: extractLiterals(SHOP_QUERIES), sampleRealValues: false });
  const leaked = await withDuckDb(schemaOnly!, (rows) =>
    rows("SELECT email FROM customers WHERE email LIKE 'secret-%' UNION ALL SELECT tag FROM order_tags WHERE tag LIKE 'secret-%'"),
  );
  assert.deepEqual(leaked, []);
});

test('schema-only dataset from a DuckDB history: ground truth from a synthetic DuckDB file, no real value in any output', async () => {
  const history = join(temp.dir, '.duckdb_history');
  writeFileSync(
    history,
    [
      'SELECT country, count(*) AS n FROM airports GROUP BY ALL ORDER BY n DESC, country LIMIT 5;',
      "SELECT name, city FROM airports WHERE country = 'Atlantis';",
      'SELECT a.name, count(*) AS routes FROM routes r JOIN airlines a ON a.airline_id = r.airline_id GROUP BY a.name;',
      'SELECT * FROM busiest_airports ORDER BY departures DESC, name LIMIT 3;',
      'SELECT avg(altitude) FROM airports WHERE altitude > 1000;',
      "SELECT name FROM airlines WHERE active = 'Y' AND country = 'Lemuria';",
      'SELECT count(*) FROM routes WHERE stops = 0;',
      'SELECT src.name, dst.name FROM routes r JOIN airports src ON src.airport_id = r.source_airport_id JOIN airports dst ON dst.airport_id = r.destination_airport_id;',
      '.tables',
      'DELETE FROM routes;',
    ].join('\n'),
  );
  const out = join(temp.dir, 'flights-dataset');
  const manifest = await buildDataset({ dbPath: flights, histories: [history], out, questions: 'none', schemaOnly: true, workerScript: WORKER_SCRIPT });
  assert.equal(manifest.database, 'synthetic.duckdb (schema only)');
  assert.equal(manifest.counts.kept, 8);
  assert.equal(manifest.counts.dropped['write statement'], 1);
  const synthetic = join(out, 'synthetic.duckdb');
  assert.equal(detectDialect(synthetic), 'duckdb');

  const built = ['train', 'test'].flatMap((split) =>
    readFileSync(join(out, split, 'quarry.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { sql: string; result: { rows: unknown[][] } }),
  );
  assert.ok(built.filter((e) => e.result.rows.length === 0).length <= 1, 'at most a tenth of the queries find nothing');
  const db = await IsolatedDatabase.open(synthetic, { workerScript: WORKER_SCRIPT });
  try {
    // DuckDB's parallel GROUP BY returns groups in any order: rows are a list only under ORDER BY.
    for (const example of built) {
      const rerun = (await db.query(example.sql)).rows;
      assert.ok(resultsMatch(example.result.rows as SqlValue[][], rerun, goldOrdersRows(example.sql)), `${example.sql}: ${JSON.stringify(rerun)}`);
    }
  } finally {
    await db.dispose();
  }

  const realValues = await withDuckDb(flights, async (rows) => {
    const values = new Set<string>();
    for (const table of ['countries', 'airports', 'airlines', 'planes']) {
      for (const row of await rows(`SELECT * FROM ${table}`)) {
        for (const value of Object.values(row)) if (typeof value === 'string' && value.length >= 4 && !/^[\d.\s-]+$/.test(value)) values.add(value);
      }
    }
    return values;
  });
  assert.ok(realValues.size > 1000);
  const syntheticTexts = await withDuckDb(synthetic, (rows) =>
    rows('SELECT name AS v FROM airports UNION ALL SELECT city FROM airports UNION ALL SELECT name FROM airlines UNION ALL SELECT name FROM countries'),
  );
  assert.ok(syntheticTexts.length > 50);
  for (const { v } of syntheticTexts) assert.ok(typeof v !== 'string' || !realValues.has(v), `${v} leaked into the synthetic database`);
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
  const leaves = (value: unknown): string[] =>
    typeof value === 'string' ? [value, ...(value.match(/'[^']*'/g) ?? []).map((q) => q.slice(1, -1))] : value && typeof value === 'object' ? Object.values(value).flatMap(leaves) : [];
  for (const file of files(out).filter((f) => /\.jsonl?$/.test(f))) {
    const text = readFileSync(file, 'utf8');
    const parsed = file.endsWith('.jsonl') ? text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : JSON.parse(text);
    for (const leaf of leaves(parsed)) assert.ok(!realValues.has(leaf.trim()), `${leaf} leaked into ${file}`);
    for (const country of ['Germany', 'Papua New Guinea', 'Goroka Airport']) assert.ok(!text.includes(country), `${country} in ${file}`);
  }
  assert.ok(!existsSync(`${out}.partial-${process.pid}`));
});

test('strict evaluation on a DuckDB database catches a prediction that only the real rows let pass', async () => {
  const examples = [
    "SELECT name FROM countries WHERE iso_code = 'QQ'",
    'SELECT count(*) FROM airports WHERE altitude > 5000',
    'SELECT a.name FROM airlines a JOIN routes r ON r.airline_id = a.airline_id WHERE r.stops > 0 ORDER BY a.name LIMIT 5',
  ].map((goldSql, index) => ({ index, question: '', goldSql, dbId: 'openflights', dbPath: flights }));
  const predictions = new Map(examples.map((e) => [e.index, e.goldSql]));
  predictions.set(0, "SELECT name FROM countries WHERE dafif_code = 'QQ'"); // no such code in either column of the real data
  const report = await runEvaluation(examples, { kind: 'predictions', predictions }, {
    report: join(temp.dir, 'strict-report.json'),
    settings: {},
    instances: 2,
    workerScript: WORKER_SCRIPT,
  });
  assert.deepEqual(report.examples.map((r) => [r.execMatch, r.strictMatch]), [[1, 0], [1, 1], [1, 1]]);
});

test('a DuckDB file with tables outside main is refused by strict mode, naming the schemas, not given instances missing them', async () => {
  const path = join(temp.dir, 'warehouse.duckdb');
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run('CREATE SCHEMA sales; CREATE TABLE sales.orders (id INTEGER); CREATE SCHEMA hr; CREATE TABLE hr.staff (id INTEGER); CREATE TABLE notes (id INTEGER)');
  connection.closeSync();
  instance.closeSync();
  const dir = join(temp.dir, 'warehouse-instances');
  mkdirSync(dir);
  await assert.rejects(generateInstances(path, { count: 1, directory: dir, literals: extractLiterals([]), seed: 1 }), /main schema only, and .*warehouse\.duckdb has tables in hr, sales: evaluate it without --instances/);
});
