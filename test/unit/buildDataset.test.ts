import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { buildDataset } from '../../src/core/dataset/buildDataset';
import { templateOf } from '../../src/core/dataset/templateOf';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { CLI_SCRIPT, copyInto, makeTempDir, sha256, spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());
const db = copyInto(temp.dir, spiderDb('concert_singer'), 'concert_singer.sqlite');

function writeHistories(): string[] {
  const sql = join(temp.dir, 'team.sql');
  writeFileSync(
    sql,
    [
      '-- How many singers are there?',
      'SELECT count(*) FROM singer;',
      'select count(*)   from singer;', // duplicate template
      '-- Which singers are from France?',
      "SELECT Name FROM singer WHERE Country = 'France';",
      "SELECT Name FROM singer WHERE Country = 'Netherlands';", // same template, other literal
      'DELETE FROM singer;', // write: never run
      'DROP TABLE concert;',
      'SELECT nope FROM singer;', // fails on the database
      'SELEC broken;', // not SQL
      '-- Stadiums with a capacity over a limit',
      'SELECT Name, Capacity FROM stadium WHERE Capacity > 5000 ORDER BY Capacity DESC;',
      '-- How many concerts has each singer sung in?',
      'SELECT T1.Name, count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID GROUP BY T1.Name;',
    ].join('\n'),
  );
  const shell = join(temp.dir, '.sqlite_history');
  writeFileSync(shell, '.tables\n.schema singer\nSELECT Theme FROM concert\n  WHERE Year = 2014;\nUPDATE singer SET Age = 1;\n');
  const jsonl = join(temp.dir, 'log.jsonl');
  writeFileSync(
    jsonl,
    [
      JSON.stringify({ query: 'SELECT avg(Age), max(Age) FROM singer', question: 'What is the average and maximum age of singers?', timestamp: '2026-01-02' }),
      JSON.stringify({ sql: 'SELECT count(*) FROM concert WHERE Year = 2015', user: 'ana', question: 'How many concerts were there in 2015?' }),
      '{"query": "SELECT',
      JSON.stringify({ statement: 'INSERT INTO singer (Singer_ID) VALUES (100)' }),
    ].join('\n'),
  );
  const csv = join(temp.dir, 'stats.csv');
  writeFileSync(csv, 'calls,query\n40,"SELECT Location, Name FROM stadium WHERE Highest > 1000"\n7,"SELECT DISTINCT Country FROM singer"\n3,\n');
  return [sql, shell, jsonl, csv];
}

test('--grammar: a query that runs but that the decoding grammar cannot write is left out, so no model is trained on it', async () => {
  const history = join(temp.dir, 'grammar.sql');
  writeFileSync(
    history,
    [
      'SELECT Name FROM singer WHERE Age > 30;',
      'SELECT T1.Name FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.Singer_ID;',
      // Valid SQL the sql grammar cannot write: an output alias outside ORDER BY is no schema name (a documented limit).
      'SELECT Country, count(*) AS n FROM singer GROUP BY Country HAVING n > 1;',
    ].join('\n'),
  );
  const build = async (grammar: 'sql' | 'narrow' | 'off') => {
    const manifest = await buildDataset({ dbPath: db, histories: [history], out: join(temp.dir, `grammar-${grammar}`), questions: 'none', grammar, workerScript: WORKER_SCRIPT });
    assert.equal(manifest.settings.grammar, grammar);
    return [manifest.counts.kept, manifest.counts.dropped['grammar refuses']];
  };
  assert.deepEqual(await build('off'), [3, 0]);
  assert.deepEqual(await build('sql'), [2, 1]);
  assert.deepEqual(await build('narrow'), [1, 2], 'the narrow grammar has no aliases');
});

test('a history becomes train/test files: every statement accounted for, no write kept or run, results true', async () => {
  const histories = writeHistories();
  const before = sha256(db);
  const out = join(temp.dir, 'built');
  const manifest = await buildDataset({ dbPath: db, histories, out, questions: 'history', testFraction: 0.3, seed: 7, workerScript: WORKER_SCRIPT });
  assert.equal(sha256(db), before, 'the database file never changes');
  const dropped = Object.values(manifest.counts.dropped).reduce((a, b) => a + b, 0);
  assert.equal(manifest.counts.kept + dropped, manifest.counts.statements, 'every statement is kept or dropped with a reason');
  assert.deepEqual(manifest.counts.dropped, {
    unreadable: 2,
    'dot-command': 2,
    'write statement': 4,
    'parse error': 1,
    'grammar refuses': 0,
    'execution error': 1,
    timeout: 0,
    'empty result': 0,
    duplicate: 2,
    'not a user query': 0,
    'unfilled parameter': 0,
    // The shell history's and the CSV's queries came with no question: nothing to ask a model, nor to teach one.
    'no question': 3,
    'other database': 0,
  });
  assert.equal(manifest.counts.kept, 6);
  assert.deepEqual(manifest.counts.questions, { history: 6, model: 0, none: 0 });
  assert.ok(manifest.droppedBecause.includes('3 no question: queries with no question in the history: have the model write the missing questions to keep them'), manifest.droppedBecause.join('\n'));
  const train = readFileSync(join(out, 'train', 'quarry.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const test_ = readFileSync(join(out, 'test', 'quarry.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const all = [...train, ...test_];
  assert.equal(all.length, 6);
  assert.ok(all.every((e) => e.question.length > 0), 'every example has its question');
  for (const example of all) assert.doesNotMatch(example.sql, /^\s*(DELETE|DROP|UPDATE|INSERT)/i);
  const trainTemplates = new Set(train.map((e) => e.template));
  assert.ok(test_.every((e) => !trainTemplates.has(e.template)), 'no template in both splits');
  assert.ok(test_.length >= 2 && train.length >= 3);
  const counted = all.find((e) => templateOf(e.sql).id === templateOf('SELECT count(*) FROM singer').id)!;
  assert.equal(counted.frequency, 2);
  assert.equal(counted.question, 'How many singers are there?');
  assert.equal(all.find((e) => /Country = 'Netherlands'/.test(e.sql))?.frequency, 2, 'the most recent literal set is kept');
  // Each stored result is what running the query gives now.
  const check = await IsolatedDatabase.open(db, { workerScript: WORKER_SCRIPT });
  try {
    for (const example of all) assert.deepEqual((await check.query(example.sql)).rows, example.result.rows, example.sql);
  } finally {
    await check.dispose();
  }
  // The other formats, from the same prompt module.
  const chat = JSON.parse(readFileSync(join(out, 'train', 'chat.jsonl'), 'utf8').split('\n')[0]!);
  assert.deepEqual(chat.messages.map((m: { role: string }) => m.role), ['system', 'user', 'assistant']);
  const rft = JSON.parse(readFileSync(join(out, 'train', 'rft.jsonl'), 'utf8').split('\n')[0]!);
  assert.ok(Array.isArray(rft.ground_truth.rows));
  assert.ok(JSON.parse(readFileSync(join(out, 'test', 'spider.json'), 'utf8'))[0].db_id === 'concert_singer');
  assert.ok(readFileSync(join(out, 'train', 'prompt-completion.jsonl'), 'utf8').includes('"completion"'));
  assert.deepEqual(readdirSync(temp.dir).filter((n) => n.includes('.partial-')), [], 'no half-written folder left');

  // The built test split is a dataset quarry eval scores, and quarry reward scores one example.
  const predictions = join(temp.dir, 'preds.sql');
  writeFileSync(predictions, test_.map((e) => e.sql.replace(/\s+/g, ' ')).join('\n'));
  const evaluation = spawnSync(process.execPath, [CLI_SCRIPT, 'eval', '--dataset', join(out, 'test', 'quarry.jsonl'), '--predictions', predictions, '--report', join(temp.dir, 'r.json')], { encoding: 'utf8' });
  assert.equal(evaluation.status, 0, evaluation.stderr);
  assert.match(evaluation.stdout, new RegExp(`^execution accuracy  100\\.0%  \\(${test_.length} evaluated`));
  const rewarded = (sql: string, ...more: string[]) => spawnSync(process.execPath, [CLI_SCRIPT, 'reward', '--rft', join(out, 'train', 'rft.jsonl'), '--sql', sql, ...more], { encoding: 'utf8' });
  const reward = (sql: string, ...more: string[]) => rewarded(sql, ...more).stdout.trim();
  assert.equal(reward(rft.sql), '1 the rows match the ground truth');
  assert.match(reward('SELECT 1'), /^0 different rows/);
  assert.match(reward('SELECT nope FROM singer'), /^0 the SQL failed: no such column: nope/);
  // Scored by BIRD's rule, as `quarry eval --metric` scores: its harness refuses a second statement, Spider's runs the first.
  const twice = `${rft.sql.replace(/;\s*$/, '')}; SELECT 1`;
  assert.equal(reward(twice), '1 the rows match the ground truth');
  assert.equal(reward(rft.sql, '--metric', 'bird-ex'), '1 the rows match the ground truth');
  assert.equal(reward(twice, '--metric', 'bird-ex'), '0 the SQL failed: You can only execute one statement at a time.');
  const partial = join(temp.dir, 'partial-rft.jsonl');
  writeFileSync(partial, `${JSON.stringify({ db: rft.db, ground_truth: rft.ground_truth })}\n`);
  const noGold = spawnSync(process.execPath, [CLI_SCRIPT, 'reward', '--rft', partial, '--sql', rft.sql], { encoding: 'utf8' });
  assert.equal(noGold.status, 2);
  assert.match(noGold.stderr, /partial-rft\.jsonl:1 is not an rft example: it needs "db", "sql" and "ground_truth"/);
  const unknown = rewarded(rft.sql, '--metric', 'ves');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /--metric 'ves' is not a match metric; they are spider-exec, bird-ex, bird-ex-sorted, multiset/);
});

test('schema-only mode: no value from the database rows appears in any output file', async () => {
  const histories = writeHistories().map((file) => {
    // Literals that are not values of the database, so any real value in the output would be a leak.
    writeFileSync(file, readFileSync(file, 'utf8').replace(/France/g, 'Atlantis').replace(/Netherlands/g, 'Lemuria'));
    return file;
  });
  const out = join(temp.dir, 'private');
  const manifest = await buildDataset({ dbPath: db, histories, out, questions: 'history', schemaOnly: true, workerScript: WORKER_SCRIPT });
  assert.ok(manifest.counts.kept >= 5, `${manifest.counts.kept} kept`);
  const built = ['train', 'test'].flatMap((split) =>
    readFileSync(join(out, split, 'quarry.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)),
  );
  const empty = built.filter((e) => e.result.rows.length === 0).length;
  assert.ok(empty <= 1, `${empty} of ${built.length} queries find no rows on the synthetic database`);
  const source = new BetterSqlite3(db, { readonly: true });
  const realValues = new Set<string>();
  for (const table of ['singer', 'stadium', 'concert', 'singer_in_concert']) {
    for (const row of source.prepare(`SELECT * FROM ${table}`).raw().all() as unknown[][]) {
      for (const value of row) if (typeof value === 'string' && value.length >= 4 && !/^\d+$/.test(value)) realValues.add(value);
    }
  }
  source.close();
  assert.ok(realValues.size > 20);
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
  for (const file of files(out)) {
    const text = readFileSync(file).toString('latin1');
    for (const value of realValues) assert.ok(!text.includes(value), `${value} leaked into ${file}`);
  }
});

test('quarry dataset build streams a 100 MB history and accounts for every statement', () => {
  const history = join(temp.dir, 'huge.sql');
  const block = [
    "SELECT Name FROM singer WHERE Country = 'France';",
    'SELECT count(*) FROM concert WHERE Year = 2014;',
    'DELETE FROM singer WHERE Age > 40;',
    'SELECT Name, Capacity FROM stadium ORDER BY Capacity DESC;',
  ].join('\n') + '\n';
  const repeats = Math.ceil((100 * 1024 * 1024) / block.length);
  const fd = openSync(history, 'w');
  const chunk = block.repeat(10_000);
  for (let written = 0; written < repeats; written += 10_000) writeSync(fd, chunk);
  closeSync(fd);
  const statements = Math.ceil(repeats / 10_000) * 10_000 * 4;
  const before = sha256(db);
  const run = spawnSync(process.execPath, [CLI_SCRIPT, 'dataset', 'build', '--db', db, '--history', history, '--out', join(temp.dir, 'huge-out'), '--questions', 'none'], {
    encoding: 'utf8',
    timeout: 300_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.equal(sha256(db), before);
  const manifest = JSON.parse(readFileSync(join(temp.dir, 'huge-out', 'manifest.json'), 'utf8'));
  assert.equal(manifest.counts.statements, statements);
  assert.equal(manifest.counts.kept, 3);
  assert.equal(manifest.counts.dropped['write statement'], statements / 4);
  assert.equal(manifest.counts.dropped.duplicate, statements - 3 - statements / 4);
  assert.match(run.stdout, new RegExp(`^statements read   ${statements}\\n`));
  assert.match(run.stdout, new RegExp(`\\ndropped ${statements / 4} write statement: statements that change data`));
});
