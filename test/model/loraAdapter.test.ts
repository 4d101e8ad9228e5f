import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { CLI_SCRIPT, makeTempDir, PROJECT_ROOT } from '../helpers/fixtures';
import { TINY_MODEL } from '../helpers/tinyModel';

/**
 * The committed LoRA adapter (models/quarry-mini-sql-openflights.lora.gguf, `npm run train:lora`)
 * through the product: on a question of the OpenFlights history it was trained on, the sample model
 * alone gives other rows than the gold query and with the adapter the gold rows; at scale 0 the
 * answer is the model's own (so an adapter silently left out would fail the first check); an
 * adapter for another base model and a scale out of range are refused with clear errors. Rows come
 * from DuckDB directly, not through Quarry.
 */
const ADAPTER = join(PROJECT_ROOT, 'models', 'quarry-mini-sql-openflights.lora.gguf');
/** A question of examples/openflights-history.sql that the adapter learnt and the sample model alone gets wrong. */
const QUESTION = { question: 'Which countries have more than 200 airports?', sql: 'SELECT country, count(*) FROM airports GROUP BY country HAVING count(*) > 200' };

const temp = makeTempDir('quarry-lora-');
after(() => temp.dispose());
const db = join(temp.dir, 'openflights.duckdb');
let connection: DuckDBConnection;
let instance: DuckDBInstance;
before(async () => {
  await buildOpenFlightsDuckDb(db);
  instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  connection = await instance.connect();
});
after(() => {
  connection?.closeSync();
  instance?.closeSync();
});

async function rowsOf(sql: string): Promise<string[] | null> {
  try {
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowsJson().map((row) => JSON.stringify(row)).sort();
  } catch {
    return null;
  }
}

function ask(args: string[]) {
  const env = { ...process.env };
  delete env.QUARRY_MODEL;
  const run = spawnSync(process.execPath, [CLI_SCRIPT, 'ask', '--db', db, '--threads', '1', '--json', ...args, QUESTION.question], { encoding: 'utf8', env, timeout: 300_000 });
  // Exit 1 is an answer the database refuses: still an answer, in the JSON.
  return { code: run.status, stderr: run.stderr, answer: run.stdout.trim() ? (JSON.parse(run.stdout) as { sql: string }) : null };
}

test('the committed adapter turns the sample model\'s wrong answer into the gold rows; at scale 0 the model answers as without it', async (t) => {
  const gold = await rowsOf(QUESTION.sql);
  assert.ok(gold && gold.length > 0, 'the gold query returns rows');
  const alone = ask([]);
  const adapted = ask(['--lora', ADAPTER]);
  const off = ask(['--lora', `${ADAPTER}:0`]);
  for (const [name, run] of [['alone', alone], ['adapted', adapted], ['scale 0', off]] as const) {
    assert.ok(run.answer && (run.code === 0 || run.code === 1), `${name}: exit ${run.code}: ${run.stderr}`);
    t.diagnostic(`${name}: ${run.answer!.sql}`);
  }
  assert.notDeepEqual(await rowsOf(alone.answer!.sql), gold, 'the sample model alone does not know OpenFlights');
  assert.deepEqual(await rowsOf(adapted.answer!.sql), gold, 'with the adapter: the gold rows');
  assert.equal(off.answer!.sql, alone.answer!.sql, 'at scale 0 the adapter changes nothing');
});

test('an adapter made for another base model is refused, naming both files; a scale out of range is a usage error', () => {
  const other = spawnSync(process.execPath, [CLI_SCRIPT, 'ask', '--db', db, '--model', TINY_MODEL, '--lora', ADAPTER, 'How many airports are there?'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(other.status, 2, other.stderr);
  assert.match(other.stderr, /the LoRA adapter quarry-mini-sql-openflights\.lora\.gguf does not fit the model llama-2-tiny-random\.gguf: blk\.0\.\w+\.weight is \d+×\d+ in the model/);
  const scale = spawnSync(process.execPath, [CLI_SCRIPT, 'ask', '--db', db, '--lora', `${ADAPTER}:9`, 'How many airports are there?'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(scale.status, 2, scale.stderr);
  assert.match(scale.stderr, /--lora .*:9: the scale after ':' must be a number from 0 to 4/);
});

test('on a fresh clone, quarry eval with and without the adapter gives the answers of the card\'s committed runs, and --compare prints both numbers and the flips', () => {
  // The first questions only: the whole split is the card's run (models/openflights-eval), minutes on one core.
  const LIMIT = 10;
  type Run = { examples: { index: number; predSql?: string; execMatch?: 0 | 1; predError?: string; question: string }[] };
  const committed = ['base.json', 'base+adapter.json'].map((name) => JSON.parse(readFileSync(join(PROJECT_ROOT, 'models', 'openflights-eval', name), 'utf8')) as Run);
  const dataset = join(temp.dir, 'heldout.jsonl');
  const lines = readFileSync(join(PROJECT_ROOT, 'examples', 'openflights-heldout.jsonl'), 'utf8').trim().split('\n');
  writeFileSync(dataset, lines.map((line) => JSON.stringify({ ...(JSON.parse(line) as object), db })).join('\n'));
  const env = { ...process.env };
  delete env.QUARRY_MODEL;
  const evaluate = (report: string, ...more: string[]) =>
    spawnSync(process.execPath, [CLI_SCRIPT, 'eval', '--dataset', dataset, '--threads', '1', '--limit', String(LIMIT), '--report', join(temp.dir, report), ...more], { encoding: 'utf8', env, timeout: 600_000 });
  const base = evaluate('before.json');
  assert.equal(base.status, 0, base.stderr);
  const adapted = evaluate('after.json', '--lora', ADAPTER, '--compare', join(temp.dir, 'before.json'));
  assert.equal(adapted.status, 0, adapted.stderr);
  for (const [i, name] of [[0, 'before.json'], [1, 'after.json']] as const) {
    const run = JSON.parse(readFileSync(join(temp.dir, name), 'utf8')) as Run;
    const card = committed[i]!.examples.slice(0, LIMIT);
    assert.deepEqual(run.examples.map((e) => [e.predSql, e.execMatch]), card.map((e) => [e.predSql, e.execMatch]), `${name}: the same answers as the committed run`);
  }
  const [before, after] = committed.map((run) => run.examples.slice(0, LIMIT));
  const count = (run: Run['examples'], f: (e: Run['examples'][number]) => boolean) => run.filter(f).length;
  const right = [count(before!, (e) => e.execMatch === 1), count(after!, (e) => e.execMatch === 1)];
  const crashed = [count(before!, (e) => !!e.predError), count(after!, (e) => !!e.predError)];
  assert.match(adapted.stdout, new RegExp(`execution accuracy +${((100 * right[0]!) / LIMIT).toFixed(1)}% \\(${right[0]} of ${LIMIT}\\) +${((100 * right[1]!) / LIMIT).toFixed(1)}% \\(${right[1]} of ${LIMIT}\\)`));
  assert.match(adapted.stdout, new RegExp(`crashing queries +${crashed[0]} \\(${((100 * crashed[0]!) / LIMIT).toFixed(1)}%\\) +${crashed[1]} \\(`));
  const gained = after!.filter((e, i) => e.execMatch === 1 && before![i]!.execMatch === 0);
  const lost = after!.filter((e, i) => e.execMatch === 0 && before![i]!.execMatch === 1);
  assert.match(adapted.stdout, new RegExp(`flipped: ${gained.length} gained, ${lost.length} lost`));
  for (const e of gained) assert.ok(adapted.stdout.includes(`  + #${e.index} ${e.question}`));
  for (const e of lost) assert.ok(adapted.stdout.includes(`  - #${e.index} ${e.question}`));
});
