import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { openTestDb } from '../helpers/dbAssertions';
import { spiderDb } from '../helpers/fixtures';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';

const engine = newEngine();
let db: IsolatedDatabase;
before(async () => {
  await engine.load(tinyModelParams());
  db = await openTestDb(spiderDb('concert_singer'));
});
after(async () => {
  engine.dispose();
  await db.dispose();
});

test('with the grammar off, the database errors are fed back and every attempt is in the trace', async () => {
  const stages: string[] = [];
  const result = await askQuestion(db, await db.readSchema(), engine, 'How many singers are there?', {
    grammar: 'off',
    corrections: 2,
    maxTokens: 48,
    onStage: (stage) => stages.push(stage),
  });
  assert.equal(result.valid, false, 'random weights write no valid SQL without the grammar');
  assert.equal(result.attempts.length, 3);
  for (const attempt of result.attempts) {
    // SQLite's own words for what the model wrote.
    assert.match(attempt.error ?? '', /syntax error|no such|incomplete input|unrecognized token/);
    assert.ok(attempt.ms > 0 && attempt.promptTokens > 0);
  }
  assert.deepEqual(stages, ['fitting schema', 'writing SQL', 'checking', 'correcting', 'checking', 'correcting', 'checking']);
  // The correction prompt grew by the failed SQL and the error, after the same schema prefix.
  assert.ok(result.attempts[1]!.promptTokens > result.attempts[0]!.promptTokens);
  assert.ok(result.attempts[1]!.reusedTokens > result.attempts[0]!.promptTokens / 2, 'the schema prefix is reused');
});

test('the second question on a database reuses the evaluated schema prefix', async () => {
  const schema = await db.readSchema();
  const first = await askQuestion(db, schema, engine, 'What are the names of the stadiums?', { corrections: 0 });
  const second = await askQuestion(db, schema, engine, 'Which singers are French?', { corrections: 0 });
  const prefix = second.attempts[0]!.reusedTokens;
  assert.ok(prefix > 0.8 * first.attempts[0]!.promptTokens, `reused ${prefix} of ${second.attempts[0]!.promptTokens} prompt tokens`);
});

test('a schema too large for the context is cut to the tables the question needs, and the SQL still runs', async () => {
  const small = newEngine();
  const cars = await openTestDb(spiderDb('car_1'));
  try {
    await small.load(tinyModelParams({ contextSize: 1024 }));
    const result = await askQuestion(cars, await cars.readSchema(), small, 'Which car makers are in which countries?', {
      // Random weights write SQL only inside the narrow grammar (see README: grammar modes).
      grammar: 'narrow',
      corrections: 0,
      maxTokens: 300,
      temperature: 1,
      seed: 7,
    });
    assert.ok(result.omittedTables.length > 0, 'some tables were left out');
    assert.ok(!result.omittedTables.includes('car_makers') && !result.omittedTables.includes('countries'), result.omittedTables.join(', '));
    assert.ok(result.valid, result.attempts[0]?.error);
    assert.ok(result.attempts[0]!.promptTokens <= 1024 - 300);
  } finally {
    small.dispose();
    await cars.dispose();
  }
});
