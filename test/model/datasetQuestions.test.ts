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
  assert.deepEqual(manifest.counts.questions, { history: 1, model: 2, none: 0 });
  const examples = readFileSync(join(out, 'train', 'quarry.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const fromHistory = examples.filter((e) => e.questionSource === 'history');
  const fromModel = examples.filter((e) => e.questionSource === 'model');
  assert.deepEqual(fromHistory.map((e) => e.question), ['How many singers are there?']);
  assert.equal(fromModel.length, 2);
  // Random weights: the words are nonsense, but the grammar makes each one a short sentence ending in "?".
  for (const e of fromModel) assert.match(e.question, /^[A-Za-z][A-Za-z0-9 ,'-]{4,100}\?$/);
});

test('a batch runs on several sequences: answers in request order, a failing prompt fails alone, cancel stops it all', async () => {
  // Each request's grammar allows one letter of its own: an answer that came back to the wrong request, or was written under another's grammar, shows.
  const prompt = (maxTokens: number, letter = 'a') => ({ system: '', user: 'SELECT', completion: 'SELECT', grammar: `root ::= [${letter}]{400}`, maxTokens, temperature: 0 });
  const lengths = [3, 9, 5, 12, 1, 7];
  const letters = 'bcdefg';
  const requests = [...lengths.map((n, i) => prompt(n, letters[i])), { ...prompt(4), grammar: 'root ::= (' }];
  const outcomes = await engine.generateBatch(requests);
  assert.equal(outcomes.length, lengths.length + 1);
  lengths.forEach((n, i) => {
    const outcome = outcomes[i]!;
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.value.generatedTokens, n, `answer ${i} belongs to request ${i}`);
    assert.match(outcome.value.text, new RegExp(`^${letters[i]}+$`), `answer ${i} was written under request ${i}'s grammar`);
  });
  const failed = outcomes[lengths.length]!;
  assert.ok(!failed.ok && failed.error.code === 'generation-failed', JSON.stringify(failed));

  const controller = new AbortController();
  const batch = engine.generateBatch(Array.from({ length: 8 }, () => prompt(48)), controller.signal);
  setTimeout(() => controller.abort(), 200);
  await assert.rejects(batch, (error: Error & { code?: string }) => error.code === 'cancelled');
  assert.equal((await engine.generate(prompt(2))).generatedTokens, 2, 'the model is still loaded after a cancelled batch');
});
