import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
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
  return engine.countTokens(format.build({ schema, schemaText: format.renderSchema(schema), question: QUESTION }).completion);
}

for (const id of ['omnisql', 'sqlcoder'] as const) {
  test(`Ask in the ${id} format: the model is sent that format's prompt, and the SQL it answers with runs`, async () => {
    const result = await askQuestion(db, schema, engine, QUESTION, { promptFormat: id, grammar: 'narrow', corrections: 0 });
    assert.equal(result.valid, true, result.attempts[0]?.error);
    assert.match(result.sql, /^SELECT/);
    // The server counts the BOS token in front, and tokenizes the text's start without a leading space.
    assert.ok(Math.abs(result.attempts[0]!.promptTokens - (await completionTokens(id))) <= 2, `prompt tokens ${result.attempts[0]!.promptTokens} vs ${await completionTokens(id)}`);
    assert.ok(Math.abs((await completionTokens(id)) - (await completionTokens('quarry'))) > 20, 'the formats differ by more than that');
  });
}
