import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import { buildAskPrompt } from '../../src/core/prompt/buildAskPrompt';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { grammarFor } from '../../src/core/sql/grammarFor';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { openTestDb } from '../helpers/dbAssertions';
import { makeTempDir } from '../helpers/fixtures';
import { assertLlamaWritesWithinGrammar } from '../helpers/sampleGrammar';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';

const temp = makeTempDir();
const path = join(temp.dir, 'openflights.duckdb');
const engine = newEngine();
before(async () => {
  await buildOpenFlightsDuckDb(path);
  await engine.load(tinyModelParams());
});
after(() => {
  engine.dispose();
  temp.dispose();
});

const QUESTIONS = [
  'How many airports are there in each country?',
  'Which airlines are active in Germany?',
  'What is the highest airport?',
  'List routes with more than one stop.',
  'Which countries have no airports?',
  'Average altitude of airports per timezone',
  'Names of airports served by airline 24',
  'Which planes have an ICAO code starting with A?',
  'How many routes leave from each airport, busiest first?',
  'Airlines whose callsign is missing',
  'Distinct cities in Canada',
  'Routes between Heathrow and JFK',
];

test('with the grammar on, DuckDB (strict about types) runs every query the tiny model writes', async () => {
  const db = await openTestDb(path);
  try {
    const schema = await db.readSchema();
    const failures: string[] = [];
    for (const [i, question] of QUESTIONS.entries()) {
      const result = await askQuestion(db, schema, engine, question, { grammar: 'narrow', corrections: 0, timeoutMs: 20_000, temperature: 1, seed: i });
      if (process.env.QUARRY_SHOW_SQL) console.log(result.sql);
      if (!result.valid) failures.push(`${result.sql}\n  → ${result.attempts[0]!.error}`);
    }
    assert.deepEqual(failures, []);
  } finally {
    await db.dispose();
  }
});

test("DuckDB's sql grammar loads in llama.cpp, and llama.cpp writes only what Quarry's recognizer of it allows", async () => {
  const db = await openTestDb(path);
  try {
    const schema = await db.readSchema({ sampleValues: 0 });
    const grammar = grammarFor(schema, 'sql')!;
    await assertLlamaWritesWithinGrammar(engine, buildAskPrompt({ dialect: 'duckdb', schemaDdl: renderSchemaDdl(schema), question: QUESTIONS[0]! }), grammar, 6);
  } finally {
    await db.dispose();
  }
});
