import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EvalReport } from '../../src/core/protocol/evalReport';
import { BIRD_DIR, birdLayout } from '../helpers/birdLayout';
import { makeTempDir } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { TINY_MODEL } from '../helpers/tinyModel';

const temp = makeTempDir('quarry-bird-predict-');
after(() => temp.dispose());

test('a model run on BIRD writes BIRD\'s own predict file beside the report, keyed by question_id, which scores the same when read back', () => {
  const dir = birdLayout(temp.dir);
  const report = join(temp.dir, 'run.json');
  const run = quarry(['eval', '--bird', dir, '--limit', '3', '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--attempts', '0', '--report', report], { timeoutMs: 300_000 });
  assert.equal(run.code, 0, run.stderr);
  const file = join(temp.dir, 'run.predict_dev.json');
  assert.match(run.stdout, /BIRD predict file \(for BIRD's evaluation\.py\): .*run\.predict_dev\.json/);
  const questions = (JSON.parse(readFileSync(join(BIRD_DIR, 'dev.json'), 'utf8')) as { question_id: number; db_id: string }[]).slice(0, 3);
  const written = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  const first = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  assert.deepEqual(Object.keys(written), questions.map((q) => String(q.question_id)));
  for (const [i, q] of questions.entries()) assert.equal(written[String(q.question_id)], `${first.examples[i]!.predSql}\t----- bird -----\t${q.db_id}`);
  const again = quarry(['eval', '--bird', dir, '--limit', '3', '--predictions', file, '--report', join(temp.dir, 'again.json')]);
  assert.equal(again.code, 0, again.stderr);
  const second = JSON.parse(readFileSync(join(temp.dir, 'again.json'), 'utf8')) as EvalReport;
  assert.deepEqual(second.examples.map((e) => [e.predSql, e.scores]), first.examples.map((e) => [e.predSql, e.scores]));
});
