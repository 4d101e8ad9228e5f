import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import Database from 'better-sqlite3';
import type { EvalReport } from '../../src/core/protocol/evalReport';
import { makeTempDir } from '../helpers/fixtures';
import { meanWithoutOutliers, rVesReward } from '../../src/core/eval/metrics/efficiencyMetrics';
import { quarry } from '../helpers/runCli';

/**
 * Each metric's verdicts through `quarry eval` (the database worker runs the queries), on cases from
 * BIRD's and Spider's own code paths. The expected verdicts are written out here from the rules:
 * spider-exec: rows as a bag, columns in any order, DISTINCT removed, the first statement run;
 * bird-ex: set(pred) == set(gold), columns in order, the
 * text run as written (a second statement is an error); bird-ex-sorted: each row's values sorted by
 * str() first; multiset: rows as a bag, columns in order. Values compare as Python's do: 1 == 1.0.
 */
const temp = makeTempDir('quarry-metrics-');
after(() => temp.dispose());
const db = join(temp.dir, 'cases.sqlite');
before(() => {
  const sqlite = new Database(db);
  sqlite.exec("CREATE TABLE t (a INTEGER, b TEXT, c REAL); INSERT INTO t VALUES (1, 'x', 0.5), (2, 'x', 1.5), (3, 'y', NULL);");
  sqlite.close();
});

const RUNAWAY = 'WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT count(*) FROM r';
type Verdicts = { 'spider-exec': 0 | 1; 'bird-ex': 0 | 1; 'bird-ex-sorted': 0 | 1; multiset: 0 | 1 };
const CASES: { name: string; gold: string; pred: string; expected: Verdicts }[] = [
  { name: 'columns swapped', gold: 'SELECT a, b FROM t', pred: 'SELECT b, a FROM t', expected: { 'spider-exec': 1, 'bird-ex': 0, 'bird-ex-sorted': 1, multiset: 0 } },
  { name: 'repeats dropped', gold: 'SELECT b FROM t', pred: 'SELECT DISTINCT b FROM t', expected: { 'spider-exec': 1, 'bird-ex': 1, 'bird-ex-sorted': 1, multiset: 0 } },
  { name: 'repeats added', gold: 'SELECT DISTINCT b FROM t', pred: 'SELECT b FROM t', expected: { 'spider-exec': 1, 'bird-ex': 1, 'bird-ex-sorted': 1, multiset: 0 } },
  { name: '1 against 1.0', gold: 'SELECT 1', pred: 'SELECT 1.0', expected: { 'spider-exec': 1, 'bird-ex': 1, 'bird-ex-sorted': 1, multiset: 1 } },
  { name: 'NULL', gold: 'SELECT c FROM t WHERE a = 3', pred: 'SELECT NULL', expected: { 'spider-exec': 1, 'bird-ex': 1, 'bird-ex-sorted': 1, multiset: 1 } },
  { name: 'text is case-sensitive', gold: "SELECT b FROM t WHERE a = 1", pred: "SELECT 'X'", expected: { 'spider-exec': 0, 'bird-ex': 0, 'bird-ex-sorted': 0, multiset: 0 } },
  { name: 'a second statement', gold: 'SELECT a FROM t', pred: 'SELECT a FROM t; SELECT 1', expected: { 'spider-exec': 1, 'bird-ex': 0, 'bird-ex-sorted': 0, multiset: 0 } },
  { name: 'an error', gold: 'SELECT a FROM t', pred: 'SELECT nope FROM t', expected: { 'spider-exec': 0, 'bird-ex': 0, 'bird-ex-sorted': 0, multiset: 0 } },
  { name: 'a time-out', gold: 'SELECT count(*) FROM t', pred: RUNAWAY, expected: { 'spider-exec': 0, 'bird-ex': 0, 'bird-ex-sorted': 0, multiset: 0 } },
];

test('each metric scores the cases as its authors\' code does; a time-out scores 0 under every metric and is counted apart', () => {
  const dataset = join(temp.dir, 'cases.jsonl');
  writeFileSync(dataset, CASES.map((c) => JSON.stringify({ question: c.name, sql: c.gold, db })).join('\n'));
  const predictions = join(temp.dir, 'cases.sql');
  writeFileSync(predictions, CASES.map((c) => c.pred).join('\n'));
  const report = join(temp.dir, 'cases.json');
  const run = quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--metric', 'bird-ex,bird-ex-sorted,multiset,spider-exec', '--timeout', '2', '--workers', '1', '--report', report], { timeoutMs: 120_000 });
  assert.equal(run.code, 0, run.stderr);
  const { summary, examples, settings } = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  assert.deepEqual([settings.metrics, settings.timeoutMs], [['bird-ex', 'bird-ex-sorted', 'multiset', 'spider-exec'], 2000]);
  for (const [i, c] of CASES.entries()) assert.deepEqual(examples[i]!.scores, c.expected, c.name);
  assert.equal(examples.at(-1)!.timedOut, true);
  assert.equal(summary.timeouts, 1);
  assert.match(examples[6]!.predError ?? '', /You can only execute one statement at a time/, 'the headline metric\'s (BIRD\'s) error is the crash');
  // The summary, from the verdicts above: each metric's share of the nine.
  for (const id of ['spider-exec', 'bird-ex', 'bird-ex-sorted', 'multiset'] as const) {
    assert.equal(summary.metrics![id], CASES.filter((c) => c.expected[id] === 1).length / CASES.length, id);
  }
  assert.equal(summary.execAccuracy, summary.metrics!['spider-exec'], 'execAccuracy stays Spider\'s');
  assert.match(run.stdout, /execution accuracy +44\.4%[\s\S]*scored by EX \(BIRD\) \[bird-ex\]; also EX \(BIRD, sorted rows\) \[bird-ex-sorted\] 55\.6%, EX \(multiset\) \[multiset\] 22\.2%, EX \(Spider\) \[spider-exec\] 66\.7%[\s\S]*timed out +1/);
});

test('--metric and --timeout are checked: an unknown metric, one named twice, a bad time, both time options', () => {
  const dataset = join(temp.dir, 'one.jsonl');
  writeFileSync(dataset, JSON.stringify({ question: 'q', sql: 'SELECT 1', db }));
  const predictions = join(temp.dir, 'one.sql');
  writeFileSync(predictions, 'SELECT 1\n');
  const cases: [string[], RegExp][] = [
    [['--metric', 'bird'], /--metric 'bird' is not a metric; the metrics are spider-exec, bird-ex, bird-ex-sorted, multiset/],
    [['--metric', 'bird-ex,bird-ex'], /--metric names a metric twice/],
    [['--timeout', '0'], /--timeout must be a number of seconds above 0/],
    [['--timeout', '3', '--timeout-ms', '3000'], /give --timeout \(seconds\) or --timeout-ms, not both/],
  ];
  for (const [more, message] of cases) {
    const run = quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--report', join(temp.dir, 'one.json'), ...more]);
    assert.equal(run.code, 2, `${more.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
});

test('--compare refuses runs scored by another metric or time limit, saying why', () => {
  const dataset = join(temp.dir, 'two.jsonl');
  writeFileSync(dataset, JSON.stringify({ question: 'q', sql: 'SELECT 1', db }));
  const predictions = join(temp.dir, 'two.sql');
  writeFileSync(predictions, 'SELECT 1\n');
  const evaluate = (name: string, ...more: string[]) => quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--report', join(temp.dir, name), ...more]);
  assert.equal(evaluate('spider.json').code, 0);
  const metric = evaluate('bird.json', '--metric', 'bird-ex', '--compare', join(temp.dir, 'spider.json'));
  assert.equal(metric.code, 2);
  assert.match(metric.stderr, /spider\.json was scored by spider-exec and bird\.json by bird-ex: their numbers are not comparable; score both with one --metric/);
  const time = evaluate('ten.json', '--timeout', '10', '--compare', join(temp.dir, 'spider.json'));
  assert.equal(time.code, 2);
  assert.match(time.stderr, /spider\.json gave each query 60 s and ten\.json 10 s: their numbers are not comparable/);
});

test('R-VES buckets at their edges, and the ±3σ cut of the time ratios, against the rules written out here', () => {
  const reward = (ratio: number) => (ratio >= 2 ? 1.25 : ratio >= 1 ? 1 : ratio >= 0.5 ? 0.75 : ratio >= 0.25 ? 0.5 : 0.25);
  for (const ratio of [0, 0.2499, 0.25, 0.4999, 0.5, 0.9999, 1, 1.9999, 2, 50]) assert.equal(rVesReward(ratio), reward(ratio), String(ratio));
  assert.deepEqual([rVesReward(0.25), rVesReward(0.5), rVesReward(1), rVesReward(2)], [0.5, 0.75, 1, 1.25]);
  // Nineteen rounds alike and one far off: BIRD's clean_abnormal drops the one (population σ, strict bounds).
  const ratios = [...Array.from({ length: 19 }, () => 1), 100];
  const mean = ratios.reduce((a, b) => a + b) / ratios.length;
  const sigma = Math.sqrt(ratios.reduce((a, b) => a + (b - mean) ** 2, 0) / ratios.length);
  assert.ok(100 > mean + 3 * sigma, 'the far one is past 3σ');
  assert.equal(meanWithoutOutliers(ratios), 1);
  assert.equal(meanWithoutOutliers([2, 2, 2]), 2, 'every round alike: σ is 0 and nothing is strictly inside, so all are kept (BIRD would divide by zero)');
  assert.equal(meanWithoutOutliers([1, 2, 3]), 2);
});

test('VES and R-VES: each right prediction timed, its ratio in the report; the figures follow from the ratios and verdicts by BIRD\'s formulas', () => {
  const dataset = join(temp.dir, 'ves.jsonl');
  const rows = [
    { question: 'right', sql: 'SELECT a, b FROM t', pred: 'SELECT a, b FROM t ORDER BY a' },
    { question: 'right too', sql: 'SELECT count(*) FROM t', pred: 'SELECT count(a) FROM t' },
    { question: 'wrong', sql: 'SELECT a FROM t', pred: 'SELECT b FROM t' },
  ];
  writeFileSync(dataset, rows.map((r) => JSON.stringify({ question: r.question, sql: r.sql, db })).join('\n'));
  const predictions = join(temp.dir, 'ves.sql');
  writeFileSync(predictions, rows.map((r) => r.pred).join('\n'));
  const report = join(temp.dir, 'ves.json');
  const run = quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--metric', 'bird-ex,ves,r-ves', '--ves-iterations', '5', '--report', report]);
  assert.equal(run.code, 0, run.stderr);
  const { summary, examples, settings } = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  assert.deepEqual([settings.metrics, settings.vesIterations, summary.efficiencyMetrics], [['bird-ex', 'ves', 'r-ves'], 5, ['ves', 'r-ves']]);
  assert.deepEqual(examples.map((e) => e.scores?.['bird-ex']), [1, 1, 0]);
  assert.ok(examples.slice(0, 2).every((e) => typeof e.vesRatio === 'number' && e.vesRatio > 0), 'a ratio for each right one');
  assert.equal(examples[2]!.vesRatio, undefined, 'none for the wrong one');
  assert.ok(examples.every((e) => typeof e.goldMs === 'number' && typeof e.predMs === 'number'), 'every query\'s own time');
  const ratios = examples.map((e) => (e.scores?.['bird-ex'] === 1 ? e.vesRatio! : null));
  const reward = (ratio: number) => (ratio >= 2 ? 1.25 : ratio >= 1 ? 1 : ratio >= 0.5 ? 0.75 : ratio >= 0.25 ? 0.5 : 0.25);
  const ves = ratios.reduce<number>((sum, r) => sum + (r === null ? 0 : Math.sqrt(r)), 0) / ratios.length;
  const rves = ratios.reduce<number>((sum, r) => sum + (r === null ? 0 : Math.sqrt(reward(r))), 0) / ratios.length;
  assert.ok(Math.abs(summary.metrics!.ves! - ves) < 1e-12 && Math.abs(summary.metrics!['r-ves']! - rves) < 1e-12, JSON.stringify(summary.metrics));
  assert.match(run.stdout, new RegExp(`VES \\[ves\\] ${(100 * ves).toFixed(2)}, R-VES \\[r-ves\\] ${(100 * rves).toFixed(2)}`));
  const refused = quarry(['eval', '--dataset', dataset, '--predictions', predictions, '--metric', 'ves', '--report', join(temp.dir, 'ves2.json')]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /put a match metric first/);
});

test('K prediction files: the first is the answer; pass@K and maj@K by OmniSQL\'s vote, against a reference written here from the rule', () => {
  // Each question: K = 3 samples. 'fail' does not run; samples returning the same set of rows vote together.
  const questions = [
    { gold: 'SELECT a FROM t', samples: ['SELECT b FROM t', 'SELECT a FROM t', 'SELECT a FROM t ORDER BY a DESC'] }, // the right group wins 2–1
    { gold: 'SELECT a FROM t', samples: ['SELECT b FROM t', 'SELECT a FROM t', 'SELECT nope FROM t'] }, // 1–1 tie: the group seen first (wrong) wins
    { gold: 'SELECT a FROM t', samples: ['SELECT nope FROM t', 'SELECT nada FROM t', 'SELECT zip FROM t'] }, // all fail: the first
    { gold: 'SELECT a FROM t', samples: ['SELECT a FROM t', 'SELECT DISTINCT a FROM t', 'SELECT b FROM t'] }, // repeats aside, one set: right 2–1
    { gold: 'SELECT b FROM t', samples: ['SELECT nope FROM t', 'SELECT b FROM t', 'SELECT a FROM t'] }, // tie among those that ran: the first that ran
  ];
  const dataset = join(temp.dir, 'samples.jsonl');
  writeFileSync(dataset, questions.map((q, i) => JSON.stringify({ question: `q${i}`, sql: q.gold, db })).join('\n'));
  const files = [0, 1, 2].map((k) => {
    const file = join(temp.dir, `sample-${k}.sql`);
    writeFileSync(file, questions.map((q) => q.samples[k]).join('\n'));
    return file;
  });
  const sqlite = new Database(db, { readonly: true });
  const rowsOf = (sql: string): string[] | null => {
    try {
      return [...new Set(sqlite.prepare(sql).raw().all().map((row) => JSON.stringify(row)))].sort();
    } catch {
      return null;
    }
  };
  // The rule, independently: right = same set of rows as gold (BIRD); vote among those that ran.
  const expected = questions.map((q) => {
    const gold = JSON.stringify(rowsOf(q.gold));
    const sets = q.samples.map(rowsOf);
    const right = sets.map((set) => set !== null && JSON.stringify(set) === gold);
    const order: string[] = [];
    const count = new Map<string, number>();
    for (const set of sets) {
      if (set === null) continue;
      const key = JSON.stringify(set);
      if (!count.has(key)) order.push(key);
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    const best = Math.max(0, ...count.values());
    const winner = order.find((key) => count.get(key) === best);
    const chosen = winner === undefined ? 0 : sets.findIndex((set) => set !== null && JSON.stringify(set) === winner);
    return { first: right[0] ? 1 : 0, pass: right.some(Boolean) ? 1 : 0, maj: right[chosen] ? 1 : 0 };
  });
  sqlite.close();
  const report = join(temp.dir, 'samples.json');
  const run = quarry(['eval', '--dataset', dataset, ...files.flatMap((file) => ['--predictions', file]), '--metric', 'bird-ex', '--report', report]);
  assert.equal(run.code, 0, run.stderr);
  const { summary, examples } = JSON.parse(readFileSync(report, 'utf8')) as EvalReport;
  assert.deepEqual(
    examples.map((e) => ({ first: e.scores!['bird-ex'], pass: e.passAtK!['bird-ex'], maj: e.majAtK!['bird-ex'] })),
    expected,
  );
  assert.deepEqual(examples.map((e) => e.samples!.map((s) => s.sql)), questions.map((q) => q.samples));
  assert.equal(summary.samples, 3);
  const share = (key: 'first' | 'pass' | 'maj') => expected.filter((e) => e[key] === 1).length / expected.length;
  assert.deepEqual([summary.metrics!['bird-ex'], summary.passAtK!['bird-ex'], summary.majAtK!['bird-ex']], [share('first'), share('pass'), share('maj')]);
  assert.match(run.stdout, new RegExp(`pass@3 +${(100 * share('pass')).toFixed(1)}%[\\s\\S]*maj@3 +${(100 * share('maj')).toFixed(1)}%`));
});
