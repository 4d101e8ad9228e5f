import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EvalReport } from '../../src/core/protocol/evalReport';
import { loadJsonlDataset } from '../../src/core/eval/EvalDataset';
import { makeTempDir, spiderDb } from '../helpers/fixtures';
import { BIRD_DIR, birdLayout } from '../helpers/birdLayout';
import { quarry } from '../helpers/runCli';

const temp = makeTempDir();
after(() => temp.dispose());

test('quarry eval --bird scores BIRD dev gold as predictions at 100% of 1534, per difficulty, with each example\'s evidence', () => {
  const dir = birdLayout(temp.dir);
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

test('BIRD\'s own predict file, keyed by question_id, is read question by question: in any key order it scores as the gold; a key, a database or a question out of step is refused', () => {
  const dir = birdLayout(temp.dir, 'bird-keyed');
  const examples = JSON.parse(readFileSync(join(BIRD_DIR, 'dev.json'), 'utf8')) as { question_id: number; SQL: string; db_id: string }[];
  const first = examples.slice(0, 20);
  const file = join(temp.dir, 'predict_dev.json');
  const write = (entries: [string, string][]) => writeFileSync(file, JSON.stringify(Object.fromEntries(entries)));
  const keyed = first.map((e) => [String(e.question_id), `${e.SQL}\t----- bird -----\t${e.db_id}`] as [string, string]);
  write([...keyed].reverse());
  const run = quarry(['eval', '--bird', dir, '--limit', '20', '--predictions', file, '--report', join(temp.dir, 'keyed.json')]);
  assert.equal(run.code, 0, run.stderr);
  const report = JSON.parse(readFileSync(join(temp.dir, 'keyed.json'), 'utf8')) as EvalReport;
  assert.deepEqual(report.examples.map((e) => e.predSql), first.map((e) => e.SQL), 'each prediction paired with its own question, whatever the file\'s order');
  const other = examples.find((e) => e.db_id !== first[0]!.db_id)!;
  const cases: [[string, string][], RegExp][] = [
    [[...keyed, ['999999', 'SELECT 1']], /question_id 999999 is not in the dataset/],
    [[[keyed[0]![0], `${first[0]!.SQL}\t----- bird -----\t${other.db_id}`], ...keyed.slice(1)], new RegExp(`question_id ${first[0]!.question_id} is predicted on ${other.db_id}, but the dataset asks it of ${first[0]!.db_id}`)],
    [keyed.slice(1), new RegExp(`has no prediction for 1 of the 20 questions \\(first: question_id ${first[0]!.question_id}\\)`)],
  ];
  for (const [entries, message] of cases) {
    write(entries);
    const failed = quarry(['eval', '--bird', dir, '--limit', '20', '--predictions', file, '--report', join(temp.dir, 'keyed.json')]);
    assert.equal(failed.code, 2, failed.stderr);
    assert.match(failed.stderr, message);
  }
});
