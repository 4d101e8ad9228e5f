import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../helpers/fixtures';

/**
 * The sample model's generated training questions (examples/shop-questions.jsonl, written by
 * scripts/writeShopQuestions.mjs) keep the held-out set held out: none of its questions, and none of
 * its gold queries, is trained on. Read here from the two files, not through the generator.
 */
interface Row {
  question: string;
  sql: string;
  db: string;
}

const read = (name: string): Row[] => readFileSync(join(PROJECT_ROOT, 'examples', name), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Row);
const canonical = (sql: string) => sql.toLowerCase().replace(/;\s*$/, '').split(/\s+/).join(' ').trim();

const questions = read('shop-questions.jsonl');
const heldOut = read('shop-heldout.jsonl');

test('no held-out question or gold query is among the generated training questions', () => {
  const trainedSql = new Set(questions.map((row) => canonical(row.sql)));
  const trainedQuestions = new Set(questions.map((row) => row.question.trim().toLowerCase()));
  assert.ok(questions.length > 1000, `many questions (${questions.length})`);
  for (const row of heldOut) {
    assert.ok(!trainedQuestions.has(row.question.trim().toLowerCase()), `held-out question trained on: ${row.question}`);
    assert.ok(!trainedSql.has(canonical(row.sql)), `held-out query trained on: ${row.sql}`);
  }
});

test('every generated question names the shop database and its query runs there', () => {
  const db = new Database(join(PROJECT_ROOT, 'examples', 'shop.sqlite'), { readonly: true, fileMustExist: true });
  try {
    for (const row of questions) {
      assert.equal(row.db, 'shop.sqlite');
      assert.ok(row.question.trim().length > 0);
      assert.doesNotThrow(() => db.prepare(row.sql).all(), `runs: ${row.sql}`);
    }
  } finally {
    db.close();
  }
});
