/**
 * Scoring speed, against references measured in the same run, on the 4,622 recorded predictions of
 * ../shared/data/spider/official_verdicts.jsonl:
 * - the official evaluator (taoyds/test-suite-sql-eval `exec_eval.eval_exec_match`, run by python3)
 *   when QUARRY_OFFICIAL_EVALUATOR names a checkout of it and python3 can import it: the goal is
 *   Quarry at least 10× faster;
 * - otherwise raw execution: every gold and predicted query run once, in this process, with every
 *   row fetched and nothing compared: the goal is Quarry within 3× of it.
 * Quarry's time is runEvaluation's: worker start, reading, scoring, progress and report files.
 * Also printed: the strict mode with K=3 generated instances per database, for reference.
 */
import BetterSqlite3 from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvalExample } from '../src/core/eval/EvalDataset';
import { runEvaluation } from '../src/core/eval/runEvaluation';
import { makeTempDir, SPIDER_DIR, WORKER_SCRIPT } from '../test/helpers/fixtures';

const OFFICIAL_GOAL = 10;
const RAW_GOAL = 3;
const ROUNDS = 3;

interface Recorded {
  db_id: string;
  question: string;
  gold: string;
  pred: string;
}

async function main(): Promise<void> {
  const temp = makeTempDir('quarry-bench-');
  try {
    const recorded = readFileSync(join(SPIDER_DIR, 'official_verdicts.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Recorded);
    const dbPath = (id: string) => join(SPIDER_DIR, 'database', id, `${id}.sqlite`);
    const examples: EvalExample[] = recorded.map((r, i) => ({ index: i, dbId: r.db_id, dbPath: dbPath(r.db_id), question: r.question, goldSql: r.gold }));
    const predictions = new Map(recorded.map((r, i) => [i, r.pred]));

    const quarry = async (round: number, instances = 0) => {
      const started = performance.now();
      await runEvaluation(examples, { kind: 'predictions', predictions }, { report: join(temp.dir, `eval-${round}-${instances}.json`), settings: {}, instances, workerScript: WORKER_SCRIPT });
      return (performance.now() - started) / 1000;
    };
    const raw = () => {
      const started = performance.now();
      const open = new Map<string, BetterSqlite3.Database>();
      for (const r of recorded) {
        let db = open.get(r.db_id);
        if (!db) open.set(r.db_id, (db = new BetterSqlite3(dbPath(r.db_id), { readonly: true, fileMustExist: true })));
        for (const sql of [r.gold, r.pred]) {
          try {
            db.prepare(sql).raw(true).safeIntegers(true).all();
          } catch {
            // A failing query costs what it costs; nothing is compared here.
          }
        }
      }
      for (const db of open.values()) db.close();
      return (performance.now() - started) / 1000;
    };

    const quarryTimes: number[] = [];
    const rawTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawTimes.push(raw());
      quarryTimes.push(await quarry(round));
    }
    const q = median(quarryTimes);
    console.log(`Scoring ${recorded.length} recorded Spider dev predictions (median of ${ROUNDS}):`);
    console.log(`  Quarry (runEvaluation)     ${q.toFixed(2)} s   (${quarryTimes.map((t) => t.toFixed(2)).join(', ')})`);

    let met: boolean;
    const official = officialSeconds(recorded, dbPath, temp.dir);
    if (official !== null) {
      const ratio = official / q;
      met = ratio >= OFFICIAL_GOAL;
      console.log(`  official exec_eval.py      ${official.toFixed(2)} s   → Quarry ${ratio.toFixed(1)}× faster (goal ≥ ${OFFICIAL_GOAL}×: ${met ? 'met' : 'MISSED'})`);
    } else {
      const r = median(rawTimes);
      const ratio = q / r;
      met = ratio <= RAW_GOAL;
      console.log(`  raw execution, in-process  ${r.toFixed(2)} s   → Quarry ${ratio.toFixed(2)}× raw (goal ≤ ${RAW_GOAL}×: ${met ? 'met' : 'MISSED'})`);
      console.log('  (the official evaluator was not measured: set QUARRY_OFFICIAL_EVALUATOR to a test-suite-sql-eval checkout, with python3 and sqlparse)');
    }
    console.log(`  strict mode, K=3 instances ${(await quarry(ROUNDS, 3)).toFixed(2)} s`);
    if (!met) process.exitCode = 1;
  } finally {
    temp.dispose();
  }
}

/** The official evaluator's own time on the same predictions, or null when it cannot run here. */
function officialSeconds(recorded: Recorded[], dbPath: (id: string) => string, dir: string): number | null {
  const checkout = process.env.QUARRY_OFFICIAL_EVALUATOR;
  if (!checkout || !existsSync(join(checkout, 'exec_eval.py'))) return null;
  const input = join(dir, 'official-input.jsonl');
  writeFileSync(input, recorded.map((r) => JSON.stringify({ db: dbPath(r.db_id), gold: r.gold, pred: r.pred })).join('\n'));
  const script = [
    'import json, sys, time',
    `sys.path.insert(0, ${JSON.stringify(checkout)})`,
    'from exec_eval import eval_exec_match',
    `rows = [json.loads(line) for line in open(${JSON.stringify(input)})]`,
    'start = time.perf_counter()',
    'for r in rows: eval_exec_match(r["db"], r["pred"], r["gold"], plug_value=False, keep_distinct=False, progress_bar_for_each_datapoint=False)',
    'print(time.perf_counter() - start)',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (run.status !== 0) {
    console.log(`  the official evaluator did not run: ${run.stderr.trim().split('\n').at(-1)}`);
    return null;
  }
  return Number(run.stdout.trim().split('\n').at(-1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

void main();
