import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EvalReport } from '../../src/core/protocol/evalReport';
import { makeTempDir, SPIDER_DIR } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { TINY_MODEL } from '../helpers/tinyModel';
import { copyGgufWithMetadata } from '../helpers/writeGguf';

const temp = makeTempDir('quarry-eval-samples-');
after(() => temp.dispose());

test('eval --samples K with a model: K sampled answers a question, the first scored as the answer, each sample with its scores and vote group; pass@K never below it', () => {
  const report = join(temp.dir, 'samples.json');
  const run = quarry(['eval', '--spider', SPIDER_DIR, '--limit', '4', '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--samples', '3', '--seed', '7', '--report', report], { timeoutMs: 300_000 });
  assert.equal(run.code, 0, run.stderr);
  const { summary, examples } = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  assert.equal(summary.samples, 3);
  for (const example of examples) {
    assert.equal(example.samples?.length, 3, JSON.stringify(example));
    assert.equal(example.predSql, example.samples![0]!.sql, 'the first sample is the answer');
    assert.deepEqual(example.scores, example.samples![0]!.scores);
    assert.equal(example.passAtK!['spider-exec'], example.samples!.some((s) => s.scores['spider-exec'] === 1) ? 1 : 0);
    assert.ok(example.samples!.every((s) => s.group === null || Number.isInteger(s.group)));
    assert.equal(example.attempts?.length, 3, 'no corrections after the samples');
  }
  assert.ok(summary.passAtK!['spider-exec']! >= summary.execAccuracy);
  assert.match(run.stdout, /pass@3 +\d+\.\d%[\s\S]*maj@3 +\d+\.\d%/);
});

test('samples are drawn at the model file\'s own temperature (general.sampling.temp, from its generation_config.json) when none is asked for, else 0.8; the report says which', () => {
  const carded = join(temp.dir, 'tiny-with-card.gguf');
  copyGgufWithMetadata(TINY_MODEL, carded, 'general.sampling.temp', 0.3);
  const evaluate = (name: string, model: string, ...more: string[]) => {
    const report = join(temp.dir, name);
    const run = quarry(['eval', '--spider', SPIDER_DIR, '--limit', '3', '--model', model, '--threads', '1', '--grammar', 'narrow', '--samples', '3', '--seed', '11', '--report', report, ...more], { timeoutMs: 300_000 });
    assert.equal(run.code, 0, run.stderr);
    return JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  };
  const byCard = evaluate('card.json', carded);
  const asked = evaluate('asked.json', TINY_MODEL, '--temperature', '0.3');
  const plain = evaluate('plain.json', TINY_MODEL);
  assert.deepEqual((byCard.settings.sampling as { sampleTemperature: unknown }).sampleTemperature, { value: 0.3, source: 'model' });
  assert.deepEqual((asked.settings.sampling as { sampleTemperature: unknown }).sampleTemperature, { value: 0.3, source: 'option' });
  assert.deepEqual((plain.settings.sampling as { sampleTemperature: unknown }).sampleTemperature, { value: 0.8, source: 'default' });
  const sqls = (report: EvalReport) => report.examples.map((e) => e.samples!.map((sample) => sample.sql));
  assert.notDeepEqual(sqls(plain), sqls(asked), 'at 0.8 the samples differ from those at 0.3: the check below can fail');
  assert.deepEqual(sqls(byCard), sqls(asked), 'the file\'s 0.3 is the temperature the samples were drawn at');
});
