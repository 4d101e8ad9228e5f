import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { copyInto, makeTempDir, sha256, SPIDER_DIR, spiderDb } from '../helpers/fixtures';
import { quarry, quarryInBackground } from '../helpers/runCli';

const temp = makeTempDir();
after(() => temp.dispose());

/** Every file under `dir` with its hash: what must still be there, byte for byte, after a refused run. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(at, entry.name), `${prefix}${entry.name}/`);
      else files[`${prefix}${entry.name}`] = sha256(join(at, entry.name));
    }
  };
  walk(dir, '');
  return files;
}

function project(name: string): { dir: string; db: string; history: string } {
  const dir = join(temp.dir, name);
  mkdirSync(dir);
  const db = copyInto(dir, spiderDb('concert_singer'), 'music.sqlite');
  writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
  const history = join(dir, 'queries.sql');
  writeFileSync(history, 'SELECT count(*) FROM singer;\nSELECT Name FROM stadium WHERE Capacity > 5000;\n');
  return { dir, db, history };
}

const build = (db: string, history: string, out: string, ...more: string[]) => quarry(['dataset', 'build', '--db', db, '--history', history, '--out', out, ...more]);

test('dataset build refuses --out at the database, at the folder holding it, and at a folder of other files, and every byte stays', () => {
  const { dir, db, history } = project('proj');
  const before = snapshot(dir);
  for (const [out, reason] of [
    [db, /is .*music\.sqlite, which this run reads/],
    [dir, /contains .*music\.sqlite, which this run reads/],
    [join(dir, 'queries.sql'), /which this run reads/],
  ] as const) {
    const run = build(db, history, out);
    assert.equal(run.code, 2, `${out}: ${run.stderr}`);
    assert.match(run.stderr, reason);
    assert.deepEqual(snapshot(dir), before, `${out}: nothing under the project changed`);
  }
  const others = join(temp.dir, 'others');
  mkdirSync(others);
  writeFileSync(join(others, 'report.docx'), 'precious');
  const run = build(db, history, others);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /a folder with files Quarry did not write/);
  assert.equal(readFileSync(join(others, 'report.docx'), 'utf8'), 'precious');
  const file = join(temp.dir, 'single.txt');
  writeFileSync(file, 'x');
  assert.equal(build(db, history, file).code, 2);
  assert.equal(readFileSync(file, 'utf8'), 'x');
});

test('dataset build writes into a new or empty folder, replaces its own earlier output only with --replace, and refuses it once a user file is added', () => {
  const { db, history } = project('proj2');
  const empty = join(temp.dir, 'empty');
  mkdirSync(empty);
  assert.equal(build(db, history, empty).code, 0);
  assert.ok(existsSync(join(empty, 'manifest.json')));
  const first = readFileSync(join(empty, 'manifest.json'), 'utf8');
  const unasked = build(db, history, empty);
  assert.equal(unasked.code, 2, unasked.stderr);
  assert.match(unasked.stderr, /holds an earlier dataset; replace it on purpose \(--replace\), or give a new folder/);
  assert.equal(readFileSync(join(empty, 'manifest.json'), 'utf8'), first, 'the earlier dataset is untouched');
  const again = build(db, history, empty, '--replace');
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(readdirSync(temp.dir).filter((name) => /partial|old|\.lock/.test(name)), [], 'no work folder or lock is left behind');
  writeFileSync(join(empty, 'train', 'mine.txt'), 'mine');
  const refused = build(db, history, empty, '--replace');
  assert.equal(refused.code, 2);
  assert.equal(readFileSync(join(empty, 'train', 'mine.txt'), 'utf8'), 'mine');
  const fresh = join(temp.dir, 'fresh');
  assert.equal(build(db, history, fresh).code, 0);
});

test('an output folder that cannot be written fails at once, naming the cause', () => {
  const { db, history } = project('proj3');
  for (const [out, message] of [
    ['/proc/quarry-out', /does not accept new files|no permission/],
    ['/sys/quarry-out', /no permission to write in \/sys/],
    [join(temp.dir, 'missing', 'out'), /the folder .*missing does not exist; create it first/],
  ] as const) {
    const run = quarry(['dataset', 'build', '--db', db, '--history', history, '--out', out], { timeoutMs: 20_000 });
    assert.equal(run.code, 2, `${out}: ${run.stderr}`);
    assert.match(run.stderr, message);
    assert.ok(run.ms < 10_000, `${out} took ${run.ms} ms`);
  }
});

/** Spider dev with its gold queries as predictions, or a part of it. */
function goldPredictions(name: string, count?: number): string {
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { query: string }[];
  const path = join(temp.dir, name);
  writeFileSync(path, dev.slice(0, count).map((e) => e.query.replace(/\s+/g, ' ')).join('\n') + '\n');
  return path;
}

test('eval refuses a report path that is an input or a file Quarry did not write', () => {
  const predictions = goldPredictions('gold-20.sql', 20);
  const notes = join(temp.dir, 'notes.json');
  writeFileSync(notes, '{"mine": true}\n');
  for (const [report, message] of [
    [predictions, /which this run reads/],
    [spiderDb('concert_singer'), /which this run reads/],
    [notes, /exists and was not written by Quarry/],
  ] as const) {
    const before = sha256(report);
    const run = quarry(['eval', '--spider', SPIDER_DIR, '--limit', '20', '--predictions', predictions, '--report', report]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
    assert.equal(sha256(report), before);
  }
});

test('two evaluations on one report: the second refuses while the first runs, and the first finishes right', async () => {
  const predictions = goldPredictions('gold-all.sql');
  const report = join(temp.dir, 'shared-report.json');
  const args = ['eval', '--spider', SPIDER_DIR, '--predictions', predictions, '--report', report];
  const first = quarryInBackground(args);
  let firstEnded = false;
  void first.then(() => (firstEnded = true));
  while (!existsSync(`${report}.lock`)) {
    assert.ok(!firstEnded, 'the first run holds a lock on its report while it runs');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const second = quarry(args);
  assert.equal(second.code, 2, second.stderr);
  assert.match(second.stderr, /being written by another Quarry run \(pid \d+/);
  const done = await first;
  assert.equal(done.code, 0, done.stderr);
  assert.match(done.stdout, /execution accuracy +100\.0% +\(972 evaluated, 62 skipped, 1034 total\)/);
  assert.equal(existsSync(`${report}.lock`), false, 'the lock goes with the run');
});

test('--resume refuses when the predictions changed in place or a setting differs, and resumes when nothing did', () => {
  const predictions = goldPredictions('gold-30.sql', 30);
  const report = join(temp.dir, 'resume.json');
  const args = ['eval', '--spider', SPIDER_DIR, '--limit', '30', '--predictions', predictions, '--report', report];
  assert.equal(quarry(args).code, 0);
  const original = readFileSync(predictions, 'utf8');
  writeFileSync(predictions, original.replace(/^SELECT count\(\*\) FROM singer$/m, 'SELECT 1'));
  assert.notEqual(readFileSync(predictions, 'utf8'), original, 'the edit changed a line');
  const edited = quarry([...args, '--resume']);
  assert.equal(edited.code, 2, edited.stderr);
  assert.match(edited.stderr, /cannot resume from .*: .*gold-30\.sql changed since/);
  writeFileSync(predictions, original);
  const timeout = quarry([...args, '--resume', '--timeout-ms', '5000']);
  assert.equal(timeout.code, 2);
  assert.match(timeout.stderr, /setting timeoutMs was 60000 and is now 5000/);
  const resumed = quarry([...args, '--resume']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stdout, /100\.0%/);
});

test('predictions out of step with the dataset are refused: a line too few or too many, duplicate or unknown indexes', () => {
  const short = goldPredictions('gold-19.sql', 19);
  const tooFew = quarry(['eval', '--spider', SPIDER_DIR, '--limit', '20', '--predictions', short, '--report', join(temp.dir, 'r1.json')]);
  assert.equal(tooFew.code, 2);
  assert.match(tooFew.stderr, /gold-19\.sql has 19 lines but the dataset has 1034 examples/);
  const long = join(temp.dir, 'long.sql');
  writeFileSync(long, `${readFileSync(goldPredictions('gold-all2.sql'), 'utf8')}SELECT 1\n`);
  assert.equal(quarry(['eval', '--spider', SPIDER_DIR, '--predictions', long, '--report', join(temp.dir, 'r2.json')]).code, 2);
  const jsonl = join(temp.dir, 'preds.jsonl');
  for (const [lines, message] of [
    [[{ index: 0, sql: 'SELECT 1' }, { index: 0, sql: 'SELECT 2' }], /preds\.jsonl:2: a second prediction for index 0/],
    [[{ index: 0, sql: 'SELECT 1' }, { index: 5000, sql: 'SELECT 2' }], /preds\.jsonl:2: index 5000 is outside the dataset \(0 to 1033\)/],
    [[{ index: 1, sql: 'SELECT 1' }], /no prediction for 1 of the 2 examples \(first: index 0\)/],
  ] as const) {
    writeFileSync(jsonl, lines.map((l) => JSON.stringify(l)).join('\n'));
    const run = quarry(['eval', '--spider', SPIDER_DIR, '--limit', '2', '--predictions', jsonl, '--report', join(temp.dir, 'r3.json')]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, message);
  }
});

test("a .lock file that is not Quarry's own is never deleted: the run refuses and names it", () => {
  const { dir, dispose } = makeTempDir();
  try {
    const report = join(dir, 'report.json');
    for (const content of ['my notes, not a lock', '{"pid": "nope"}', '']) {
      writeFileSync(`${report}.lock`, content);
      // Old enough that an empty lock is no run starting up.
      utimesSync(`${report}.lock`, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      writeFileSync(join(dir, 'p.sql'), 'SELECT 1\n');
      const run = quarry(['eval', '--spider', SPIDER_DIR, '--predictions', join(dir, 'p.sql'), '--report', report, '--limit', '1']);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /report\.json\.lock exists and is not a lock Quarry wrote/);
      assert.equal(readFileSync(`${report}.lock`, 'utf8'), content, 'the file was changed');
    }
  } finally {
    dispose();
  }
});
