// The README's first command: Quarry's main job on the bundled example database, with the model
// that comes with Quarry (or yours: QUARRY_MODEL=path, URL or hf:…). Needs nothing beside the repo.
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

const root = resolve(import.meta.dirname, '..');
const db = join(root, 'examples', 'shop.sqlite');
const show = (args) => console.log(`\n$ quarry ${args.map((a) => (/[\s*()']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
const quarry = (...args) => {
  show(args);
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
};

quarry('schema', '--db', db);

// Three questions from the shop's query history (examples/shop-history.sql), which the sample model
// was trained on: it answers those (95% of the history); of questions worded apart from its training
// it answers about a third (models/README.md has the figures). Each answer is checked against the history's own query,
// here and not by Quarry.
const QUESTIONS = [
  ['Which customer placed the most orders?', 'SELECT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id ORDER BY count(*) DESC LIMIT 1'],
  ['Which products cost between 40 and 60 dollars?', 'SELECT name FROM products WHERE price_cents BETWEEN 4000 AND 6000'],
  ['Which customers have never ordered anything?', 'SELECT name FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)'],
];
const reference = new Database(db, { readonly: true });
const rows = (sql) => reference.prepare(sql).raw().all().map((row) => JSON.stringify(row)).sort();
let right = 0;
for (const [question, gold] of QUESTIONS) {
  const args = ['ask', '--db', db, '--run', '--max-rows', '5', question];
  show(args);
  const run = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0 && !run.stdout) process.exit(run.status ?? 1);
  const answer = JSON.parse(run.stdout);
  console.log(answer.sql);
  if (answer.rows) {
    console.log(answer.columns.join(' | '));
    for (const row of answer.rows) console.log(row.map((v) => (v === null ? 'NULL' : String(v))).join(' | '));
    if (answer.truncated) console.log('…');
  }
  const same = answer.valid && JSON.stringify(rows(answer.sql)) === JSON.stringify(rows(gold));
  if (same) right++;
  console.log(same ? '✓ the same rows as the reference query' : `✗ not the reference query's rows (${gold})`);
}
reference.close();
console.log(`\n${right} of ${QUESTIONS.length} right.`);
if (right < QUESTIONS.length) process.exitCode = 1;
