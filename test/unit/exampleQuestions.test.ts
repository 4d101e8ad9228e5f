import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { makeTempDir, PROJECT_ROOT } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { assertHeldOutApart, readHistoryEntries } from '../helpers/exampleSets';

const temp = makeTempDir('quarry-examples-');
after(() => temp.dispose());

const SHOP = join(PROJECT_ROOT, 'examples', 'shop.sqlite');
const HISTORY = join(PROJECT_ROOT, 'examples', 'shop-history.sql');
const HELD_OUT = join(PROJECT_ROOT, 'examples', 'shop-heldout.jsonl');

interface HeldOut {
  question: string;
  sql: string;
  db: string;
}

const heldOut = (): HeldOut[] => readFileSync(HELD_OUT, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as HeldOut);

const history = () => readHistoryEntries(HISTORY);

test("the shop history becomes training examples whole: every statement kept, its comment as the question", () => {
  const out = join(temp.dir, 'shop-dataset');
  const run = quarry(['dataset', 'build', '--db', SHOP, '--history', HISTORY, '--questions', 'history', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { counts: { statements: number; kept: number } };
  assert.equal(manifest.counts.statements, history().length);
  assert.equal(manifest.counts.kept, history().length, 'no statement dropped: not a duplicate template, none the grammar refuses');
});

test('at least 40 held-out questions, none worded or shaped like a history entry; each gold query runs and the sql grammar can write it', () => {
  const held = heldOut();
  assert.ok(held.length >= 40, `${held.length} held-out questions`);
  assertHeldOutApart(history(), held);
  const predictions = join(temp.dir, 'gold.sql');
  writeFileSync(predictions, held.map((e) => `${e.sql}\n`).join(''));
  const scored = quarry(['eval', '--dataset', HELD_OUT, '--predictions', predictions, '--report', join(temp.dir, 'gold.json')]);
  assert.equal(scored.code, 0, scored.stderr);
  const summary = (JSON.parse(readFileSync(join(temp.dir, 'gold.json'), 'utf8')) as { summary: { evaluated: number; execAccuracy: number } }).summary;
  assert.deepEqual([summary.evaluated, summary.execAccuracy], [held.length, 1]);
  const checked = quarry(['grammar', '--db', SHOP, '--check', predictions]);
  assert.equal(checked.code, 0, checked.stdout);
});
