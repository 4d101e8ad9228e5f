import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { buildDatabaseUnion } from '../../scripts/buildDatabaseUnion';
import { makeTempDir, spiderDb } from '../helpers/fixtures';
import { quarryInBackground } from '../helpers/runCli';

/**
 * `quarry context` prints what the prompt will hold (issue 30), `--questions` one line per
 * question with its milliseconds, and `quarry ask --print-prompt` prints the prompt built from the
 * same choice. The union is three real Spider databases, one DuckDB schema each.
 */
const temp = makeTempDir('quarry-context-cli-');
after(() => temp.dispose());
const union = join(temp.dir, 'union.duckdb');
const env = { XDG_CACHE_HOME: join(temp.dir, 'cache') };
const run = (args: string[]) => quarryInBackground(args, { env });

before(async () => {
  const source = join(temp.dir, 'spider');
  for (const name of ['concert_singer', 'pets_1', 'world_1']) {
    mkdirSync(join(source, name), { recursive: true });
    symlinkSync(spiderDb(name), join(source, name, `${name}.sqlite`));
  }
  await buildDatabaseUnion(union, source);
});

interface Context {
  tables: string[];
  columns: string[];
  values: { table: string; column: string; value: string }[];
  examples: { question: string; sql: string }[];
  tokens: { schema: number; values: number; examples: number; total: number };
  omitted: { tables: string[]; values: unknown[] };
  retrieved: boolean;
}

test('quarry context --json: the tables, columns, values, examples and tokens of a question, and what was left out', async () => {
  const pool = join(temp.dir, 'pool.jsonl');
  writeFileSync(pool, '{"question":"How many cities are there?","sql":"SELECT count(*) FROM city"}\n{"question":"List every stadium name.","sql":"SELECT name FROM stadium"}\n');
  const done = await run(['context', '--db', union, '--question', 'Which cities are in countries where Dutch is official?', '--budget', '600', '--examples', pool, '--shots', '1', '--json']);
  assert.equal(done.code, 0, done.stderr);
  const context = JSON.parse(done.stdout) as Context;
  assert.equal(context.retrieved, true);
  for (const table of ['world_1.city', 'world_1.countrylanguage']) assert.ok(context.tables.includes(table), context.tables.join(', '));
  assert.ok(context.columns.includes('world_1.countrylanguage.IsOfficial'));
  assert.deepEqual(context.values.find((v) => v.value === 'Dutch'), { table: 'world_1.countrylanguage', column: 'Language', value: 'Dutch' });
  assert.deepEqual(context.examples, [{ question: 'How many cities are there?', sql: 'SELECT count(*) FROM city' }]);
  assert.equal(context.tokens.total, context.tokens.schema + context.tokens.values + context.tokens.examples);
  assert.ok(context.tokens.total <= 600);
  assert.equal(context.tables.length + context.omitted.tables.length, 10, 'concert_singer 4, pets_1 3, world_1 3');
  assert.equal(readdirSync(join(env.XDG_CACHE_HOME, 'quarry', 'values')).length, 1, 'the value index is cached');
});

test('quarry ask --print-prompt builds the prompt from the choice quarry context prints', async () => {
  const question = 'What is the average age of the dogs?';
  const [context, printed] = await Promise.all([
    run(['context', '--db', union, '--question', question, '--budget', '500', '--pin', 'world_1.city', '--json']),
    run(['ask', '--print-prompt', '--db', union, '--budget', '500', '--pin', 'world_1.city', '--json', question]),
  ]);
  assert.equal(context.code, 0, context.stderr);
  assert.equal(printed.code, 0, printed.stderr);
  const chosen = JSON.parse(context.stdout) as Context;
  const prompt = JSON.parse(printed.stdout) as { messages: { role: string; content: string }[]; context: Context };
  assert.deepEqual(prompt.context, chosen);
  const system = prompt.messages[0]!.content;
  for (const table of chosen.tables) assert.ok(system.includes(`CREATE TABLE ${table} (`), `${table} in the prompt`);
  for (const table of chosen.omitted.tables) assert.ok(!system.includes(`CREATE TABLE ${table} (`), `${table} not in the prompt`);
  assert.ok(chosen.tables.includes('world_1.city'), 'pinned');
  assert.ok(chosen.tables.includes('pets_1.Pets'));
});

test('quarry context --questions: a JSON line per question with its milliseconds; plain lines and JSONL both', async () => {
  const file = join(temp.dir, 'questions.txt');
  writeFileSync(file, 'How many singers are there?\n{"question": "Which pets are older than 3?"}\n\n{"question": "Which country speaks Dutch?", "evidence": "Dutch is a language"}\n');
  const done = await run(['context', '--db', union, '--questions', file, '--budget', '500']);
  assert.equal(done.code, 0, done.stderr);
  const lines = done.stdout.trim().split('\n').map((line) => JSON.parse(line) as Context & { question: string; ms: number });
  assert.deepEqual(lines.map((l) => l.question), ['How many singers are there?', 'Which pets are older than 3?', 'Which country speaks Dutch?']);
  for (const line of lines) assert.ok(typeof line.ms === 'number' && line.ms >= 0 && line.ms < 1000, `${line.ms} ms`);
  assert.ok(lines[0]!.tables.includes('concert_singer.singer'));
  assert.ok(lines[1]!.tables.includes('pets_1.Pets'));
  assert.ok(lines[2]!.tables.includes('world_1.countrylanguage'));
});

test('bad input: a broken pool line, an unknown pinned table, a question file without questions', async () => {
  const pool = join(temp.dir, 'broken.jsonl');
  writeFileSync(pool, '{"question":"a?","sql":"SELECT 1"}\n{"question":"b?"\n');
  const broken = await run(['context', '--db', union, '--question', 'q', '--examples', pool]);
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /broken\.jsonl:2 is not a JSON object/);
  const pin = await run(['context', '--db', union, '--question', 'q', '--pin', 'city']);
  assert.equal(pin.code, 2);
  assert.match(pin.stderr, /--pin city: no such table \(did you mean world_1\.city\?\)/);
  const empty = join(temp.dir, 'empty.txt');
  writeFileSync(empty, '\n\n');
  const none = await run(['context', '--db', union, '--questions', empty]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /has no questions/);
  const both = await run(['context', '--db', union]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give --question "<text>" or --questions FILE/);
});

test('the value index is cached for the database with its attachments: another file attached under the same name, with the same tables and row counts, is read anew', async () => {
  const sqlite = (name: string, sql: string) => {
    const db = new BetterSqlite3(join(temp.dir, name));
    db.exec(sql);
    db.close();
    return join(temp.dir, name);
  };
  // A main table wide enough that the whole schema is over the budget, so retrieval (and the value index) runs.
  const main = sqlite('notes.sqlite', `CREATE TABLE note (id INTEGER PRIMARY KEY, ${Array.from({ length: 30 }, (_, i) => `field_${i} TEXT`).join(', ')}); INSERT INTO note (id) VALUES (1);`);
  const stars = (name: string, values: string[]) => sqlite(name, `CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT); ${values.map((v, i) => `INSERT INTO item VALUES (${i + 1}, '${v}');`).join(' ')}`);
  const first = stars('stars-1.sqlite', ['Aldebaran', 'Betelgeuse', 'Capella']);
  const second = stars('stars-2.sqlite', ['Deneb', 'Elnath', 'Fomalhaut']);
  const valuesWith = async (file: string) => {
    const done = await run(['context', '--db', main, '--attach', `stars=${file}`, '--question', 'Which item is Elnath?', '--budget', '120', '--json']);
    assert.equal(done.code, 0, done.stderr);
    const context = JSON.parse(done.stdout) as Context;
    assert.equal(context.retrieved, true);
    return context.values.map((v) => `${v.table}.${v.column}=${v.value}`);
  };
  assert.deepEqual(await valuesWith(first), []);
  assert.deepEqual(await valuesWith(second), ['stars.item.name=Elnath'], 'not the first file\'s index, cached under the same database');
  assert.deepEqual(await valuesWith(first), [], 'each attachment has an index of its own');
});
