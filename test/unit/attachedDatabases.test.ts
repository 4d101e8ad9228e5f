import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import BetterSqlite3 from 'better-sqlite3';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { makeTempDir, sha256 } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

/**
 * Attached files (issue 30): a SQLite file with SQLite files beside it, a DuckDB file with DuckDB
 * files, each attachment's tables named alias.table in the schema, the grammar and SQL, all of them
 * read-only; what cannot be attached is refused in one line.
 */
const temp = makeTempDir('quarry-attach-');
after(() => temp.dispose());
const file = (name: string) => join(temp.dir, name);

before(async () => {
  const main = new BetterSqlite3(file('main.sqlite'));
  main.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ada'), (2, 'Bob');");
  main.close();
  const sales = new BetterSqlite3(file('sales.sqlite'));
  sales.exec(`CREATE TABLE regions (id INTEGER PRIMARY KEY, label TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, region_id INTEGER REFERENCES regions (id), total REAL);
    INSERT INTO regions VALUES (1, 'North'); INSERT INTO orders VALUES (1, 1, 9.5), (2, 1, 3.0);`);
  sales.close();
  for (const [name, ddl] of [
    ['main.duckdb', "CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR); INSERT INTO customers VALUES (1, 'Ada');"],
    ['sales.duckdb', "CREATE TABLE regions (id INTEGER PRIMARY KEY, label VARCHAR); CREATE TABLE orders (id INTEGER, region_id INTEGER REFERENCES regions (id)); INSERT INTO regions VALUES (1, 'North'); INSERT INTO orders VALUES (1, 1), (2, 1), (3, 1);"],
  ]) {
    const instance = await DuckDBInstance.create(file(name!));
    const connection = await instance.connect();
    await connection.run(ddl!);
    connection.closeSync();
    instance.closeSync();
  }
  writeFileSync(file('queries.sql'), 'SELECT customers.name FROM customers\nSELECT count(*) FROM sales.orders JOIN sales.regions ON regions.id = orders.region_id\n');
});

for (const engine of ['sqlite', 'duckdb']) {
  test(`${engine}: an attached file's tables are read as alias.table, with their keys; queries and the grammar reach them; everything stays read-only`, () => {
    const main = file(`main.${engine}`);
    const sales = file(`sales.${engine}`);
    const before = sha256(sales);
    const read = quarry(['schema', '--db', main, '--attach', `sales=${sales}`, '--json']);
    assert.equal(read.code, 0, read.stderr);
    const schema = JSON.parse(read.stdout) as DatabaseSchema;
    assert.deepEqual(schema.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)), ['customers', 'sales.regions', 'sales.orders']);
    const orders = schema.tables.find((t) => t.name === 'orders')!;
    assert.deepEqual(orders.foreignKeys, [{ columns: ['region_id'], refTable: 'regions', refSchema: 'sales', refColumns: ['id'] }]);
    assert.ok(orders.rowCount! >= 2);
    assert.match(read.stderr, /read 2 schemas, 3 tables and views/);
    const counted = quarry(['sql', '--db', main, '--attach', `sales=${sales}`, '--json', 'SELECT count(*) AS n FROM sales.orders']);
    assert.equal(counted.code, 0, counted.stderr);
    assert.deepEqual(JSON.parse(counted.stdout).rows, [[engine === 'sqlite' ? 2 : 3]]);
    const checked = quarry(['grammar', '--db', main, '--attach', `sales=${sales}`, '--check', file('queries.sql')]);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const write = quarry(['sql', '--db', main, '--attach', `sales=${sales}`, 'DELETE FROM sales.orders']);
    assert.notEqual(write.code, 0);
    assert.equal(sha256(sales), before, 'the attached file is unchanged');
  });
}

test('DuckDB: once its files are attached, the connection reads no other file (external access is off again)', () => {
  writeFileSync(file('secret.csv'), 'a\n1\n');
  const run = quarry(['sql', '--db', file('main.duckdb'), '--attach', `sales=${file('sales.duckdb')}`, `SELECT * FROM read_csv('${file('secret.csv')}')`]);
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /external access|disabled|refused/i);
});

test('what cannot be attached is refused in one line: a reserved or repeated alias, another engine, a missing file, a malformed option', () => {
  const refuse = (args: string[], pattern: RegExp) => {
    const run = quarry(['schema', '--db', file('main.sqlite'), ...args]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  };
  refuse(['--attach', `main=${file('sales.sqlite')}`], /an alias is a plain name .* other than main/);
  refuse(['--attach', `s=${file('sales.sqlite')}`, '--attach', `s=${file('sales.sqlite')}`], /two attachments are named 's'/);
  refuse(['--attach', `s=${file('sales.duckdb')}`], /cannot attach .*sales\.duckdb \(duckdb\) to .*main\.sqlite \(sqlite\): attach files of the same engine/);
  refuse(['--attach', `s=${file('missing.sqlite')}`], /missing\.sqlite/);
  refuse(['--attach', 'sales'], /--attach takes ALIAS=FILE/);
});
