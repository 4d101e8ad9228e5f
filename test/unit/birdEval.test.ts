import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EvalReport } from '../../src/core/protocol/evalReport';
import { loadJsonlDataset } from '../../src/core/eval/EvalDataset';
import { makeTempDir, SHARED_DATA, spiderDb } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

const BIRD_DIR = join(SHARED_DATA, 'bird-dev-json-only');
const temp = makeTempDir();
after(() => temp.dispose());

/** BIRD's own layout (dev.json beside dev_databases/<db_id>/<db_id>.sqlite), linked to the shared data rather than copied. */
function birdLayout(): string {
  const dir = join(temp.dir, 'bird');
  mkdirSync(join(dir, 'dev_databases'), { recursive: true });
  symlinkSync(join(BIRD_DIR, 'dev.json'), join(dir, 'dev.json'));
  for (const dbId of readdirSync(join(BIRD_DIR, 'schema-only-databases'))) {
    mkdirSync(join(dir, 'dev_databases', dbId));
    symlinkSync(join(BIRD_DIR, 'schema-only-databases', dbId, `${dbId}.sqlite`), join(dir, 'dev_databases', dbId, `${dbId}.sqlite`));
  }
  return dir;
}

test('quarry eval --bird scores BIRD dev gold as predictions at 100% of 1534, per difficulty, with each example\'s evidence', () => {
  const dir = birdLayout();
  const examples = JSON.parse(readFileSync(join(BIRD_DIR, 'dev.json'), 'utf8')) as { SQL: string; difficulty: string; evidence: string }[];
  const predictions = join(temp.dir, 'gold.jsonl');
  writeFileSync(predictions, examples.map((e, index) => JSON.stringify({ index, sql: e.SQL })).join('\n') + '\n');
  const report = join(temp.dir, 'bird-report.json');
  const run = quarry(['eval', '--bird', dir, '--predictions', predictions, '--report', report]);
  assert.equal(run.code, 0, run.stderr);
  for (const level of ['simple', 'moderate', 'challenging']) assert.match(run.stdout, new RegExp(`\\n  ${level} +100\\.0%`));
  const { summary, examples: results, settings } = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  // BIRD is scored by BIRD's own rule and time limit unless asked otherwise.
  assert.deepEqual([settings.metrics, settings.timeoutMs], [['bird-ex'], 30_000]);
  assert.match(run.stdout, /scored by EX \(BIRD\) \[bird-ex\]/);
  assert.deepEqual(Object.keys(summary.metrics!), ['bird-ex', 'spider-exec']);
  assert.equal(summary.metrics!['bird-ex'], 1);
  assert.equal(summary.total, 1534);
  assert.equal(summary.evaluated, 1534);
  assert.equal(summary.execAccuracy, 1);
  const counts = Object.fromEntries(['simple', 'moderate', 'challenging'].map((level) => [level, examples.filter((e) => e.difficulty === level).length]));
  assert.deepEqual(Object.fromEntries(Object.entries(summary.byDifficulty!).map(([level, stat]) => [level, stat.count])), counts);
  assert.ok(Object.values(summary.byDifficulty!).every((stat) => stat.execAccuracy === 1 && stat.metrics!['bird-ex'] === 1));
  const withEvidence = examples.findIndex((e) => e.evidence.trim());
  assert.equal(results[withEvidence]!.evidence, examples[withEvidence]!.evidence);
});

test('quarry eval takes exactly one dataset: --spider, --bird or --dataset', () => {
  const run = quarry(['eval', '--bird', temp.dir, '--spider', temp.dir, '--predictions', 'x']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /give one of --spider <dir>, --bird <dir> or --dataset <file\.jsonl>/);
  const missing = quarry(['eval', '--bird', join(temp.dir, 'nowhere'), '--predictions', 'x']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no BIRD dev file in .*nowhere \(looked for dev\.json beside dev_databases\/\)/);
});

test('a Quarry JSONL dataset may carry evidence for each question', () => {
  const file = join(temp.dir, 'with-evidence.jsonl');
  const db = spiderDb('concert_singer');
  writeFileSync(file, [{ question: 'Old singers?', sql: 'SELECT Name FROM singer WHERE Age > 40', db, evidence: 'old means Age > 40' }, { question: 'All?', sql: 'SELECT Name FROM singer', db }].map((e) => JSON.stringify(e)).join('\n'));
  const [withEvidence, without] = loadJsonlDataset(file);
  assert.equal(withEvidence!.evidence, 'old means Age > 40');
  assert.equal(without!.evidence, undefined);
});
