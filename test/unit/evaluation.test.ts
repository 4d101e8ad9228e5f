import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resultsMatch } from '../../src/core/eval/compareResults';
import { EvalInputError, loadJsonlDataset, loadPredictions, loadSpiderDataset, type EvalExample } from '../../src/core/eval/EvalDataset';
import { extractLiterals } from '../../src/core/instances/extractLiterals';
import { generateInstances } from '../../src/core/instances/generateInstances';
import { runEvaluation } from '../../src/core/eval/runEvaluation';
import { makeTempDir, SPIDER_DIR, WORKER_SCRIPT } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());
const dev = loadSpiderDataset(SPIDER_DIR, 'dev');
const report = (name: string) => join(temp.dir, `${name}.json`);

test('Spider dev gold scored against itself: 100% of runnable examples, wta_1 skipped and listed', async () => {
  const predictions = new Map(dev.map((e) => [e.index, e.goldSql]));
  const result = await runEvaluation(dev, { kind: 'predictions', predictions }, { report: report('gold'), settings: {}, workerScript: WORKER_SCRIPT });
  assert.equal(result.summary.total, 1034);
  assert.equal(result.summary.evaluated, 972);
  assert.equal(result.summary.execAccuracy, 1);
  assert.equal(result.summary.skipped, 62);
  assert.ok(result.summary.skippedExamples.every((s) => s.db_id === 'wta_1' && s.reason === 'database missing: wta_1'));
  const saved = JSON.parse(readFileSync(report('gold'), 'utf8'));
  assert.equal(saved.examples.length, 1034);
  assert.deepEqual(saved.summary.byHardness.extra.execAccuracy, 1);
});

/** Rewritten gold queries: right ones (reordered columns, spacing, DISTINCT) and wrong ones the real database may let pass. */
function rewrites(sql: string): string[] {
  const out: string[] = [];
  if (/>=|<=/.test(sql)) out.push(sql.replace('>=', '> =').replace('<=', '< ='));
  if (/^select /i.test(sql) && !/^select distinct/i.test(sql)) out.push(sql.replace(/^select /i, 'SELECT DISTINCT '));
  const twoColumns = /^SELECT ([\w.]+) ,\s+([\w.]+) FROM/i.exec(sql);
  if (twoColumns && !/intersect|union|except/i.test(sql)) out.push(sql.replace(twoColumns[0], `SELECT ${twoColumns[2]} , ${twoColumns[1]} FROM`));
  if (!/limit|intersect|union|except/i.test(sql)) out.push(`${sql} LIMIT 1`);
  const number = /([=<>]\s*)(\d+)(?![\d.])/.exec(sql);
  if (number) out.push(sql.replace(number[0], `${number[1]}${Number(number[2]) + 1}`));
  if (/order by .* desc/i.test(sql)) out.push(sql.replace(/ desc/i, ' ASC'));
  if (/ where /i.test(sql) && !/intersect|union|except|\(/i.test(sql)) out.push(sql.replace(/ where .*?( group by| order by| limit|$)/i, '$1'));
  return out;
}

const STRICT_CATCHES = 33;

test('strict mode: never more lenient, and it catches predictions that only match on the real database', async () => {
  const subset = dev.filter((e) => e.dbPath && ['concert_singer', 'pets_1', 'car_1', 'world_1', 'employee_hire_evaluation'].includes(e.dbId));
  const cases: EvalExample[] = [];
  const predictions = new Map<number, string>();
  for (const example of subset) {
    for (const rewrite of [example.goldSql, ...rewrites(example.goldSql)]) {
      predictions.set(cases.length, rewrite);
      cases.push({ ...example, index: cases.length });
    }
  }
  const result = await runEvaluation(cases, { kind: 'predictions', predictions }, {
    report: report('strict'),
    settings: {},
    workerScript: WORKER_SCRIPT,
    instances: 3,
  });
  const golds = result.examples.filter((r) => predictions.get(r.index) === cases[r.index]!.goldSql);
  assert.ok(golds.every((r) => r.strictMatch === 1), 'a gold query matches itself everywhere');
  assert.ok(result.examples.every((r) => r.strictMatch === undefined || r.strictMatch <= r.execMatch!));
  const caught = result.examples.filter((r) => r.execMatch === 1 && r.strictMatch === 0);
  console.log(`${result.examples.length} predictions: exec ${result.summary.execAccuracy.toFixed(3)}, strict ${result.summary.strictAccuracy?.toFixed(3)}, ${caught.length} caught only by the instances`);
  // The README's numbers: instances are seeded by the database's file name, so they are the same on every machine.
  assert.equal(result.examples.length, 1139);
  assert.equal(caught.length, STRICT_CATCHES, `${caught.length} wrong predictions caught by the extra instances`);
  assert.ok(result.summary.strictAccuracy! < result.summary.execAccuracy);
});

test('generated instances keep the schema, unique keys and foreign keys', async () => {
  const dir = join(temp.dir, 'instances');
  mkdirSync(dir);
  const [path] = await generateInstances(join(SPIDER_DIR, 'database/concert_singer/concert_singer.sqlite'), {
    count: 1,
    directory: dir,
    literals: extractLiterals(["SELECT name FROM singer WHERE country = 'Iceland' AND age > 42"]),
  });
  const db = new BetterSqlite3(path!, { readonly: true });
  try {
    const count = (sql: string) => db.prepare(sql).pluck().get() as number;
    assert.ok(count('SELECT count(*) FROM singer') > 10);
    assert.equal(count('SELECT count(*) FROM singer') , count('SELECT count(DISTINCT Singer_ID) FROM singer'));
    assert.equal(count('SELECT count(*) FROM singer_in_concert WHERE Singer_ID NOT IN (SELECT Singer_ID FROM singer)'), 0);
    assert.equal(count('SELECT count(*) FROM concert WHERE concert_ID IS NOT NULL AND Stadium_ID NOT IN (SELECT Stadium_ID FROM stadium)'), 0);
    assert.ok(count("SELECT count(*) FROM singer WHERE Country = 'Iceland'") > 0, 'the query literal appears in the data');
  } finally {
    db.close();
  }
});

test('result comparison: bags, lists, column permutations, numbers', () => {
  assert.ok(resultsMatch([[1, 'a'], [2, 'b']], [['b', 2], ['a', 1]], false));
  assert.ok(!resultsMatch([[1, 'a'], [2, 'b']], [['b', 2], ['a', 1]], true));
  assert.ok(resultsMatch([[1, 'a'], [2, 'b']], [['a', 1], ['b', 2]], true));
  assert.ok(resultsMatch([[1]], [[1.0]], true));
  assert.ok(resultsMatch([[9007199254740993n]], [[9007199254740993n]], true));
  assert.ok(!resultsMatch([[1], [1], [2]], [[1], [2], [2]], false), 'bags, not sets');
  assert.ok(!resultsMatch([['1']], [[1]], false), 'text is not a number');
  assert.ok(resultsMatch([], [], false));
  assert.ok(!resultsMatch([[1, 2]], [[1]], false));
  assert.ok(resultsMatch([[1, 1, 2, 3, 4]], [[4, 1, 3, 2, 1]], false), 'five columns, duplicate values');
});

test('an interrupted run resumes where it stopped and gives the same report', async () => {
  const subset = dev.filter((e) => e.dbId === 'concert_singer' || e.dbId === 'pets_1');
  const predictions = new Map(subset.map((e) => [e.index, e.goldSql]));
  const path = report('resume');
  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(
    runEvaluation(subset, { kind: 'predictions', predictions }, {
      report: path,
      settings: { run: 1 },
      workerScript: WORKER_SCRIPT,
      workers: 1,
      signal: controller.signal,
      onProgress: ({ done }) => {
        seen = done;
        if (done === 20) controller.abort();
      },
    }),
  );
  assert.equal(seen, 20);
  assert.equal(existsSync(path), false, 'no report before the run ends');
  const progressLines = readFileSync(`${path}.progress.jsonl`, 'utf8').trim().split('\n');
  assert.equal(progressLines.length, 21);
  writeFileSync(`${path}.progress.jsonl`, `${progressLines.join('\n')}\n{"index": 99, "db_`); // a torn last line
  const resumed = await runEvaluation(subset, { kind: 'predictions', predictions }, {
    report: path,
    settings: { run: 1 },
    workerScript: WORKER_SCRIPT,
    resume: true,
    onProgress: ({ done }) => assert.ok(done >= 20),
  });
  assert.equal(resumed.summary.total, subset.length);
  assert.equal(resumed.summary.execAccuracy, 1);
  await assert.rejects(
    runEvaluation(subset, { kind: 'predictions', predictions }, { report: path, settings: { run: 2 }, workerScript: WORKER_SCRIPT, resume: true }),
    /cannot resume from .*: setting run was 1 and is now 2; run again without --resume/,
  );
});

test('inputs: JSONL datasets relative to their file, predictions in both formats, clear errors', () => {
  const dataset = join(temp.dir, 'mine.jsonl');
  writeFileSync(dataset, `${JSON.stringify({ question: 'How many?', sql: 'SELECT count(*) FROM singer', db: join(SPIDER_DIR, 'database/concert_singer/concert_singer.sqlite') })}\n\n`);
  const [example] = loadJsonlDataset(dataset);
  assert.equal(example!.goldSql, 'SELECT count(*) FROM singer');
  assert.ok(example!.dbPath?.endsWith('concert_singer.sqlite'));
  const text = join(temp.dir, 'preds.sql');
  writeFileSync(text, 'SELECT 1\tconcert_singer\nSELECT 2\n');
  const two = [example!, { ...example!, index: 1 }];
  assert.deepEqual([...loadPredictions(text, two)], [[0, 'SELECT 1'], [1, 'SELECT 2']]);
  const jsonl = join(temp.dir, 'preds.jsonl');
  writeFileSync(jsonl, '{"index": 1, "sql": "SELECT 3"}\n{"index": 0, "sql": "SELECT 4"}\n');
  assert.deepEqual([...loadPredictions(jsonl, two)], [[1, 'SELECT 3'], [0, 'SELECT 4']]);
  writeFileSync(jsonl, '{"index": 3, "sql": "SELECT 3"}\n{"index": 4, "sql": \n');
  assert.throws(() => loadPredictions(jsonl, Array.from({ length: 5 }, (_, index) => ({ ...example!, index })), 0), (e: unknown) => e instanceof EvalInputError && /preds\.jsonl:2: not valid JSON/.test(e.message));
  assert.throws(() => loadJsonlDataset(join(temp.dir, 'nope.jsonl')), /file not found: .*nope\.jsonl/);
  assert.throws(() => loadSpiderDataset(temp.dir, 'dev'), /no Spider dev file in/);
});
