import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { makeTempDir } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

/**
 * A DuckDB warehouse keeps its tables in schemas of their own: Quarry reads every schema of the
 * file (issue 30), names a table outside `main` as `schema.table` in prompts and the grammar, keeps
 * same-named tables of two schemas apart, and says what it read; an empty file is a warning.
 */
const temp = makeTempDir('quarry-duckdb-schemas-');
after(() => temp.dispose());
const warehouse = join(temp.dir, 'warehouse.duckdb');
const empty = join(temp.dir, 'empty.duckdb');
before(async () => {
  const instance = await DuckDBInstance.create(warehouse);
  const connection = await instance.connect();
  await connection.run(`
    CREATE SCHEMA sales;
    CREATE TABLE sales.customers (id INTEGER PRIMARY KEY, name VARCHAR);
    CREATE TABLE sales.orders (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES sales.customers (id), total DOUBLE);
    CREATE TABLE customers (id INTEGER, region VARCHAR);
    CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE total > 2;
    INSERT INTO sales.customers VALUES (1, 'Ada'), (2, 'Bob');
    INSERT INTO sales.orders VALUES (1, 1, 9.5), (2, 2, 3.0), (3, 1, 1.0);
    INSERT INTO customers VALUES (7, 'north');`);
  connection.closeSync();
  instance.closeSync();
  const blank = await DuckDBInstance.create(empty);
  blank.closeSync();
});

test('every schema of a DuckDB file is read; a table outside main is schema-qualified, same-named tables stay apart, keys and values kept', () => {
  const run = quarry(['schema', '--db', warehouse, '--json']);
  assert.equal(run.code, 0, run.stderr);
  const schema = JSON.parse(run.stdout) as DatabaseSchema;
  const table = (name: string, namespace?: string) => schema.tables.find((t) => t.name === name && t.schema === namespace)!;
  assert.deepEqual(schema.tables.map((t) => (t.schema ? `${t.schema}.${t.name}` : t.name)), ['customers', 'sales.customers', 'sales.orders', 'sales.big_orders']);
  assert.deepEqual(table('customers').columns.map((c) => c.name), ['id', 'region']);
  assert.deepEqual(table('customers', 'sales').columns.map((c) => [c.name, c.primaryKey]), [['id', true], ['name', false]]);
  assert.deepEqual(table('orders', 'sales').foreignKeys, [{ columns: ['customer_id'], refTable: 'customers', refSchema: 'sales', refColumns: ['id'] }]);
  assert.deepEqual([table('customers').rowCount, table('customers', 'sales').rowCount, table('orders', 'sales').rowCount], [1, 2, 3]);
  assert.match(run.stderr, /read 2 schemas, 4 tables and views, 10 columns/);
  const ddl = quarry(['schema', '--db', warehouse]).stdout;
  assert.match(ddl, /CREATE TABLE sales\.customers \(\n {2}id INTEGER PRIMARY KEY,\n {2}name VARCHAR -- e\.g\. 'Ada', 'Bob'/);
  assert.match(ddl, /FOREIGN KEY \(customer_id\) REFERENCES sales\.customers \(id\)/);
});

test('the grammar writes schema-qualified tables and the queries run; an empty DuckDB file is a warning, not silence', () => {
  const queries = join(temp.dir, 'queries.sql');
  writeFileSync(queries, ['SELECT name FROM sales.customers', 'SELECT customers.name, sum(orders.total) FROM sales.orders JOIN sales.customers ON customers.id = orders.customer_id GROUP BY customers.name', 'SELECT region FROM customers', 'SELECT * FROM sales.big_orders'].join('\n'));
  const checked = quarry(['grammar', '--db', warehouse, '--check', queries]);
  assert.equal(checked.code, 0, checked.stdout);
  assert.match(checked.stdout, /4 of 4 accepted/);
  const invented = join(temp.dir, 'invented.sql');
  writeFileSync(invented, 'SELECT name FROM marketing.customers\n');
  assert.notEqual(quarry(['grammar', '--db', warehouse, '--check', invented]).code, 0, 'a schema the database lacks is not writable');
  const rows = quarry(['sql', '--db', warehouse, '--json', 'SELECT name FROM sales.customers ORDER BY id']);
  assert.deepEqual((JSON.parse(rows.stdout) as { rows: unknown[][] }).rows, [['Ada'], ['Bob']]);
  const blank = quarry(['schema', '--db', empty]);
  assert.equal(blank.code, 0);
  assert.match(blank.stderr, /warning: .*empty\.duckdb has no tables or views Quarry can read/);
});
