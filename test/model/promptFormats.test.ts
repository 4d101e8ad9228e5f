import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { extractSql } from '../../src/core/prompt/extractSql';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
import { fencedGrammar, grammarFor, SQL_FENCE } from '../../src/core/sql/grammarFor';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';

const engine = newEngine();
let db: IsolatedDatabase;
let schema: DatabaseSchema;

before(async () => {
  await engine.load(tinyModelParams());
  db = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
  schema = await db.readSchema();
});
after(async () => {
  engine.dispose();
  await db.dispose();
});

const QUESTION = 'How many singers are older than 30?';

/** The tiny model has no chat template, so it is sent the format's completion text: its token count shows which prompt went out. */
async function completionTokens(id: keyof typeof PROMPT_FORMATS): Promise<number> {
  const format = PROMPT_FORMATS[id];
  const prompt = format.build({ schema, schemaText: format.renderSchema(schema), question: QUESTION });
  // The start of the model's turn, written for it (Arctic's), goes out with the prompt.
  return engine.countTokens(prompt.completion + (prompt.responsePrefix ?? ''));
}

for (const id of ['omnisql', 'arctic', 'xiyan', 'sqlcoder', 'premsql', 'qwen-coder'] as const) {
  test(`Ask in the ${id} format: the model is sent that format's prompt, and the SQL it answers with runs`, async () => {
    const result = await askQuestion(db, schema, engine, QUESTION, { promptFormat: id, grammar: 'narrow', corrections: 0 });
    assert.equal(result.valid, true, result.attempts[0]?.error);
    assert.match(result.sql, /^SELECT/);
    // The server counts the BOS token in front, and tokenizes the text's start without a leading space.
    assert.ok(Math.abs(result.attempts[0]!.promptTokens - (await completionTokens(id))) <= 2, `prompt tokens ${result.attempts[0]!.promptTokens} vs ${await completionTokens(id)}`);
    assert.ok(Math.abs((await completionTokens(id)) - (await completionTokens('quarry'))) > 20, 'the formats differ by more than that');
  });
}

test('a reasoning shape with an end of thinking: the thinking runs to </think> first (Quarry writes it when the budget runs out), then the fence, then the constrained block', async () => {
  const format = PROMPT_FORMATS.arctic;
  const prompt = format.build({ schema, schemaText: format.renderSchema(schema), question: QUESTION });
  const grammar = fencedGrammar(grammarFor(schema, 'narrow')!);
  const result = await engine.generate({
    ...prompt,
    grammar,
    reasoning: { after: '</think>', open: SQL_FENCE.open, close: SQL_FENCE.close, thinkingTokens: 24 },
    maxTokens: 120,
    temperature: 1,
    seed: 3,
  });
  const end = result.text.indexOf('</think>');
  const fence = result.text.indexOf(`${SQL_FENCE.open}\n`);
  assert.ok(end >= 0 && fence > end, JSON.stringify(result.text));
  assert.equal(result.fenceForced, true, 'the random model closes neither its thinking nor opens a fence itself');
  assert.equal(result.thinkingTokens, 24);
  assert.match(extractSql(result.text), /^SELECT/);
});

test('top-p reaches llama.cpp: sampled at temperature 1 with a nucleus too small for more than one token, the answer is the greedy one', async () => {
  const prompt = PROMPT_FORMATS.quarry.build({ schema, schemaText: PROMPT_FORMATS.quarry.renderSchema(schema), question: QUESTION });
  const ask = (extra: { temperature: number; topP?: number; seed?: number }) => engine.generate({ ...prompt, grammar: null, maxTokens: 24, ...extra });
  const greedy = (await ask({ temperature: 0 })).text;
  const wide = await Promise.all([1, 2, 3].map(async (seed) => (await ask({ temperature: 1, seed })).text));
  assert.ok(wide.some((text) => text !== greedy), 'plain sampling wanders from the greedy answer');
  for (const seed of [1, 2, 3]) assert.equal((await ask({ temperature: 1, topP: 1e-6, seed })).text, greedy);
});
