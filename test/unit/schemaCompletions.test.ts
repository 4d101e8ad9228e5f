import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaCompletions } from '../../src/core/complete/schemaCompletions';
import type { DatabaseSchema, TableSchema } from '../../src/core/types/DatabaseSchema';

const table = (name: string, columns: [string, string][], extra: Partial<TableSchema> = {}): TableSchema =>
  ({ name, kind: 'table', columns: columns.map(([column, type]) => ({ name: column, type, primaryKey: false, examples: [] })), foreignKeys: [], rowCount: 0, ...extra }) as unknown as TableSchema;
const schema: DatabaseSchema = {
  dialect: 'postgres',
  tables: [
    table('singer', [['Singer_ID', 'int'], ['Name', 'text']]),
    table('concert', [['concert_ID', 'int'], ['Year', 'text']]),
    table('orders', [['id', 'int']], { schema: 'sales' }),
  ],
  functions: [],
} as unknown as DatabaseSchema;

const at = (sql: string) => schemaCompletions(schema, sql.replace('|', ''), sql.indexOf('|'));
const labels = (sql: string) => at(sql).map((c) => c.label);

test('after alias. or table. the columns of that table, quoted where the dialect needs it', () => {
  assert.deepEqual(labels('SELECT s.| FROM singer AS s'), ['Singer_ID', 'Name']);
  assert.deepEqual(at('SELECT s.| FROM singer AS s').map((c) => c.insertText), ['"Singer_ID"', '"Name"'], 'Postgres finds capitals only quoted');
  assert.deepEqual(labels('SELECT c.Ye| FROM singer s JOIN concert c ON 1=1'), ['concert_ID', 'Year']);
  assert.deepEqual(labels('SELECT concert.| FROM concert'), ['concert_ID', 'Year']);
  assert.deepEqual(labels('SELECT o.| FROM sales.orders o'), ['id'], 'a qualified table and its alias');
  assert.deepEqual(labels('SELECT nosuch.| FROM singer'), []);
});

test('elsewhere: tables and views, every column as table.column (bare for the statement\'s tables), and keywords; nothing inside a string or a comment', () => {
  const offered = labels('SELECT | FROM singer');
  for (const label of ['singer', 'concert', 'sales.orders', 'singer.Name', 'concert.Year', 'Name', 'WHERE', 'JOIN']) assert.ok(offered.includes(label), label);
  assert.ok(!offered.includes('Year'), 'a column of a table not in the statement comes qualified only');
  assert.deepEqual(at('SELECT | FROM singer').find((c) => c.label === 'sales.orders')?.kind, 'table');
  assert.deepEqual(labels("SELECT 'a |' FROM singer"), []);
  assert.deepEqual(labels('SELECT 1 -- a comment |'), []);
  assert.deepEqual(labels('SELECT /* open | */ 1'), []);
  assert.ok(labels("SELECT 'closed' |").includes('singer'));
});
