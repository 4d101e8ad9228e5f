import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { buildDataset } from '../../src/core/dataset/buildDataset';
import { detectHistoryKind } from '../../src/core/dataset/readHistory';
import { isQueryHistoryFile, QueryHistory } from '../../src/core/history/QueryHistory';
import { copyInto, makeTempDir, spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());
const db = copyInto(temp.dir, spiderDb('concert_singer'), 'concert_singer.sqlite');

test('the history keeps each Ask and Run (a row count, never a row), finds them by words and connection, and takes feedback', () => {
  const path = join(temp.dir, 'history-1.sqlite');
  const history = QueryHistory.open(path, { maxEntries: 100 });
  try {
    const asked = history.record({ kind: 'ask', connection: db, question: 'How many singers?', sql: 'SELECT count(*) FROM singer', ms: 3.5, rows: 1, error: null });
    history.record({ kind: 'run', connection: db, question: null, sql: 'SELECT Name FROM singer', ms: 1, rows: 6, error: null });
    history.record({ kind: 'run', connection: 'postgresql://ana:secret@db.example/sales', question: null, sql: 'SELECT 1', ms: 1, rows: 1, error: null });
    assert.deepEqual(history.list().map((e) => e.sql), ['SELECT 1', 'SELECT Name FROM singer', 'SELECT count(*) FROM singer'], 'newest first');
    assert.deepEqual(history.list({ search: 'SINGERS how' }).map((e) => e.id), [asked], 'every word, in any case, in the question or the SQL');
    assert.deepEqual(history.list({ connection: db }).length, 2);
    assert.deepEqual(history.connections(), ['postgresql://ana@db.example/sales', db], 'a server by its URL without the password');
    assert.ok(!readFileSync(path).toString('latin1').includes('secret'));

    history.setFeedback(asked, { correctedSql: 'SELECT count(*) FROM singer WHERE Age > 0' });
    assert.deepEqual(history.vouchedPairs(db), [{ question: 'How many singers?', sql: 'SELECT count(*) FROM singer WHERE Age > 0', db }], 'a correction counts as right');
    history.setFeedback(asked, { verdict: 'wrong', correctedSql: null });
    assert.deepEqual(history.vouchedPairs(), []);
    history.remove(asked);
    assert.equal(history.get(asked), undefined);
  } finally {
    history.dispose();
  }
  assert.ok(isQueryHistoryFile(path));
  assert.equal(detectHistoryKind(path), 'quarry-history');
  assert.ok(!isQueryHistoryFile(db), 'another SQLite file is not a history');
  assert.throws(() => QueryHistory.open(db, { maxEntries: 10 }), /is not a Quarry query history/);
});

test('in schema-only mode only the question and the SQL are kept; past its bound the oldest unmarked entries go first', () => {
  const history = QueryHistory.open(join(temp.dir, 'history-2.sqlite'), { maxEntries: 3 });
  try {
    const kept = history.record({ kind: 'ask', connection: db, question: 'Names?', sql: 'SELECT Name FROM singer', ms: 2, rows: 6, error: null });
    history.setFeedback(kept, { verdict: 'right' });
    const bare = history.record({ kind: 'run', connection: db, question: null, sql: "SELECT * FROM singer WHERE Name = 'x'", ms: 2, rows: 0, error: "no such column: 'Joe Sharp'" }, { schemaOnly: true });
    assert.deepEqual([history.get(bare)!.ms, history.get(bare)!.rows, history.get(bare)!.error], [null, null, null]);
    for (let i = 0; i < 4; i++) history.record({ kind: 'run', connection: db, question: null, sql: `SELECT ${i}`, ms: 1, rows: 1, error: null });
    assert.equal(history.count(), 3);
    assert.deepEqual(history.list().map((e) => e.sql), ['SELECT 3', 'SELECT 2', 'SELECT Name FROM singer'], 'the entry marked right outlives newer unmarked ones');
  } finally {
    history.dispose();
  }
});

test('quarry dataset build takes Quarry\'s own history: corrections as written, wrong answers and failures left out, other databases\' entries counted apart', async () => {
  const path = join(temp.dir, 'history-3.sqlite');
  const history = QueryHistory.open(path, { maxEntries: 100 });
  const right = history.record({ kind: 'ask', connection: db, question: 'How many singers are there?', sql: 'SELECT count(*) FROM singer', ms: 1, rows: 1, error: null });
  history.setFeedback(right, { verdict: 'right' });
  const corrected = history.record({ kind: 'ask', connection: db, question: 'singers from france', sql: "SELECT Name FROM singer WHERE Country = 'france'", ms: 1, rows: 0, error: null });
  history.setFeedback(corrected, { correctedSql: "SELECT Name FROM singer WHERE Country = 'France'", correctedQuestion: 'Which singers are from France?' });
  const wrong = history.record({ kind: 'ask', connection: db, question: 'Oldest singer?', sql: 'SELECT Name FROM singer ORDER BY Age LIMIT 1', ms: 1, rows: 1, error: null });
  history.setFeedback(wrong, { verdict: 'wrong' });
  history.record({ kind: 'ask', connection: db, question: 'Broken?', sql: 'SELECT nope FROM singer', ms: 1, rows: null, error: 'no such column: nope' });
  history.record({ kind: 'ask', connection: join(temp.dir, 'other.sqlite'), question: 'Elsewhere?', sql: 'SELECT 1', ms: 1, rows: 1, error: null });
  history.record({ kind: 'run', connection: db, question: null, sql: 'SELECT Theme FROM concert', ms: 1, rows: 6, error: null });
  // The editor still has it open while the CLI reads it.
  const out = join(temp.dir, 'from-history');
  const manifest = await buildDataset({ dbPath: db, histories: [path], out, questions: 'history', testFraction: 0, workerScript: WORKER_SCRIPT });
  history.dispose();
  assert.equal(manifest.counts.statements, 4, 'the failed and the wrong-and-uncorrected entries are not statements of the history');
  assert.equal(manifest.counts.dropped['other database'], 1);
  assert.equal(manifest.counts.dropped['no question'], 1, 'a Run has no question');
  const examples = readFileSync(join(out, 'train', 'quarry.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { question: string; sql: string });
  assert.deepEqual(
    examples.map((e) => [e.question, e.sql]).sort(),
    [
      ['How many singers are there?', 'SELECT count(*) FROM singer'],
      ['Which singers are from France?', "SELECT Name FROM singer WHERE Country = 'France'"],
    ],
  );
  // The file is what the extension keeps: the CLI finds it by its content, whatever its name.
  const renamed = join(temp.dir, 'history-copy.db');
  writeFileSync(renamed, readFileSync(path));
  assert.equal(detectHistoryKind(renamed), 'quarry-history');
  const raw = new BetterSqlite3(renamed, { readonly: true });
  assert.equal(raw.pragma('application_id', { simple: true }), 0x51525948);
  raw.close();
});
