import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import { canonicalPrefix } from '../../src/core/complete/analyzeCompletionContext';
import { CompletionSchema, InlineCompleter } from '../../src/core/complete/InlineCompleter';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { buildAskPrompt } from '../../src/core/prompt/buildAskPrompt';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { checkSentence, parseGbnf } from '../../src/core/sql/continueGrammar';
import { grammarFor } from '../../src/core/sql/grammarFor';
import { openTestDb } from '../helpers/dbAssertions';
import { makeTempDir } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';
import { assertLlamaWritesWithinGrammar } from '../helpers/sampleGrammar';
import { newEngine, TINY_MODEL, tinyModelParams } from '../helpers/tinyModel';

const engine = newEngine();
const temp = makeTempDir();
let server: TestPostgres;
let concertUrl: string;
let db: IsolatedDatabase;

before(async () => {
  server = await startTestPostgres();
  concertUrl = await server.loadSpider('concert_singer');
  await engine.load(tinyModelParams());
  db = await openTestDb(concertUrl);
});
after(async () => {
  engine.dispose();
  await db.dispose();
  await server.stop();
  temp.dispose();
});

const QUESTIONS = [
  'How many singers do we have?',
  'What is the average age of singers from France?',
  'Show the stadiums with the largest capacity.',
  'Which concerts happened in 2014?',
  'List singers older than 30 by age.',
  'How many concerts did each stadium host?',
];

test('Ask on a Postgres connection: the prompt says PostgreSQL, and every query the tiny model writes under the narrow grammar runs there', async () => {
  const schema = await db.readSchema();
  assert.match(buildAskPrompt({ dialect: schema.dialect, schemaDdl: renderSchemaDdl(schema), question: QUESTIONS[0]! }).system, /PostgreSQL/);
  const failures: string[] = [];
  for (const [i, question] of QUESTIONS.entries()) {
    const result = await askQuestion(db, schema, engine, question, { grammar: 'narrow', corrections: 0, timeoutMs: 20_000, temperature: 1, seed: i });
    if (!result.valid) failures.push(`${result.sql}\n  → ${result.attempts[0]!.error}`);
  }
  assert.deepEqual(failures, []);
});

test("Postgres's sql grammar loads in llama.cpp, and llama.cpp writes only what Quarry's recognizer of it allows", async () => {
  const schema = await db.readSchema({ sampleValues: 0 });
  const grammar = grammarFor(schema, 'sql')!;
  const parsed = parseGbnf(grammar);
  for (const sql of ["SELECT name FROM singer WHERE country ILIKE 'fr%' LIMIT ALL OFFSET 1", 'SELECT DISTINCT ON (country) country, age::text FROM singer ORDER BY country, age DESC']) {
    assert.equal(checkSentence(parsed, sql).accepted, true, sql);
  }
  await assertLlamaWritesWithinGrammar(engine, buildAskPrompt({ dialect: 'postgres', schemaDdl: renderSchemaDdl(schema), question: QUESTIONS[0]! }), grammar, 4);
});

test('inline completion on a Postgres connection: a comment gets a whole query and a begun statement its continuation, and both run', async () => {
  const schema = new CompletionSchema(await db.readSchema());
  // Room for the random model to reach the end of a whole query the grammar allows.
  const completer = new InlineCompleter(engine, () => ({ grammar: 'narrow', debounceMs: 0, maxTokens: 400, onlyOnComment: false }));
  const complete = (text: string) => completer.complete({ database: 'concert_singer', schema, text, offset: text.length }, new AbortController().signal);
  const whole = await complete('-- how many singers are older than 30?\n');
  assert.equal(whole?.kind, 'comment');
  await db.query(whole!.text).catch((error: Error) => assert.fail(`${whole!.text}: ${error.message}`));
  for (const prefix of ['SELECT name FROM singer WHERE ', 'select country, count(*) from singer ']) {
    const result = await complete(`-- singers\n${prefix}`);
    assert.ok(result, `a continuation for ${prefix}`);
    const sql = canonicalPrefix(prefix) + result.text;
    await db.query(sql).catch((error: Error) => assert.fail(`${sql}: ${error.message}`));
  }
});

test('quarry eval on a Quarry JSONL dataset whose db is a postgresql:// URL: gold answers score 100%, and the tiny model is judged on every question', () => {
  const dataset = join(temp.dir, 'pg.jsonl');
  const gold = [
    ['How many singers are there?', 'SELECT count(*) FROM singer'],
    ['Names of singers by age', 'SELECT name FROM singer ORDER BY age DESC'],
    ['Average singer age per country', 'SELECT country, avg(age) FROM singer GROUP BY country'],
    ['Stadium capacity over 10000', 'SELECT name, capacity FROM stadium WHERE capacity > 10000'],
  ];
  writeFileSync(dataset, gold.map(([question, sql]) => JSON.stringify({ question, sql, db: concertUrl })).join('\n') + '\n');
  const predictions = join(temp.dir, 'gold.sql');
  // Columns in another order and a reordered bag still match; the ORDER BY query must keep its order.
  writeFileSync(predictions, ['SELECT count(*) FROM singer', 'SELECT name FROM singer ORDER BY age DESC', 'SELECT avg(age), country FROM singer GROUP BY 2 ORDER BY 2 DESC', 'SELECT capacity, name FROM stadium WHERE capacity > 10000'].join('\n') + '\n');
  const fromGold = quarry(['eval', '--dataset', dataset, '--trust-data-urls', '--predictions', predictions, '--report', join(temp.dir, 'gold.json')]);
  assert.equal(fromGold.code, 0, fromGold.stderr);
  const goldReport = JSON.parse(readFileSync(join(temp.dir, 'gold.json'), 'utf8')) as { summary: { evaluated: number; execAccuracy: number } };
  assert.deepEqual([goldReport.summary.evaluated, goldReport.summary.execAccuracy], [4, 1]);

  const byModel = quarry(['eval', '--dataset', dataset, '--trust-data-urls', '--model', TINY_MODEL, '--threads', '1', '--grammar', 'narrow', '--report', join(temp.dir, 'model.json')], { timeoutMs: 300_000 });
  assert.equal(byModel.code, 0, byModel.stderr);
  const modelReport = JSON.parse(readFileSync(join(temp.dir, 'model.json'), 'utf8')) as { summary: { evaluated: number; skipped: number } };
  assert.deepEqual([modelReport.summary.evaluated, modelReport.summary.skipped], [4, 0]);
});
