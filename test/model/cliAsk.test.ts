import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CLI_SCRIPT, makeTempDir, PROJECT_ROOT, spiderDb } from '../helpers/fixtures';
import { freePort } from '../helpers/freePort';
import { TINY_MODEL } from '../helpers/tinyModel';

const temp = makeTempDir();
after(() => temp.dispose());

function quarry(...args: string[]) {
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, ms: performance.now() - started };
}

const db = spiderDb('concert_singer');

test('ask --json writes SQL that runs, with its attempts and the device', () => {
  for (const question of ['How many singers do we have?', 'What is the average age of singers from France?']) {
    const run = quarry('ask', '--db', db, '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--json', question);
    assert.equal(run.code, 0, run.stderr);
    const answer = JSON.parse(run.stdout);
    assert.equal(answer.valid, true);
    assert.match(answer.sql, /^SELECT /);
    assert.equal(answer.attempts.length, 1);
    assert.deepEqual(Object.keys(answer.attempts[0]).sort(), ['ms', 'sql']);
    assert.equal(answer.device, 'cpu');
    assert.equal(answer.promptFormat, 'quarry', "the tiny model's file names no known family");
  }
});

test('ask --samples 3 writes three answers, runs each, and keeps one of the result most of them agree on', () => {
  const run = quarry('ask', '--db', db, '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--samples', '3', '--json', 'How many singers do we have?');
  assert.equal(run.code, 0, run.stderr);
  const answer = JSON.parse(run.stdout) as { sql: string; valid: boolean; attempts: { sql: string }[]; votes: { sql: string; count: number }[] };
  assert.equal(answer.valid, true);
  assert.equal(answer.attempts.length, 3);
  // Under the narrow grammar every answer runs, so the votes cover all three.
  assert.equal(answer.votes.reduce((sum, vote) => sum + vote.count, 0), 3);
  assert.equal(answer.sql, answer.votes[0]!.sql);
  assert.ok(answer.votes.every((vote, i) => i === 0 || vote.count <= answer.votes[0]!.count));
});

test('ask --run prints the SQL and its rows', () => {
  const run = quarry('ask', '--db', db, '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--run', 'List the stadiums');
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^SELECT .*\n[\s\S]*\(\d+ rows?(, truncated at the row cap)?\)\n$/);
});

test('a bad model or database is a one-line error with exit code 2, within seconds', async () => {
  const notGguf = join(temp.dir, 'notes.gguf');
  writeFileSync(notGguf, 'not a model');
  const truncated = join(temp.dir, 'truncated.gguf');
  writeFileSync(truncated, readFileSync(TINY_MODEL).subarray(0, 1_000_000));
  const cutHeader = join(temp.dir, 'cut-header.gguf');
  writeFileSync(cutHeader, readFileSync(TINY_MODEL).subarray(0, 300_000));
  const port = await freePort();
  const cases: [string[], RegExp][] = [
    [['--db', db, '--model', join(temp.dir, 'missing.gguf')], /model file not found: .*missing\.gguf/],
    [['--db', db, '--model', notGguf], /is not a GGUF file/],
    [['--db', db, '--model', truncated], /model failed to load: .*truncated\.gguf: /],
    [['--db', db, '--model', cutHeader], /cut-header\.gguf (ends inside its header \(truncated\?\)|claims \d+ .* more than its remaining \d+ bytes can hold)/],
    [['--db', db, '--model', `http://127.0.0.1:${port}/m.gguf`, '--models-dir', temp.dir], /download failed .*ECONNREFUSED/],
    [['--db', join(temp.dir, 'missing.sqlite'), '--model', TINY_MODEL], /database file not found/],
  ];
  for (const [args, message] of cases) {
    const run = quarry('ask', ...args, 'How many singers?');
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.ok(run.ms < 15_000, `${args.join(' ')} took ${Math.round(run.ms)} ms`);
  }
});

test('the README\'s first command: the demo script runs to the end on the bundled example', () => {
  // As on a fresh machine: no model of one's own, so the demo asks the sample model that comes with Quarry.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== 'QUARRY_MODEL'));
  const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'demo.mjs')], { cwd: PROJECT_ROOT, encoding: 'utf8', env, timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr.slice(-2000));
  assert.match(run.stdout, /CREATE TABLE/);
  assert.match(run.stdout, /quarry ask --db \S+shop\.sqlite --run --max-rows 5 "Which customer placed the most orders\?"/);
  assert.match(run.stderr, /using the sample model/);
  // The demo checks each answer against its reference query's rows itself.
  assert.match(run.stdout, /\n3 of 3 right\.\n$/);
});

test('quarry complete: the editor\'s completer from the CLI, one JSON line per prefix, with the time and whether the database accepts the result', () => {
  const prefixes = join(temp.dir, 'prefixes.txt');
  writeFileSync(prefixes, '-- how many singers are there?\\n\nSELECT Name FROM singer WHERE \nSELECT count(*) FROM \n');
  const run = quarry('complete', '--db', db, '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--prefixes', prefixes, '--check', '--json');
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { prefix: string; completion: string; ms: number; valid?: boolean; skipped?: string });
  assert.deepEqual(lines.map((l) => l.prefix), ['-- how many singers are there?\n', 'SELECT Name FROM singer WHERE ', 'SELECT count(*) FROM ']);
  assert.match(lines[0]!.completion, /^SELECT /, 'a whole query under the comment');
  for (const line of lines) {
    assert.ok(line.completion.length > 0, `${JSON.stringify(line)}`);
    assert.equal(line.valid, true, `${line.prefix}${line.completion}`);
    assert.ok(Number.isInteger(line.ms) && line.ms >= 0);
  }
  const bad = quarry('complete', '--db', db, '--model', TINY_MODEL, '--prefix', 'x', '--prefixes', prefixes);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /give either --prefix <text> or --prefixes <file>/);
});
