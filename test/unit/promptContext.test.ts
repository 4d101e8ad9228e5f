import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { buildPromptContext, type ContextSources } from '../../src/core/context/buildPromptContext';
import { buildValueIndex, loadOrBuildValueIndex } from '../../src/core/context/buildValueIndex';
import { estimateTokens } from '../../src/core/context/estimateTokens';
import { ExamplePool } from '../../src/core/context/ExamplePool';
import { readExamplePool } from '../../src/core/context/readExamplePool';
import { SchemaIndex } from '../../src/core/context/SchemaIndex';
import { ValueIndex } from '../../src/core/context/ValueIndex';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { buildDatabaseUnion } from '../../scripts/buildDatabaseUnion';
import { makeTempDir, spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';

/**
 * Retrieval for schemas that do not fit (issue 30), on a real union of four Spider databases (one
 * DuckDB schema each, rows and keys kept, as the bench's Spider union): the right database first,
 * the tables joining the chosen ones, the values the question names, pins, and a schema that fits
 * going in whole. Expected tables are Spider's own gold tables for these questions.
 */
const temp = makeTempDir('quarry-context-');
after(() => temp.dispose());
const DATABASES = ['concert_singer', 'pets_1', 'singer', 'world_1'];
const unionPath = join(temp.dir, 'union.duckdb');
let db: IsolatedDatabase;
let schema: DatabaseSchema;
let sources: ContextSources;

before(async () => {
  const source = join(temp.dir, 'spider');
  for (const name of DATABASES) {
    mkdirSync(join(source, name), { recursive: true });
    symlinkSync(spiderDb(name), join(source, name, `${name}.sqlite`));
  }
  await buildDatabaseUnion(unionPath, source);
  db = await IsolatedDatabase.open(unionPath, { workerScript: WORKER_SCRIPT });
  schema = await db.readSchema();
  sources = { index: new SchemaIndex(schema), format: PROMPT_FORMATS.quarry, countTokens: estimateTokens, values: new ValueIndex(await buildValueIndex(db, schema)) };
});
after(async () => db?.dispose());

const BUDGET = 400;

test('a question goes to its own database: the gold tables, schema-qualified, and nothing of a database it does not touch', () => {
  const context = buildPromptContext(sources, { question: 'What is the average, minimum, and maximum age of all singers from France?', budget: BUDGET });
  assert.ok(context.retrieved);
  assert.ok(context.tables.includes('concert_singer.singer'), context.tables.join(', '));
  assert.ok(!context.tables.some((t) => t.startsWith('pets_1.')), context.tables.join(', '));
  assert.ok(context.tokens.total <= BUDGET, `${context.tokens.total} tokens`);
  assert.deepEqual(context.omitted.tables.length + context.tables.length, schema.tables.length);
  assert.ok(context.columns.includes('concert_singer.singer.Age'));
});

test('the table that joins two chosen ones comes with them, though the question has none of its words', () => {
  const context = buildPromptContext(sources, { question: 'Find the last name of the student who has a cat that is age 3.', budget: BUDGET });
  for (const table of ['pets_1.Student', 'pets_1.Pets', 'pets_1.Has_Pet']) assert.ok(context.tables.includes(table), `${table} in ${context.tables.join(', ')}`);
});

test('the values a question names are found in their columns and shown first among their examples', () => {
  const context = buildPromptContext(sources, { question: 'Which countries in Asia have Dutch as an official language?', budget: BUDGET });
  const found = context.values.map((v) => `${v.table}.${v.column}=${v.value}`);
  assert.ok(found.includes('world_1.countrylanguage.Language=Dutch'), found.join(', '));
  assert.ok(found.includes('world_1.country.Continent=Asia'), found.join(', '));
  const language = context.schema.tables.find((t) => t.name === 'countrylanguage')!.columns.find((c) => c.name === 'Language')!;
  assert.equal(language.examples[0], 'Dutch');
  assert.match(PROMPT_FORMATS.quarry.renderSchema(context.schema), /Language VARCHAR.*-- e\.g\. 'Dutch'/);
  // "Asian" is found as Asia: a shorter form of the question's word.
  const asian = buildPromptContext(sources, { question: 'How many Asian countries are there?', budget: BUDGET });
  assert.ok(asian.values.some((v) => v.value === 'Asia'), JSON.stringify(asian.values));
});

test('pinned tables always go in, even over the budget; a schema that fits goes in whole with no values besides its own', () => {
  const pinned = buildPromptContext(sources, { question: 'How many pets are there?', budget: 60, pinned: ['world_1.city'] });
  assert.ok(pinned.tables.includes('world_1.city'));
  const whole = buildPromptContext(sources, { question: 'Which countries in Asia speak Dutch?', budget: 1_000_000 });
  assert.equal(whole.retrieved, false);
  assert.equal(whole.tables.length, schema.tables.length);
  assert.deepEqual(whole.values, []);
  assert.deepEqual(whole.schema, schema);
});

test('examples are chosen from the pool and counted; a format renders them before the question', () => {
  const pool = new ExamplePool([
    { question: 'How many singers are there?', sql: 'SELECT count(*) FROM singer' },
    { question: 'List the names of all stadiums ordered by capacity.', sql: 'SELECT name FROM stadium ORDER BY capacity' },
    { question: 'What is the average age of the pets?', sql: 'SELECT avg(pet_age) FROM pets' },
  ]);
  const context = buildPromptContext({ ...sources, pool }, { question: 'How many dogs are there?', budget: 1_000_000, examples: 1 });
  assert.deepEqual(context.examples, [{ question: 'How many singers are there?', sql: 'SELECT count(*) FROM singer' }]);
  assert.ok(context.tokens.examples > 0);
  const prompt = PROMPT_FORMATS.quarry.build({ schema, schemaText: 'CREATE TABLE t (a INT);', question: 'How many dogs are there?', examples: context.examples });
  assert.match(prompt.system, /Examples of questions about this database and the SQL that answers them:\n\nQuestion: How many singers are there\?\nSQL: SELECT count\(\*\) FROM singer$/);
  assert.match(prompt.completion, /-- Question: How many singers are there\?\n-- SQL: SELECT count\(\*\) FROM singer\n\n-- Question: How many dogs are there\?/);
  // Without examples, every format's prompt is the one it was trained on: no trace of the block.
  for (const format of Object.values(PROMPT_FORMATS)) {
    const plain = format.build({ schema, schemaText: 'CREATE TABLE t (a INT);', question: 'q' });
    assert.doesNotMatch(plain.user + plain.completion, /Examples of questions/, format.id);
    const shown = format.build({ schema, schemaText: 'CREATE TABLE t (a INT);', question: 'q', examples: context.examples });
    assert.match(shown.system + shown.user, /SQL: SELECT count\(\*\) FROM singer/, format.id);
  }
});

test('the pool ranks by the question\'s shape with names masked, leaves out the question itself, and offers several query shapes', () => {
  const pool = new ExamplePool([
    { question: 'How many employees have a salary above 5000?', sql: 'SELECT count(*) FROM employees WHERE salary > 5000' },
    { question: 'List all departments.', sql: 'SELECT name FROM departments' },
    { question: 'How many ships have a tonnage above 3000?', sql: 'SELECT count(*) FROM ship WHERE tonnage > 3000' },
    { question: 'How many ships have a tonnage above 2000?', sql: 'SELECT count(*) FROM ship WHERE tonnage > 2000' },
    { question: 'How many cars have a price above 10000?', sql: 'SELECT count(*) FROM cars WHERE price >= 10000' },
  ]);
  const top = pool.rank('How many trains have a speed above 90?', 2);
  assert.match(top[0]!.sql, /count\(\*\) FROM \w+ WHERE \w+ > \d+/);
  assert.notEqual(top[0]!.skeleton, top[1]!.skeleton, 'the second example is of another shape');
  assert.ok(!pool.rank('List all departments.', 5).some((e) => e.question === 'List all departments.'));
  // With a draft (the failed attempt a correction starts from), its skeleton counts too, as DAIL-SQL's preliminary query does.
  const question = 'Show the trains.';
  assert.notEqual(pool.rank(question, 1)[0]!.sql, 'SELECT count(*) FROM cars WHERE price >= 10000');
  assert.equal(pool.rank(question, 1, 'SELECT count(*) FROM train WHERE speed >= 90')[0]!.sql, 'SELECT count(*) FROM cars WHERE price >= 10000');
});

test('pool files: JSONL of question/sql (or query, SQL), a JSON array, a dataset folder; a broken line is named', () => {
  const jsonl = join(temp.dir, 'pool.jsonl');
  writeFileSync(jsonl, '{"question":"a?","sql":"SELECT 1"}\n\n{"question":"b?","query":"SELECT 2","db_id":"x"}\n{"question":"c?","SQL":"SELECT 3"}\n');
  assert.deepEqual(readExamplePool(jsonl), [{ question: 'a?', sql: 'SELECT 1' }, { question: 'b?', sql: 'SELECT 2', db: 'x' }, { question: 'c?', sql: 'SELECT 3' }]);
  const array = join(temp.dir, 'pool.json');
  writeFileSync(array, JSON.stringify([{ question: 'a?', query: 'SELECT 1', db_id: 'y' }]));
  assert.deepEqual(readExamplePool(array), [{ question: 'a?', sql: 'SELECT 1', db: 'y' }]);
  const folder = join(temp.dir, 'dataset');
  mkdirSync(join(folder, 'train'), { recursive: true });
  writeFileSync(join(folder, 'train', 'quarry.jsonl'), '{"question":"d?","sql":"SELECT 4"}\n');
  assert.deepEqual(readExamplePool(folder), [{ question: 'd?', sql: 'SELECT 4' }]);
  const broken = join(temp.dir, 'broken.jsonl');
  writeFileSync(broken, '{"question":"a?","sql":"SELECT 1"}\n{"question": "b?", "sql": \n{"question":"c?"}\n');
  assert.throws(() => readExamplePool(broken), { message: new RegExp(`${broken.replaceAll('.', '\\.')}:2 is not a JSON object`) });
  writeFileSync(broken, '{"question":"a?","sql":"SELECT 1"}\n{"question":"c?"}\n');
  assert.throws(() => readExamplePool(broken), { message: /broken\.jsonl:2 has no question and SQL/ });
  assert.throws(() => readExamplePool(join(temp.dir, 'missing.jsonl')), { message: /example pool not found/ });
});

test('the value index keeps to its bounds and says where it stopped; its cache is reused, and rebuilt when the schema changes', async () => {
  const perColumn = await buildValueIndex(db, schema, { limits: { perColumn: 5 } });
  const names = perColumn.columns.find((c) => c.table === 'world_1.city' && c.column === 'Name')!;
  assert.equal(names.values.length, 5);
  assert.equal(names.truncated, true);
  const bounded = await buildValueIndex(db, schema, { limits: { perDatabase: 300 } });
  assert.ok(bounded.columns.reduce((n, c) => n + c.values.length, 0) <= 300);
  assert.ok(bounded.stoppedAtBound && bounded.stoppedAtBound.columnsLeft > 0, JSON.stringify(bounded.stoppedAtBound));
  const cache = join(temp.dir, 'cache', 'values.json');
  const progress: number[] = [];
  const first = await loadOrBuildValueIndex(db, schema, cache, { onProgress: ({ done }) => progress.push(done) });
  assert.equal(first.cached, false);
  assert.ok(progress.length > 10 && progress.at(-1) === progress.length, 'progress by column');
  assert.equal((await loadOrBuildValueIndex(db, schema, cache)).cached, true);
  const changed = { ...schema, tables: schema.tables.slice(1) };
  assert.equal((await loadOrBuildValueIndex(db, changed, cache)).cached, false, 'another schema: built again');
});

test('names with quotes, dots, spaces, unicode and keywords work in retrieval, values and the prompt', async () => {
  const path = join(temp.dir, 'odd.sqlite');
  const odd = new BetterSqlite3(path);
  odd.exec(`
    CREATE TABLE "bus ""routes"".v2" ("route.name" TEXT PRIMARY KEY, "select" INTEGER);
    CREATE TABLE "Straßenbahn Linien" ("Linie" TEXT, "route.name" TEXT REFERENCES "bus ""routes"".v2" ("route.name"));
    CREATE TABLE other_things (x INTEGER, label TEXT);
    INSERT INTO "bus ""routes"".v2" VALUES ('Green Line', 1), ('Red Line', 2);
    INSERT INTO "Straßenbahn Linien" VALUES ('Nord', 'Green Line');
    INSERT INTO other_things VALUES (1, 'nothing');`);
  odd.close();
  const oddDb = await IsolatedDatabase.open(path, { workerScript: WORKER_SCRIPT });
  try {
    const oddSchema = await oddDb.readSchema();
    const values = new ValueIndex(await buildValueIndex(oddDb, oddSchema));
    // The tables take 38, 56 and 24 estimated tokens, the values a few: 110 holds the pinned one and one other.
    const context = buildPromptContext({ index: new SchemaIndex(oddSchema), format: PROMPT_FORMATS.quarry, countTokens: estimateTokens, values }, { question: 'Which Straßenbahn Linie serves the green line?', budget: 110, pinned: ['bus "routes".v2'] });
    assert.deepEqual(context.tables, ['bus "routes".v2', 'Straßenbahn Linien']);
    assert.deepEqual(context.values.find((v) => v.value === 'Green Line'), { table: 'bus "routes".v2', column: 'route.name', value: 'Green Line' });
    const text = PROMPT_FORMATS.quarry.renderSchema(context.schema);
    assert.match(text, /CREATE TABLE "bus ""routes"".v2" \(/);
    assert.match(text, /"route\.name" TEXT PRIMARY KEY, -- e\.g\. 'Green Line'/);
  } finally {
    await oddDb.dispose();
  }
});

test('a schema of 5,000 tables reads within the schema bound, and retrieval over it stays within 100 ms a question', async () => {
  const path = join(temp.dir, 'wide.sqlite');
  const wide = new BetterSqlite3(path);
  wide.exec('BEGIN');
  for (let t = 0; t < 5000; t++) {
    wide.exec(`CREATE TABLE t${t} (id INTEGER PRIMARY KEY, label TEXT${t ? `, parent INTEGER REFERENCES t${t - 1} (id)` : ''}); INSERT INTO t${t} (id, label) VALUES (1, 'value ${t}');`);
  }
  wide.exec('COMMIT');
  wide.close();
  const wideDb = await IsolatedDatabase.open(path, { workerScript: WORKER_SCRIPT });
  try {
    let started = performance.now();
    const wideSchema = await wideDb.readSchema();
    // The default schema bound is 120 s; on this machine it takes about 2.
    assert.ok(performance.now() - started < 60_000, `read in ${performance.now() - started} ms`);
    assert.equal(wideSchema.tables.length, 5000);
    const progress: number[] = [];
    const values = new ValueIndex(await buildValueIndex(wideDb, wideSchema, { onProgress: ({ done }) => progress.push(done) }));
    assert.equal(progress.at(-1), 5000, 'progress by column, to the last');
    const wideSources = { index: new SchemaIndex(wideSchema), format: PROMPT_FORMATS.quarry, countTokens: estimateTokens, values };
    const times: number[] = [];
    for (const k of [17, 999, 2500, 4321, 4999]) {
      started = performance.now();
      const context = buildPromptContext(wideSources, { question: `Which label does t${k} hold, and what is value ${k}?`, budget: 800 });
      times.push(performance.now() - started);
      assert.ok(context.tables.includes(`t${k}`), `t${k} in ${context.tables.slice(0, 10).join(', ')}`);
      assert.ok(context.tokens.total <= 800);
    }
    assert.ok(Math.max(...times.slice(1)) < 100, `retrieval took ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
  } finally {
    await wideDb.dispose();
  }
});
