import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locateSqlError } from '../../src/core/sql/locateSqlError';
import { statementAt, statementsIn } from '../../src/core/sql/statementAt';

test('the statement under the cursor: split at semicolons outside strings and comments, the one before when the cursor is past it', () => {
  const text = "-- first\nSELECT 1;\n\nSELECT ';' AS semi -- ; not here\n  FROM t;\n\n";
  assert.deepEqual(statementsIn(text).map((s) => s.text), ['-- first\nSELECT 1', "SELECT ';' AS semi -- ; not here\n  FROM t"]);
  assert.equal(statementAt(text, text.indexOf('1'))?.text, '-- first\nSELECT 1');
  assert.equal(statementAt(text, text.indexOf('semi'))?.text.startsWith("SELECT ';'"), true);
  assert.equal(statementAt(text, text.length)?.text.endsWith('FROM t'), true, 'below the last statement: that one');
  const second = statementsIn(text)[1]!;
  assert.equal(text.slice(second.start, second.end), second.text);
  assert.equal(statementAt('   \n', 2), null);
});

test('where an error points: the word SQLite names, DuckDB\'s caret', () => {
  const sql = 'SELECT nme FROM singer';
  assert.deepEqual(locateSqlError(sql, 'no such column: nme'), { offset: 7, length: 3 });
  assert.deepEqual(locateSqlError('SELECT * FORM singer', 'near "FORM": syntax error'), { offset: 9, length: 4 });
  assert.deepEqual(locateSqlError('SELECT * FROM singers', 'no such table: singers'), { offset: 14, length: 7 });
  const duck = 'Binder Error: Referenced column "nme" not found in FROM clause!\n\nLINE 1: SELECT nme FROM singer\n               ^';
  assert.deepEqual(locateSqlError(sql, duck), { offset: 7, length: 3 });
  assert.equal(locateSqlError(sql, 'database is locked'), null);
});
