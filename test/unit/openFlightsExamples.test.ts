import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { makeTempDir, PROJECT_ROOT } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { assertHeldOutApart, queryShape, readHistoryEntries, readJsonlEntries, tieProbe, type ExampleEntry } from '../helpers/exampleSets';

/**
 * The fine-tuning loop's data (issue 28): an analyst's OpenFlights history of at least 60 query
 * shapes that `quarry dataset build` keeps whole, and at least 40 held-out questions written apart
 * from it, none of them worded or shaped like a history entry, each gold query returning rows.
 */
const temp = makeTempDir('quarry-openflights-examples-');
after(() => temp.dispose());
const db = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(db));

const HISTORY = join(PROJECT_ROOT, 'examples', 'openflights-history.sql');
const HELD_OUT = join(PROJECT_ROOT, 'examples', 'openflights-heldout.jsonl');

type Example = ExampleEntry;
const history = () => readHistoryEntries(HISTORY);
const heldOut = () => readJsonlEntries<Example>(HELD_OUT);

test('the OpenFlights history becomes a dataset whole: at least 60 shapes, every statement kept, no empty answer', () => {
  const entries = history();
  assert.ok(new Set(entries.map((e) => queryShape(e.sql))).size >= 60, `${entries.length} statements`);
  const out = join(temp.dir, 'dataset');
  const run = quarry(['dataset', 'build', '--db', db, '--history', HISTORY, '--questions', 'history', '--formats', 'quarry', '--out', out], { timeoutMs: 300_000 });
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { counts: { statements: number; kept: number } };
  assert.deepEqual([manifest.counts.statements, manifest.counts.kept], [entries.length, entries.length]);
  for (const split of ['train', 'test']) {
    for (const line of readFileSync(join(out, split, 'quarry.jsonl'), 'utf8').trim().split('\n')) {
      const example = JSON.parse(line) as { question: string; result: { rows: unknown[] } };
      assert.ok(example.result.rows.length > 0, `an empty answer teaches nothing: ${example.question}`);
    }
  }
});

test('at least 40 held-out OpenFlights questions, apart from the history; each gold query runs, returns rows with no tie at a LIMIT, and the sql grammar can write it', () => {
  const held = heldOut();
  assert.ok(held.length >= 40, `${held.length} held-out questions`);
  assertHeldOutApart(history(), held);
  const dataset = join(temp.dir, 'heldout.jsonl');
  writeFileSync(dataset, held.map((e) => JSON.stringify({ ...e, db })).join('\n'));
  const predictions = join(temp.dir, 'gold.sql');
  writeFileSync(predictions, held.map((e) => `${e.sql}\n`).join(''));
  const scored = quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--report', join(temp.dir, 'gold.json')], { timeoutMs: 300_000 });
  assert.equal(scored.code, 0, scored.stderr);
  const report = JSON.parse(readFileSync(join(temp.dir, 'gold.json'), 'utf8')) as { summary: { evaluated: number; execAccuracy: number } };
  assert.deepEqual([report.summary.evaluated, report.summary.execAccuracy], [held.length, 1]);
  let probed = 0;
  for (const example of held) {
    const rows = quarry(['sql', '--db', db, '--json', example.sql]);
    assert.equal(rows.code, 0, rows.stderr);
    const result = JSON.parse(rows.stdout) as { rows: unknown[][] };
    const only = result.rows.length === 1 && result.rows[0]!.length === 1 ? result.rows[0]![0] : undefined;
    assert.ok(result.rows.length > 0 && only !== 0 && only !== null, `a gold answer of no rows, 0 or NULL tells nothing apart: ${example.question}`);
    const probe = tieProbe(example.sql);
    if (probe) {
      const keys = quarry(['sql', '--db', db, '--json', probe.sql]);
      assert.equal(keys.code, 0, keys.stderr);
      const sorted = (JSON.parse(keys.stdout) as { rows: unknown[][] }).rows.map((row) => JSON.stringify(row));
      assert.ok(sorted.length <= probe.limit || sorted[probe.limit - 1] !== sorted[probe.limit], `a tie at the LIMIT makes the gold rows the engine's choice: ${example.question}`);
      probed++;
    }
  }
  assert.ok(probed >= 5, `${probed} top-N questions checked for ties`);
  const checked = quarry(['grammar', '--db', db, '--check', predictions]);
  assert.equal(checked.code, 0, checked.stdout);
});
