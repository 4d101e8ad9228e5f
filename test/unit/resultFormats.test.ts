import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { RESULT_FORMATS } from '../../src/core/results/resultFormats';
import type { SqlValue } from '../../src/core/types/QueryResult';

const columns = ['name', 'note'];
const rows: SqlValue[][] = [['Joe', 'a, "b"'], ['Ann', null], ['Big', 9007199254740993n]];

test('rows copied as CSV (quoted where needed), JSON objects and a Markdown table, with or without headers', () => {
  assert.equal(RESULT_FORMATS.csv.write(columns, rows, {}), 'name,note\r\nJoe,"a, ""b"""\r\nAnn,\r\nBig,9007199254740993');
  assert.equal(RESULT_FORMATS.csv.write(columns, rows.slice(0, 1), { headers: false }), 'Joe,"a, ""b"""');
  assert.deepEqual(JSON.parse(RESULT_FORMATS.json.write(columns, rows, {})), [{ name: 'Joe', note: 'a, "b"' }, { name: 'Ann', note: null }, { name: 'Big', note: '9007199254740993' }]);
  assert.equal(RESULT_FORMATS.markdown.write(['a|b'], [['x\ny']], {}), '| a\\|b |\n| --- |\n| x y |');
  assert.equal(RESULT_FORMATS.tsv.write(['a', 'b'], [['x\ty', 'line\nbreak'], [1, null]], {}), 'a\tb\r\nx y\tline break\r\n1\t');
  assert.equal(RESULT_FORMATS.tsv.write(['a'], [[1]], { headers: false }), '1');
});

test('SQL INSERT statements put the same rows back into a real table, quotes and NULLs included', () => {
  const text = RESULT_FORMATS.insert.write(['name', 'Order', 'n'], [["O'Brien", 'x', 1.5], [null, 'y', 9007199254740993n], ['t', null, -2]], { table: 'copy' });
  assert.match(text, /^INSERT INTO copy \(name, "Order", n\) VALUES \('O''Brien', 'x', 1\.5\);$/m);
  const db = new Database(':memory:');
  db.defaultSafeIntegers(true);
  db.exec('CREATE TABLE copy (name TEXT, "Order" TEXT, n NUMERIC)');
  db.exec(text);
  assert.deepEqual(db.prepare('SELECT name, "Order", n FROM copy ORDER BY rowid').raw().all(), [["O'Brien", 'x', 1.5], [null, 'y', 9007199254740993n], ['t', null, -2n]]);
  db.close();
  assert.equal(RESULT_FORMATS.insert.write(['a'], [[1]], { headers: false }), 'INSERT INTO results VALUES (1);');
  assert.match(RESULT_FORMATS.insert.write(['Name'], [[true]], { table: 'People', dialect: 'postgres' }), /^INSERT INTO "People" \("Name"\) VALUES \(TRUE\);$/);
});
