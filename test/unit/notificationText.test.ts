import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTIFICATION_CHARS, notificationText } from '../../src/core/util/notificationText';

/** Issue 31, 8.7: one error notification filled half the screen with a repeated token. */
test('a notification says the first line, a repeated run cut short, within its bound', () => {
  const flood = `Parser Error: syntax error at or near "${'0-'.repeat(2000)}"`;
  const shown = notificationText(flood);
  assert.ok(shown.length <= NOTIFICATION_CHARS, `${shown.length} characters`);
  assert.match(shown, /^Parser Error: syntax error at or near "0-0-…/);
  assert.equal(notificationText('no such column: b\n\nLINE 1: SELECT b FROM t\n       ^'), 'no such column: b');
  assert.equal(notificationText('a short one'), 'a short one');
  const long = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
  assert.ok(notificationText(long).endsWith('…') && notificationText(long).length === NOTIFICATION_CHARS);
});
