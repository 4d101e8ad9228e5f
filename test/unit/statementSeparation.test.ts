import assert from 'node:assert/strict';
import { test } from 'node:test';
import { answerWithQuestion } from '../../src/core/sql/formatSql';
import { statementsIn } from '../../src/core/sql/statementAt';
import { statementSeparation } from '../../src/core/sql/statementSeparation';

/** Issue 31, 8.1: a second Ask fused with the first, so Run Query ran both as one statement and failed. */
function insert(document: string, at: number, text: string): string {
  const { terminateAt, prefix } = statementSeparation(document.slice(0, at));
  const before = terminateAt === null ? document.slice(0, at) : `${document.slice(0, terminateAt)};${document.slice(terminateAt, at)}`;
  return `${before}${prefix}${text}${document.slice(at)}`;
}

test('two answers inserted one after the other are two statements, each ending with ;', () => {
  const first = answerWithQuestion('How many singers?', 'SELECT count(*) FROM singer', 'sqlite');
  const second = answerWithQuestion('Which is the oldest?', 'SELECT name FROM singer ORDER BY age DESC LIMIT 1;', 'sqlite');
  let document = insert('-- asked:\n', '-- asked:\n'.length, first);
  assert.equal(document, '-- asked:\n-- How many singers?\nSELECT\n  count(*)\nFROM\n  singer;\n');
  document = insert(document, document.length, second);
  assert.deepEqual(statementsIn(document).map((s) => s.text.split('\n').filter((l) => !l.startsWith('--')).join(' ')), ['SELECT   count(*) FROM   singer', 'SELECT   name FROM   singer ORDER BY   age DESC LIMIT   1']);
  assert.match(document, /singer;\n\n-- Which is the oldest\?/, 'a blank line apart');
});

test("a statement of the user's without its ; gets one; a point mid-line starts a new line; comments alone need nothing", () => {
  assert.deepEqual(statementSeparation('SELECT 1\n'), { terminateAt: 8, prefix: '\n' });
  assert.deepEqual(statementSeparation('SELECT 1 -- why\n\n'), { terminateAt: 8, prefix: '' });
  assert.deepEqual(statementSeparation('SELECT 1;'), { terminateAt: null, prefix: '\n\n' });
  assert.deepEqual(statementSeparation('-- header\n'), { terminateAt: null, prefix: '' });
  assert.deepEqual(statementSeparation('-- header'), { terminateAt: null, prefix: '\n' });
  assert.deepEqual(statementSeparation(''), { terminateAt: null, prefix: '' });
  assert.equal(statementsIn(insert('SELECT 1\n', 9, 'SELECT 2;\n')).length, 2);
});
