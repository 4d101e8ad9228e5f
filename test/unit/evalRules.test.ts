/**
 * One test per rule of the official evaluator (taoyds/test-suite-sql-eval exec_eval.py), each able
 * to fail on its own: the expected verdicts are what exec_eval.py's code gives, worked out from it
 * (and, for Python's own semantics, from Python: `sorted`, `repr`, `==`), not from Quarry's code.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pythonFloatRepr, resultsMatch } from '../../src/core/eval/compareResults';
import type { EvalExample } from '../../src/core/eval/EvalDataset';
import { firstStatement, goldOrdersRows, prepareForEval, replaceCurYear } from '../../src/core/eval/prepareForEval';
import { runEvaluation, type EvalOptions } from '../../src/core/eval/runEvaluation';
import { makeTempDir, spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());
let runs = 0;

/** Each [gold, prediction] pair on concert_singer, scored by runEvaluation; returns execMatch per pair (or the skip reason). */
async function verdicts(pairs: [string, string][], options: Partial<EvalOptions> = {}): Promise<(0 | 1 | string)[]> {
  const examples: EvalExample[] = pairs.map(([gold], i) => ({ index: i, dbId: 'concert_singer', dbPath: spiderDb('concert_singer'), question: `q${i}`, goldSql: gold }));
  const predictions = new Map(pairs.map(([, pred], i) => [i, pred]));
  const report = await runEvaluation(examples, { kind: 'predictions', predictions }, { report: join(temp.dir, `rules-${runs++}.json`), settings: {}, workerScript: WORKER_SCRIPT, ...options });
  return report.examples.map((r) => r.execMatch ?? `skipped: ${r.skipped}`);
}

test('order counts only when the gold query says ORDER BY, whatever else it has (LIMIT included)', async () => {
  assert.deepEqual(
    await verdicts([
      ['SELECT Name, Age FROM singer ORDER BY Age', 'SELECT Name, Age FROM singer ORDER BY Age DESC'],
      ['SELECT Name, Age FROM singer ORDER BY Age', 'SELECT Name, Age FROM singer ORDER BY Age'],
      ['SELECT Name FROM singer ORDER BY Age LIMIT 3', 'SELECT Name FROM singer WHERE Age < 33 ORDER BY Age DESC'],
      ['SELECT Name FROM singer LIMIT 6', 'SELECT Name FROM singer ORDER BY Name DESC'],
      ['SELECT Name FROM singer', 'SELECT Name FROM singer ORDER BY Name'],
    ]),
    [0, 1, 0, 1, 1],
  );
  assert.equal(goldOrdersRows(prepareForEval('select x from t order   by x', { keepDistinct: false })), false, "the official test is the text 'order by' with one space");
});

test('columns may come in any order; the rows as a bag, not a set', async () => {
  assert.deepEqual(
    await verdicts([
      ['SELECT Name, Age, Country FROM singer', 'SELECT Country, Name, Age FROM singer'],
      // Netherlands, United States and France four times, against the same six rows with another count of each: the same set, another bag.
      ['SELECT Country FROM singer', "SELECT Country FROM singer WHERE Country != 'France' UNION ALL SELECT 'France' UNION ALL SELECT 'Netherlands' UNION ALL SELECT 'France' UNION ALL SELECT 'France'"],
      ['SELECT Country FROM singer', "SELECT Country FROM singer WHERE Country != 'France' UNION ALL SELECT Country FROM singer WHERE Country = 'France'"],
    ]),
    [1, 0, 1],
  );
  assert.ok(resultsMatch([[1, 1, 2, 3, 4]], [[4, 1, 3, 2, 1]], false), 'five columns with repeated values');
});

test('DISTINCT is removed from both queries by default, kept with keepDistinct', async () => {
  const pairs: [string, string][] = [
    ['SELECT DISTINCT Country FROM singer', 'SELECT Country FROM singer'],
    ['SELECT count(*) FROM singer', 'SELECT count(DISTINCT Country) FROM singer'],
  ];
  assert.deepEqual(await verdicts(pairs), [1, 1]);
  assert.deepEqual(await verdicts(pairs, { keepDistinct: true }), [0, 0]);
  assert.equal(prepareForEval("SELECT DISTINCT a, 'distinct' FROM t", { keepDistinct: false }), "SELECT  a, 'distinct' FROM t", 'only the keyword, never text');
});

test('empty results match whatever their columns', async () => {
  assert.deepEqual(await verdicts([['SELECT Name FROM singer WHERE Age > 100', 'SELECT Name, Age FROM singer WHERE Age < 0']]), [1]);
});

test('a prediction runs only its first statement, as the official code takes sqlparse\'s statement 0; Quarry\'s stricter rule behind a flag', async () => {
  const pairs: [string, string][] = [
    ['SELECT count(*) FROM singer', 'SELECT count(*) FROM singer; SELECT 1'],
    ['SELECT count(*) FROM singer', 'SELECT count(*) FROM singer ; LIMIT 1'],
    ['SELECT count(*) FROM singer', "SELECT count(*) FROM singer WHERE Name != ';'; DROP TABLE singer"],
  ];
  assert.deepEqual(await verdicts(pairs), [1, 1, 1]);
  assert.deepEqual(await verdicts(pairs, { singleStatement: true }), [0, 0, 0]);
  // With DISTINCT kept, remove_distinct (and its statement 0) never runs: sqlite3 refuses two statements.
  assert.deepEqual(await verdicts(pairs, { keepDistinct: true }), [0, 0, 0]);
  assert.equal(firstStatement("SELECT ';' -- ;\n; SELECT 2"), "SELECT ';' -- ;\n;");
});

test('values compare as Python compares them: 6 == 6.0, but int and float sort apart inside a row; bytes are not text', async () => {
  assert.deepEqual(
    await verdicts([
      ['SELECT count(*) FROM singer', 'SELECT count(*) * 1.0 FROM singer'],
      // unorder_row sorts by str(x)+str(type(x)): (1, 1.5) → (1.5, 1) but (1.0, 1.5) → (1.0, 1.5), so quick_rej fails.
      ['SELECT 1, 1.5', 'SELECT 1.0, 1.5'],
      ["SELECT 'ab'", "SELECT x'6162'"],
      ['SELECT 1', "SELECT '1'"],
    ]),
    [1, 0, 0, 0],
  );
  const typed = { typed: true };
  assert.ok(resultsMatch([[6n]], [[6]], true, typed));
  assert.ok(!resultsMatch([[1n, 1.5]], [[1, 1.5]], false, typed));
  assert.ok(resultsMatch([[1n, 1.5]], [[1.5, 1n]], false, typed), 'the same values in another column order');
  assert.ok(!resultsMatch([[new Uint8Array([0x61])]], [['a']], false, typed));
  assert.ok(resultsMatch([[9007199254740993n]], [[9007199254740993n]], true, typed));
  assert.ok(!resultsMatch([[9007199254740993n]], [[9007199254740992]], true, typed), 'Python compares an int and a float exactly');
  // Python's repr, which the sort uses.
  assert.deepEqual([1e16, 1e-5, 0.0001, 123, -0, 1.5e300, 0.1].map(pythonFloatRepr), ['1e+16', '1e-05', '0.0001', '123.0', '-0.0', '1.5e+300', '0.1']);
});

test('YEAR(CURDATE()) is 2020 in both queries (replace_cur_year)', async () => {
  assert.equal(replaceCurYear('SELECT * FROM t WHERE y = year ( curdate ( ) ) '), 'SELECT * FROM t WHERE y = 2020');
  assert.deepEqual(await verdicts([['SELECT 2020', 'SELECT YEAR(CURDATE())']]), [1]);
});

test('a gold result over the row cap is skipped and said so; a prediction over it does not match', async () => {
  assert.deepEqual(
    await verdicts(
      [
        ['SELECT Name FROM singer', 'SELECT Name FROM singer'],
        ['SELECT Name FROM singer LIMIT 2', 'SELECT Name FROM singer'],
        ['SELECT Name FROM singer LIMIT 2', 'SELECT Name FROM singer LIMIT 2'],
      ],
      { maxRows: 3 },
    ),
    ['skipped: gold result has more than 3 rows, the row cap: not compared', 0, 1],
  );
});

test('a runaway prediction is stopped at the timeout and counted wrong; the examples around it are still scored', async () => {
  const forever = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n';
  const examples: EvalExample[] = [0, 1, 2].map((i) => ({ index: i, dbId: 'concert_singer', dbPath: spiderDb('concert_singer'), question: `q${i}`, goldSql: 'SELECT count(*) FROM singer' }));
  const predictions = new Map([[0, 'SELECT count(*) FROM singer'], [1, forever], [2, 'SELECT 6']]);
  const started = performance.now();
  const report = await runEvaluation(examples, { kind: 'predictions', predictions }, { report: join(temp.dir, 'timeout.json'), settings: {}, workerScript: WORKER_SCRIPT, timeoutMs: 1000, workers: 1 });
  assert.deepEqual(report.examples.map((r) => r.execMatch), [1, 0, 1]);
  assert.match(report.examples[1]!.predError!, /timed out after 1000 ms/);
  assert.ok(performance.now() - started < 10_000, 'the batch, then the prediction alone, each stopped at the timeout');
});
