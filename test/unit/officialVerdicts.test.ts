import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { EvalExample } from '../../src/core/eval/EvalDataset';
import { runEvaluation } from '../../src/core/eval/runEvaluation';
import { makeTempDir, SPIDER_DIR, WORKER_SCRIPT } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());

/** A prediction and the verdict the official test-suite evaluator's own code gave it (see the data's MANIFEST.md). */
interface OfficialVerdict {
  index: number;
  db_id: string;
  question: string;
  gold: string;
  pred: string;
  kind: string;
  official_exec_match: 0 | 1;
}

const verdicts = readFileSync(join(SPIDER_DIR, 'official_verdicts.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as OfficialVerdict);

test('every verdict agrees with the official evaluator\'s own, recorded on 4,622 Spider dev predictions', async () => {
  const examples: EvalExample[] = verdicts.map((v, i) => ({
    index: i,
    dbId: v.db_id,
    dbPath: join(SPIDER_DIR, 'database', v.db_id, `${v.db_id}.sqlite`),
    question: v.question,
    goldSql: v.gold,
  }));
  const predictions = new Map(verdicts.map((v, i) => [i, v.pred]));
  const report = await runEvaluation(examples, { kind: 'predictions', predictions }, { report: join(temp.dir, 'official.json'), settings: {}, workerScript: WORKER_SCRIPT });
  assert.equal(report.examples.length, verdicts.length);
  const disagreements = report.examples
    .filter((result) => result.execMatch !== verdicts[result.index]!.official_exec_match)
    .map((result) => {
      const v = verdicts[result.index]!;
      return `${v.kind}: official ${v.official_exec_match}, Quarry ${result.execMatch ?? `skipped (${result.skipped})`}${result.predError ? ` (${result.predError})` : ''}: ${v.pred}`;
    });
  console.log(`${verdicts.length} recorded verdicts, ${verdicts.length - disagreements.length} agree, in ${report.summary.seconds.toFixed(1)} s`);
  assert.deepEqual(disagreements, []);
  // The set is balanced and holds the edge cases by kind; a harness that got a whole kind wrong would show here.
  assert.equal(report.examples.filter((r) => r.execMatch === 1).length, 2311);
  const kinds = new Set(verdicts.map((v) => v.kind));
  for (const kind of ['extra: trailing second statement', 'extra: select literal real', 'wrong: count distinct', 'wrong: flip order']) assert.ok(kinds.has(kind), kind);
});
