import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesFilter } from '../../webview/matchesFilter';

test('a grid filter: substrings ignore case, NULL is not the text "NULL", comparisons compare numbers as numbers', () => {
  assert.equal(matchesFilter('joe', 'Joe Sharp'), true);
  assert.equal(matchesFilter('ann', 'Joe'), false);
  assert.equal(matchesFilter('', null), true);
  assert.equal(matchesFilter('NULL', null), true);
  assert.equal(matchesFilter('null', 'NULL'), false, 'the text NULL is a value, not a missing one');
  assert.equal(matchesFilter('!null', 'x'), true);
  assert.equal(matchesFilter('>10', 9), false);
  assert.equal(matchesFilter('>10', 11), true);
  assert.equal(matchesFilter('>10', null), false);
  assert.equal(matchesFilter('>=2.5', 2.5), true);
  assert.equal(matchesFilter('<100', 99), true);
  assert.equal(matchesFilter('<100', '99'), true, 'numeric text compares as a number, not as text ("99" > "100")');
  assert.equal(matchesFilter('= joe', 'JOE'), true);
  assert.equal(matchesFilter('!=joe', 'JOE'), false);
  assert.equal(matchesFilter('<>2', 3), true);
  assert.equal(matchesFilter('>b', 'c'), true);
});
