import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { CLI_SCRIPT, copyInto, makeTempDir, sha256, SPIDER_DIR, spiderDb } from '../helpers/fixtures';

const temp = makeTempDir();
const openflights = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(openflights));
after(() => temp.dispose());

function quarry(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

test('schema prints DDL for a Spider database', () => {
  const { code, stdout, stderr } = quarry('schema', '--db', spiderDb('concert_singer'));
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^CREATE TABLE stadium \(/);
  assert.match(stdout, /FOREIGN KEY \(Singer_ID\) REFERENCES singer \(Singer_ID\)/);
});

test('schema --json prints the documented shape for SQLite and DuckDB', () => {
  const sqlite = JSON.parse(quarry('schema', '--db', spiderDb('concert_singer'), '--json').stdout);
  assert.equal(sqlite.dialect, 'sqlite');
  const concert = sqlite.tables.find((t: { name: string }) => t.name === 'concert');
  assert.deepEqual(concert.columns[0], { name: 'concert_ID', type: 'INT', primaryKey: true });
  assert.deepEqual(concert.foreignKeys, [{ columns: ['Stadium_ID'], refTable: 'stadium', refColumns: ['Stadium_ID'] }]);
  assert.equal(concert.rowCount, 6);

  const duck = JSON.parse(quarry('schema', '--db', openflights, '--json').stdout);
  assert.equal(duck.dialect, 'duckdb');
  const routes = duck.tables.find((t: { name: string }) => t.name === 'routes');
  assert.deepEqual(routes.foreignKeys[0], { columns: ['airline_id'], refTable: 'airlines', refColumns: ['airline_id'] });
  assert.deepEqual(Object.keys(routes).sort(), ['columns', 'foreignKeys', 'kind', 'name', 'rowCount']);
  assert.deepEqual(Object.keys(routes.columns[0]).sort(), ['name', 'primaryKey', 'type']);
});

test('schema --schema-only prints no example values', () => {
  const { stdout } = quarry('schema', '--db', openflights, '--schema-only');
  assert.doesNotMatch(stdout, /e\.g\./);
});

test('sql prints a table, or JSON with exact big integers', () => {
  const table = quarry('sql', '--db', spiderDb('concert_singer'), 'SELECT Name, Age FROM singer ORDER BY Age DESC LIMIT 2');
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^Name +\| Age\n/);
  assert.match(table.stdout, /Joe Sharp +\| +52\n/);
  assert.match(table.stdout, /\(2 rows\)\n$/);

  const json = quarry('sql', '--db', openflights, '--json', '--max-rows', '2', 'SELECT 9007199254740993::BIGINT AS big FROM range(3)');
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout.trim(), '{"columns":["big"],"rows":[[9007199254740993],[9007199254740993]],"truncated":true}');
});

test('exit codes: 1 for SQL errors and timeouts, 2 for refused statements and bad input', () => {
  const copy = copyInto(temp.dir, spiderDb('concert_singer'), 'cli.sqlite');
  const before = sha256(copy);
  const cases: [string[], number, RegExp][] = [
    [['sql', '--db', copy, 'SELECT nope FROM singer'], 1, /^quarry: no such column: nope\n$/],
    [['sql', '--db', copy, '--timeout-ms', '300', 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r'], 1, /timed out after 300 ms/],
    [['sql', '--db', copy, 'DELETE FROM singer'], 2, /^quarry: refused: DELETE statements are not allowed on this connection\n$/],
    [['sql', '--db', copy, 'SELECT 1; DROP TABLE singer'], 2, /refused: multiple statements/],
    [['sql', '--db', join(temp.dir, 'missing.sqlite'), 'SELECT 1'], 2, /database file not found: .*missing\.sqlite/],
    [['sql', '--db', CLI_SCRIPT, 'SELECT 1'], 2, /is not a SQLite or DuckDB database/],
    [['sql', 'SELECT 1'], 2, /--db <file\|url> is required/],
    [['sql', '--db', copy], 2, /give exactly one SQL statement/],
    [['sql', '--db', copy, '--max-rows', 'lots', 'SELECT 1'], 2, /--max-rows must be a whole number/],
    [['sql', '--db', copy, '--bogus', 'SELECT 1'], 2, /Unknown option '--bogus'/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
  ];
  for (const [args, code, stderr] of cases) {
    const run = quarry(...args);
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, 'errors are one line');
  }
  assert.equal(sha256(copy), before);
});

test('eval --compare: both runs\' accuracy and crashing queries, and each question that flipped; runs over other questions are refused', () => {
  const gold = readFileSync(join(SPIDER_DIR, 'dev_gold.sql'), 'utf8').split('\n').slice(0, 10).map((l: string) => l.split('\t')[0]!);
  const questions = (JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { question: string }[]).map((e) => e.question);
  const WRONG = 'SELECT 1';
  const CRASH = 'SELECT no_such_column FROM singer';
  // Before: 7 of 10 right, #6 and #8 wrong, #7 crashes. After: 9 right, #5 crashes.
  const runs = {
    before: gold.map((sql, i) => (i === 6 || i === 8 ? WRONG : i === 7 ? CRASH : sql)),
    after: gold.map((sql, i) => (i === 5 ? CRASH : sql)),
  };
  for (const [name, lines] of Object.entries(runs)) writeFileSync(join(temp.dir, `${name}.sql`), lines.join('\n'));
  const eval10 = (name: string, ...more: string[]) => quarry('eval', '--spider', SPIDER_DIR, '--limit', '10', '--predictions', join(temp.dir, `${name}.sql`), '--report', join(temp.dir, `${name}.json`), ...more);
  const first = eval10('before');
  assert.equal(first.code, 0, first.stderr);
  const run = eval10('after', '--compare', join(temp.dir, 'before.json'));
  assert.equal(run.code, 0, run.stderr);
  const compared = run.stdout.slice(run.stdout.indexOf('compared with before.json:'));
  assert.match(compared, /execution accuracy +70\.0% \(7 of 10\) +90\.0% \(9 of 10\) +\+20\.0 points/);
  assert.match(compared, /crashing queries +1 \(10\.0%\) +1 \(10\.0%\) +\+0/);
  assert.match(compared, /flipped: 3 gained, 1 lost/);
  const flips = compared.split('\n').filter((line) => /^ {2}[+-] #/.test(line));
  assert.deepEqual(flips, [`  + #6 ${questions[6]}`, `  + #7 ${questions[7]}`, `  + #8 ${questions[8]}`, `  - #5 ${questions[5]}`]);

  writeFileSync(join(temp.dir, 'five.sql'), gold.slice(0, 5).join('\n'));
  assert.equal(quarry('eval', '--spider', SPIDER_DIR, '--limit', '5', '--predictions', join(temp.dir, 'five.sql'), '--report', join(temp.dir, 'five.json')).code, 0);
  const cases: [string[], RegExp][] = [
    [['--compare', join(temp.dir, 'five.json')], /five\.json and after\.json are runs over different questions \(5 and 10 examples\)/],
    [['--compare', join(temp.dir, 'after.sql')], /after\.sql is not a Quarry evaluation report: not valid JSON/],
    [['--compare', join(temp.dir, 'missing.json')], /the evaluation report not found: .*missing\.json/],
    [['--compare', join(temp.dir, 'after.json')], /--compare names the report this run writes/],
  ];
  for (const [more, message] of cases) {
    const failed = eval10('after', ...more);
    assert.equal(failed.code, 2, `${more.join(' ')}: ${failed.stderr}`);
    assert.match(failed.stderr, message);
  }
});

test('--help works on every command', () => {
  for (const args of [['--help'], ['schema', '--help'], ['sql', '--help'], ['help', 'sql']]) {
    const run = quarry(...args);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: quarry/);
  }
});

test('eval scores predictions, writes the report, and says what went wrong on bad input', () => {
  const predictions = join(temp.dir, 'preds.sql');
  const goldLines = readFileSync(join(SPIDER_DIR, 'dev_gold.sql'), 'utf8').split('\n').slice(0, 40);
  writeFileSync(predictions, goldLines.map((l: string) => l.split('\t')[0]).join('\n'));
  const report = join(temp.dir, 'report.json');
  const run = quarry('eval', '--spider', SPIDER_DIR, '--predictions', predictions, '--limit', '40', '--report', report);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^execution accuracy {2}100\.0% {2}\(40 evaluated, 0 skipped, 40 total\)/);
  const saved = JSON.parse(readFileSync(report, 'utf8'));
  assert.deepEqual(Object.keys(saved.summary).slice(0, 4), ['total', 'evaluated', 'skipped', 'execAccuracy']);
  assert.deepEqual(Object.keys(saved.examples[0]).slice(0, 2), ['index', 'db_id']);

  const broken = join(temp.dir, 'broken.jsonl');
  writeFileSync(broken, '{"index": 0, "sql": "SELECT 1"}\n{oops\n');
  const cases: [string[], RegExp][] = [
    [['eval', '--spider', SPIDER_DIR, '--predictions', broken], /broken\.jsonl:2: not valid JSON/],
    [['eval', '--spider', SPIDER_DIR, '--predictions', join(temp.dir, 'none.sql')], /file not found: .*none\.sql/],
    [['eval', '--spider', SPIDER_DIR, '--predictions', predictions, '--model', join(temp.dir, 'model.gguf')], /either --predictions <file> or --model/],
    [['eval', '--predictions', predictions], /give one of --spider <dir>, --bird <dir> or --dataset/],
    [['eval', '--dataset', join(temp.dir, 'none.jsonl'), '--predictions', predictions], /file not found: .*none\.jsonl/],
  ];
  for (const [args, message] of cases) {
    const failed = quarry(...args);
    assert.equal(failed.code, 2, `${args.join(' ')}: ${failed.stderr}`);
    assert.match(failed.stderr, message);
  }
});
