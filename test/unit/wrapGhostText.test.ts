import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wrapGhostText } from '../../src/core/complete/wrapGhostText';

test('ghost text longer than the width breaks before its clauses, at the line\'s indentation; strings and short lines stay whole', () => {
  const long = "SELECT T1.Name, count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID WHERE T1.Country = 'France, FROM here' GROUP BY T1.Name ORDER BY count(*) DESC LIMIT 3";
  const wrapped = wrapGhostText(long, 60);
  assert.equal(
    wrapped,
    [
      'SELECT T1.Name, count(*) FROM singer AS T1',
      'JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID',
      "WHERE T1.Country = 'France, FROM here' GROUP BY T1.Name",
      'ORDER BY count(*) DESC LIMIT 3',
    ].join('\n'),
  );
  for (const line of wrapped.split('\n')) assert.ok(line.length <= 60, line);
  assert.equal(wrapped.replace(/\s+/g, ' '), long, 'only whitespace changed');
  // The first line starts at the cursor's column; later ones keep the line's indentation.
  assert.equal(wrapGhostText('  name FROM singer WHERE age > 30 ORDER BY age', 30, 10), '  name FROM singer\n  WHERE age > 30 ORDER BY age');
  assert.equal(wrapGhostText('SELECT a FROM t LEFT JOIN u ON t.id = u.id', 20), 'SELECT a FROM t\nLEFT JOIN u ON t.id = u.id', 'LEFT JOIN is one clause');
  assert.equal(wrapGhostText('SELECT 1 FROM t', 80), 'SELECT 1 FROM t');
  assert.equal(wrapGhostText("SELECT 'a very long string with FROM and WHERE inside it'", 20), "SELECT 'a very long string with FROM and WHERE inside it'", 'nothing to break before');
  assert.equal(wrapGhostText(long, 0), long, 'width 0: off');
  assert.equal(wrapGhostText('SELECT a\nFROM t WHERE b = 1', 12), 'SELECT a\nFROM t\nWHERE b = 1', 'each line on its own');
});
