import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { detectHistoryKind, readHistory, type HistoryStatement } from '../../src/core/dataset/readHistory';
import { templateOf } from '../../src/core/dataset/templateOf';
import { makeTempDir } from '../helpers/fixtures';

const temp = makeTempDir();
after(() => temp.dispose());

async function readAll(name: string, text: string): Promise<HistoryStatement[]> {
  const path = join(temp.dir, name);
  writeFileSync(path, text);
  const out: HistoryStatement[] = [];
  for await (const statement of readHistory(path)) out.push(statement);
  return out;
}

test('templates ignore whitespace, keyword case, comments, literals and placeholders', () => {
  const a = templateOf("select name from singer where age > 30 and country = 'France' -- note");
  const b = templateOf("SELECT  name\nFROM singer WHERE age > 45 AND country = 'Spain';");
  const c = templateOf('SELECT name FROM singer WHERE age > $1 AND country = :country');
  const d = templateOf('SELECT name FROM singer WHERE age > ? AND country = ?');
  assert.equal(a.id, b.id);
  assert.equal(b.id, c.id);
  assert.equal(c.id, d.id);
  assert.deepEqual(b.literals, ['45', "'Spain'"]);
  assert.notEqual(templateOf('SELECT name FROM singer WHERE age < 30').id, a.id);
  assert.notEqual(templateOf('SELECT x::int FROM t').id, templateOf('SELECT x FROM t').id, 'a cast is not a placeholder');
});

test('.sql files split on ; outside strings and comments, with the comment above as a hint', async () => {
  const statements = await readAll(
    'queries.sql',
    "-- How many singers are there?\nSELECT count(*) FROM singer;\n\nSELECT 'a;b' AS s; SELECT 2\n;\n/* block; comment */ SELECT 3;\nSELECT 'multi\nline;' FROM t;\nSELECT 4",
  );
  assert.deepEqual(
    statements.map((s) => [s.sql, s.question ?? null, s.line]),
    [
      ['SELECT count(*) FROM singer', 'How many singers are there?', 2],
      ["SELECT 'a;b' AS s", null, 4],
      ['SELECT 2', null, 4],
      ['/* block; comment */ SELECT 3', null, 6],
      ["SELECT 'multi\nline;' FROM t", null, 7],
      ['SELECT 4', null, 9],
    ],
  );
});

test('shell histories: dot-commands are marked, multi-line statements joined', async () => {
  const statements = await readAll('.sqlite_history', '.tables\n.mode box\nSELECT *\n  FROM singer\n  WHERE age > 3;\nDELETE FROM singer;\n');
  assert.equal(detectHistoryKind(join(temp.dir, '.sqlite_history')), 'shell');
  assert.deepEqual(
    statements.map((s) => [s.sql, !!s.dotCommand]),
    [
      ['.tables', true],
      ['.mode box', true],
      ['SELECT *\n  FROM singer\n  WHERE age > 3', false],
      ['DELETE FROM singer', false],
    ],
  );
});

test('JSONL logs: query, sql or statement fields, with question, timestamp and user; broken lines reported', async () => {
  const statements = await readAll(
    'log.jsonl',
    [
      JSON.stringify({ query: 'SELECT 1', question: 'One?', timestamp: '2026-01-01T00:00:00Z', user: 'ana' }),
      JSON.stringify({ sql: 'SELECT 2' }),
      '{"statement": "SELECT 3"',
      JSON.stringify({ text: 'no sql here' }),
      '',
    ].join('\n'),
  );
  assert.equal(detectHistoryKind(join(temp.dir, 'log.jsonl')), 'jsonl');
  assert.deepEqual(statements[0], { sql: 'SELECT 1', source: join(temp.dir, 'log.jsonl'), line: 1, question: 'One?', timestamp: '2026-01-01T00:00:00Z', user: 'ana' });
  assert.equal(statements[1]!.sql, 'SELECT 2');
  assert.match(statements[2]!.unreadable ?? '', /not valid JSON/);
  assert.match(statements[3]!.unreadable ?? '', /no "query", "sql" or "statement" field/);
  assert.equal(statements.length, 4);
});

test('CSV exports: a query column, quoted fields with commas, quotes and line breaks', async () => {
  const statements = await readAll(
    'export.csv',
    'calls,query,total_time\n12,"SELECT a, b FROM t WHERE c = \'x\'",3.5\n3,"SELECT ""weird name""\nFROM t",1\n4,,2\n',
  );
  assert.equal(detectHistoryKind(join(temp.dir, 'export.csv')), 'csv');
  assert.deepEqual(
    statements.map((s) => [s.sql, s.line, s.unreadable ?? null]),
    [
      ["SELECT a, b FROM t WHERE c = 'x'", 2, null],
      ['SELECT "weird name"\nFROM t', 3, null],
      ['', 5, 'no query in this row'],
    ],
  );
});

test('a large file streams with progress, never read whole', async () => {
  const path = join(temp.dir, 'big.sql');
  const line = "SELECT name FROM singer WHERE country = 'France' AND age > 30;\n";
  writeFileSync(path, line.repeat(200_000)); // ~13 MB
  let lastBytes = 0;
  let progressCalls = 0;
  let count = 0;
  for await (const statement of readHistory(path, { onBytes: (b) => ((lastBytes = b), progressCalls++) })) {
    if (statement.sql) count++;
  }
  assert.equal(count, 200_000);
  assert.equal(lastBytes, line.length * 200_000);
  assert.ok(progressCalls > 5, 'progress comes chunk by chunk');
});
