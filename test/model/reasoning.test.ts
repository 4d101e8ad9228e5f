import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { buildAskPrompt } from '../../src/core/prompt/buildAskPrompt';
import { extractSql } from '../../src/core/prompt/extractSql';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { checkSentence, parseGbnf } from '../../src/core/sql/continueGrammar';
import { fencedGrammar, grammarFor, SQL_FENCE, type GrammarMode } from '../../src/core/sql/grammarFor';
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

const THINKING_TOKENS = 24;

/** The tiny model never opens a fence of its own: its thinking runs out, Quarry writes the fence, and the grammar takes over inside it. */
async function thinkThenAnswer(mode: GrammarMode, seed: number) {
  const sqlGrammar = grammarFor(schema, mode)!;
  const prompt = buildAskPrompt({ dialect: 'sqlite', schemaDdl: renderSchemaDdl(schema), question: 'How many singers are there?' });
  const result = await engine.generate({
    ...prompt,
    grammar: fencedGrammar(sqlGrammar),
    reasoning: { ...SQL_FENCE, thinkingTokens: THINKING_TOKENS },
    maxTokens: 300,
    temperature: 1,
    seed,
  });
  const fence = `${SQL_FENCE.open}\n`;
  const at = result.text.indexOf(fence);
  assert.ok(at > 0, `a fence after the thinking: ${JSON.stringify(result.text)}`);
  return { result, thought: result.text.slice(0, at), block: result.text.slice(at + fence.length), grammar: parseGbnf(sqlGrammar) };
}

for (const mode of ['narrow', 'sql'] as const) {
  test(`reasoning under --grammar ${mode}: free text first, then SQL the grammar allows inside the fence, closed`, async () => {
    let closed = 0;
    for (let seed = 0; seed < 4; seed++) {
      const { result, thought, block, grammar } = await thinkThenAnswer(mode, seed);
      assert.equal(result.thinkingTokens, THINKING_TOKENS);
      assert.equal(result.fenceForced, true);
      // The thinking was not held to the grammar: the random model's text is no SQL.
      assert.equal(checkSentence(grammar, thought).reason, 'refused', `free thinking: ${JSON.stringify(thought)}`);
      if (process.env.QUARRY_SHOW_SQL) console.log(mode, result.stopReason, JSON.stringify(result.text));
      if (result.stopReason === 'maxTokens') {
        // Cut off inside the block: still, everything written there is a beginning the grammar allows.
        assert.notEqual(checkSentence(grammar, block).reason, 'refused', block);
        continue;
      }
      closed++;
      assert.ok(block.endsWith(SQL_FENCE.close), block);
      // The fenced grammar's line break before the fence is optional: the statement's own (a trailing line comment ends in one) or the fence's.
      const body = block.slice(0, -SQL_FENCE.close.length);
      const sql = [body.replace(/\n$/, ''), body].find((text) => checkSentence(grammar, text).accepted);
      assert.ok(sql !== undefined, JSON.stringify(block));
      assert.equal(extractSql(result.text), extractSql(sql));
      if (mode === 'narrow') await db.query(extractSql(result.text));
    }
    if (mode === 'narrow') assert.equal(closed, 4, 'the narrow grammar always ends');
  });
}

test('Ask with reasoning: the SQL comes from the fenced block after the thinking, and runs', async () => {
  const result = await askQuestion(db, schema, engine, 'Which singers are older than 40?', {
    grammar: 'narrow',
    reasoning: { thinkingTokens: THINKING_TOKENS },
    corrections: 0,
  });
  assert.equal(result.valid, true, result.attempts[0]?.error);
  assert.match(result.sql, /^SELECT/);
});
