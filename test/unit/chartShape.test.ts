import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartShape } from '../../webview/chartShape';

test('a result reads as a chart when it is a category and numbers (bars) or a date and numbers (a line)', () => {
  assert.deepEqual(chartShape(['Country', 'count(*)'], ['text', ''], [['France', 4], ['Netherlands', 1]]), { kind: 'bar', label: 0, values: [1] });
  assert.deepEqual(chartShape(['day', 'orders', 'revenue'], ['', '', ''], [['2024-01-01', 3, 10.5], ['2024-01-02', 5, null]]), { kind: 'line', label: 0, values: [1, 2] });
  assert.deepEqual(chartShape(['d', 'n'], ['DATE', 'INTEGER'], [['Jan 1', 1], ['Jan 2', 2]]), { kind: 'line', label: 0, values: [1] }, 'a date column by its type');
  assert.deepEqual(chartShape(['n', 'name', 'm'], ['', '', ''], [[1, 'a', 2], [3, 'b', 4]]), { kind: 'bar', label: 1, values: [0, 2] });
  assert.equal(chartShape(['a', 'b'], ['', ''], [[1, 2], [3, 4]]), null, 'numbers only');
  assert.equal(chartShape(['name'], [''], [['a'], ['b']]), null, 'no numbers');
  assert.equal(chartShape(['name', 'n'], ['', ''], [['a', 1]]), null, 'one row');
  assert.equal(chartShape(['name', 'n'], ['', ''], [['a', null], ['b', null]]), null, 'a column of NULLs is no series');
});
