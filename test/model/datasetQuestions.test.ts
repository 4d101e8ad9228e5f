import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDataset } from '../../src/core/dataset/buildDataset';
import { makeTempDir, spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';

const temp = makeTempDir();
const engine = newEngine();
before(() => engine.load(tinyModelParams()));
after(() => {
  engine.dispose();
  temp.dispose();
});

test('questions missing from the history are written by the model, and marked as such', async () => {
  const history = join(temp.dir, 'history.sql');
  writeFileSync(history, '-- How many singers are there?\nSELECT count(*) FROM singer;\nSELECT Name FROM stadium;\nSELECT max(Age) FROM singer;\n');
  const out = join(temp.dir, 'built');
  const manifest = await buildDataset({ dbPath: spiderDb('concert_singer'), histories: [history], out, questions: 'model', engine, testFraction: 0, workerScript: WORKER_SCRIPT });
  assert.equal(manifest.counts.kept, 3);
  const examples = readFileSync(join(out, 'train', 'quarry.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const fromHistory = examples.filter((e) => e.questionSource === 'history');
  const fromModel = examples.filter((e) => e.questionSource === 'model');
  assert.deepEqual(fromHistory.map((e) => e.question), ['How many singers are there?']);
  assert.equal(fromModel.length, 2);
  // Random weights: the words are nonsense, but the grammar makes each one a short sentence ending in "?".
  for (const e of fromModel) assert.match(e.question, /^[A-Za-z][A-Za-z0-9 ,'-]{4,100}\?$/);
});
