import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { renameEvalReport } from '../../src/core/eval/renameEvalReport';
import { runName } from '../../src/core/eval/runName';
import { makeTempDir, spiderDb } from '../helpers/fixtures';
import { TINY_MODEL } from '../helpers/tinyModel';
import { quarry } from '../helpers/runCli';

const temp = makeTempDir();
after(() => temp.dispose());

test('a run is named by its model (with adapter) or predictions file, on its dataset', () => {
  assert.equal(runName({ dataset: { spider: '/data/spider', split: 'dev' }, model: '/models/quarry-mini-sql.gguf' }), 'quarry-mini-sql.gguf on Spider dev');
  assert.equal(
    runName({ dataset: { jsonl: '/d/test/quarry.jsonl' }, model: '/m/base.gguf', lora: { path: '/m/shop.lora.gguf', scale: 0.5 }, limit: 20 }),
    'base.gguf + shop.lora.gguf at 0.5 on quarry.jsonl (first 20)',
  );
  assert.equal(runName({ dataset: { bird: '/b', split: 'dev' }, model: { endpoint: 'http://gpu:8000/v1', name: 'omnisql-7b', adapter: null } }), 'omnisql-7b on BIRD dev');
  assert.equal(runName({ dataset: { bird: '/b', split: 'dev' }, model: { endpoint: 'http://gpu:8000/v1', name: null } }), 'gpu:8000 on BIRD dev');
  assert.equal(runName({ dataset: { spider: '/s', split: 'train' }, predictions: '/p/preds.sql', limit: null }), 'preds.sql on Spider train');
  assert.equal(runName({ dataset: { jsonl: 'x.jsonl' }, predictions: ['a.sql', 'b.sql'] }), '2 prediction files on x.jsonl');
});

test('quarry eval --name names the run; a rename is kept in the report, which stays a report Quarry knows as its own', () => {
  const dataset = join(temp.dir, 'ds.jsonl');
  writeFileSync(dataset, `${JSON.stringify({ question: 'How many singers?', sql: 'SELECT count(*) FROM singer', db: spiderDb('concert_singer') })}\n`);
  const predictions = join(temp.dir, 'p.sql');
  writeFileSync(predictions, 'SELECT count(*) FROM singer\n');
  const report = join(temp.dir, 'r.json');
  const run = quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--report', report, '--name', '  before   the fix ']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(JSON.parse(readFileSync(report, 'utf8')).name, 'before the fix');

  renameEvalReport(report, 'after the fix');
  const text = readFileSync(report, 'utf8');
  assert.equal(JSON.parse(text).name, 'after the fix');
  assert.match(text, /^\{\s*"settings"/);
  // Quarry may write over its own report again: the renamed file is still one.
  assert.equal(quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--report', report]).code, 0);
  assert.equal(JSON.parse(readFileSync(report, 'utf8')).name, undefined);

  renameEvalReport(report, 'x');
  renameEvalReport(report, '   ');
  assert.equal(JSON.parse(readFileSync(report, 'utf8')).name, undefined, 'an empty name goes back to the made one');
  assert.throws(() => renameEvalReport(report, 'y'.repeat(121)), /at most 120 characters/);
  assert.throws(() => renameEvalReport(dataset, 'z'), /not a Quarry evaluation report/);
});

test('a model is not asked a dataset\'s empty questions: the run refuses, naming how many and what to do', () => {
  const dataset = join(temp.dir, 'no-questions.jsonl');
  const db = spiderDb('concert_singer');
  writeFileSync(dataset, [{ question: 'How many singers?', sql: 'SELECT count(*) FROM singer', db }, { question: '', sql: 'SELECT Name FROM singer', db }].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const run = quarry(['eval', '--dataset', dataset, '--model', TINY_MODEL, '--threads', '1', '--gpu', 'off', '--report', join(temp.dir, 'q.json')]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /1 of the 2 examples have no question \(the first: example 1\); a model cannot be asked them/);
});
