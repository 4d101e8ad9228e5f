import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { CLI_SCRIPT, makeTempDir, PROJECT_ROOT } from '../helpers/fixtures';

/**
 * The sample model (models/quarry-mini-sql.gguf) answers right: through the product (`quarry eval`
 * and `quarry ask` with no --model, the default grammar and corrections), each answer's rows are
 * compared with the gold query's by this test's own reference (better-sqlite3, rows as the
 * database returns them: a bag, in order only where the gold query orders), not by Quarry's
 * evaluator. It fails if the model, the prompt or the grammar breaks.
 */
const SHOP = join(PROJECT_ROOT, 'examples', 'shop.sqlite');
const HELD_OUT = join(PROJECT_ROOT, 'examples', 'shop-heldout.jsonl');
/**
 * Questions of the shop's history (examples/shop-history.sql, which the model was trained on) that
 * the committed model answers right, one of each shape: a count, a join with grouping, a subquery,
 * HAVING, BETWEEN, a LEFT JOIN, a join with a condition. Each must stay right: the test of the whole path
 * (prompt, grammar, model, corrections), not of generalization, which the held-out test measures.
 */
const FIXED: HeldOut[] = [
  { question: 'How many customers are there?', sql: 'SELECT count(*) FROM customers' },
  { question: 'Which customer placed the most orders?', sql: 'SELECT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id ORDER BY count(*) DESC LIMIT 1' },
  { question: 'Which customers have never ordered anything?', sql: 'SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)' },
  { question: 'Which orders contain more than one product?', sql: 'SELECT order_id FROM order_items GROUP BY order_id HAVING count(*) > 1' },
  { question: 'How many products does each category have?', sql: 'SELECT category, count(*) FROM products GROUP BY category' },
  { question: 'Which products cost between 40 and 60 dollars?', sql: 'SELECT name FROM products WHERE price_cents BETWEEN 4000 AND 6000' },
  { question: 'How many orders has each customer placed?', sql: 'SELECT customers.name, count(orders.id) FROM customers LEFT JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id' },
  { question: 'Which orders were placed by customers from Boston?', sql: "SELECT orders.id FROM orders JOIN customers ON orders.customer_id = customers.id WHERE customers.city = 'Boston'" },
];

/** Held-out questions the committed model answers right (models/README.md), and the floor the test holds. */
const HELD_OUT_MEASURED = 16;
const HELD_OUT_FLOOR = HELD_OUT_MEASURED - 2;

const temp = makeTempDir('quarry-sample-model-');
after(() => temp.dispose());
const db = new Database(SHOP, { readonly: true, fileMustExist: true });
after(() => db.close());

interface HeldOut {
  question: string;
  sql: string;
}

const heldOut: HeldOut[] = readFileSync(HELD_OUT, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as HeldOut);

/** The rows a statement returns, each as its values in JSON; null when the database refuses it. */
function rowsOf(sql: string): string[] | null {
  try {
    return db.prepare(sql).raw().all().map((row) => JSON.stringify(row));
  } catch {
    return null;
  }
}

function sameRows(gold: string, predicted: string): boolean {
  const expected = rowsOf(gold);
  const got = rowsOf(predicted);
  assert.ok(expected, `the gold query runs: ${gold}`);
  if (got === null) return false;
  if (/\border\s+by\b/i.test(gold)) return JSON.stringify(got) === JSON.stringify(expected);
  return JSON.stringify([...got].sort()) === JSON.stringify([...expected].sort());
}

/** The CLI as a user runs it, with no model chosen anywhere. */
function quarry(args: string[]) {
  const env = { ...process.env };
  delete env.QUARRY_MODEL;
  return spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', env, timeout: 600_000 });
}

interface Evaluated {
  question: string;
  goldSql: string;
  predSql: string | null;
  execMatch: number | boolean;
}

/** `quarry eval` with no model chosen, on a JSONL of questions: its per-example report. */
function evaluate(name: string, examples: HeldOut[]): Evaluated[] {
  const dataset = join(temp.dir, `${name}.jsonl`);
  writeFileSync(dataset, examples.map((e) => JSON.stringify({ ...e, db: SHOP })).join('\n'));
  const report = join(temp.dir, `${name}.json`);
  const run = quarry(['eval', '--dataset', dataset, '--report', report]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /using the sample model/);
  return (JSON.parse(readFileSync(report, 'utf8')) as { examples: Evaluated[] }).examples;
}

test('quarry eval with the sample model: questions from its training history give the gold query\'s rows', (t) => {
  const examples = evaluate('history', FIXED);
  for (const e of examples) t.diagnostic(`${e.question}\n  got ${e.predSql}`);
  const wrong = examples.filter((e) => e.predSql === null || !sameRows(e.goldSql, e.predSql));
  assert.deepEqual(wrong.map((e) => `${e.question} → ${e.predSql}`), []);
  for (const e of examples) assert.ok(e.execMatch, `Quarry's evaluator agrees: ${e.question}`);
});

test('quarry eval with the sample model on the held-out shop questions: measured, and the evaluator agrees with this reference', (t) => {
  const examples = evaluate('held-out', heldOut);
  assert.equal(examples.length, heldOut.length);
  const right = examples.filter((e) => e.predSql !== null && sameRows(e.goldSql, e.predSql));
  t.diagnostic(`${right.length} of ${examples.length} right (${((100 * right.length) / examples.length).toFixed(1)}%)`);
  // Issue 27's goal is 80% and is not met: the model card has the measured figure. This floor, a
  // little under it, fails when the model, the prompt or the grammar breaks, not on a change of one answer.
  assert.ok(right.length >= HELD_OUT_FLOOR, `${right.length} of ${examples.length} held-out questions right; the committed model answers ${HELD_OUT_MEASURED}`);
  // Quarry's evaluator (Spider's rule: columns in any order) counts at least what this stricter reference does, and no answer that gives other rows.
  for (const e of examples) {
    if (right.includes(e)) assert.ok(e.execMatch, `the evaluator agrees: ${e.question}`);
    const got = e.predSql === null ? null : rowsOf(e.predSql);
    if (got !== null && got.length !== rowsOf(e.goldSql)!.length) assert.ok(!e.execMatch, `the evaluator agrees: ${e.question}`);
  }
});

test('quarry ask with no model chosen uses the sample model and prints the right rows', () => {
  const { question, sql } = FIXED[1]!;
  const run = quarry(['ask', '--db', SHOP, '--run', '--json', question]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /no --model given: using the sample model \(knows SQL for the sample databases, not yours\)/);
  const answer = JSON.parse(run.stdout) as { sql: string; valid: boolean; rows?: unknown[][] };
  assert.ok(answer.valid, answer.sql);
  assert.ok(sameRows(sql, answer.sql), `${answer.sql} gives other rows than ${sql}`);
});
