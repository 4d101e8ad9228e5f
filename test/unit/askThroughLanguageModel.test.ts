import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import type { LanguageModel } from '../../src/core/engine/LanguageModel';
import type { GenerateParams, GenerateResult } from '../../src/core/protocol/modelServerMethods';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { openTestDb } from '../helpers/dbAssertions';
import { spiderDb } from '../helpers/fixtures';

let db: IsolatedDatabase;
let schema: DatabaseSchema;
before(async () => {
  db = await openTestDb(spiderDb('concert_singer'));
  schema = await db.readSchema();
});
after(() => db.dispose());

/** An engine behind the LanguageModel seam that answers from a script and keeps what it was sent. */
function scriptedModel(answers: string[], metadata: Record<string, string> = {}): LanguageModel & { sent: GenerateParams[] } {
  const sent: GenerateParams[] = [];
  return {
    sent,
    status: { modelPath: 'scripted', loraPath: null, device: 'cpu', contextSize: 8192, chatTemplate: true, loadMs: 0 },
    metadata: new Map(Object.entries(metadata)),
    capabilities: { grammar: true, infill: false, chatTemplate: true, batching: false },
    async generate(params): Promise<GenerateResult> {
      sent.push(params);
      const text = answers[sent.length - 1] ?? '';
      return { text, stopReason: 'eogToken', promptTokens: 1, reusedTokens: 0, generatedTokens: 1, promptMs: 0, generateMs: 0, infill: false } as GenerateResult;
    },
    generateBatch: async () => [],
    countTokens: async (text) => Math.ceil(text.length / 4),
  };
}

test('Ask depends only on the LanguageModel seam: any engine behind it gets the format, and the correction loop', async () => {
  const model = scriptedModel(['thinking…\n```sql\nSELECT nme FROM singer\n```', 'Let me fix it.\n```sql\nSELECT count(*) FROM singer WHERE Age > 30\n```']);
  const result = await askQuestion(db, schema, model, 'How many singers are older than 30?', { promptFormat: 'omnisql', grammar: 'off' });
  assert.equal(result.valid, true);
  assert.equal(result.sql, 'SELECT count(*) FROM singer WHERE Age > 30');
  assert.equal(result.attempts.length, 2);
  const [first, second] = model.sent;
  assert.equal(first!.system, '');
  assert.match(first!.user, /^Task Overview:\n/);
  assert.deepEqual(first!.reasoning && { open: first!.reasoning.open, after: first!.reasoning.after }, { open: '```sql', after: undefined });
  assert.match(second!.user, /This query failed:\nSELECT nme FROM singer/, 'the correction carries the database error back');
});

test("the format comes from the engine's model metadata when none is asked for: SQLCoder is sent raw text that ends at [SQL]", async () => {
  const model = scriptedModel(['SELECT count(*) FROM singer'], { 'general.name': 'sqlcoder-7b-2' });
  const result = await askQuestion(db, schema, model, 'How many singers?', { grammar: 'off' });
  assert.equal(result.valid, true);
  const [sent] = model.sent;
  assert.equal(sent!.rawCompletion, true);
  assert.deepEqual(sent!.stop, ['[/SQL]']);
  assert.ok(sent!.completion.endsWith('[QUESTION]How many singers?[/QUESTION]\n[SQL]'));
  assert.equal(sent!.reasoning, undefined);
  assert.equal(result.promptFormat, 'sqlcoder');
});

test("Arctic's turn is begun for the model and its thinking ends at </think>", async () => {
  const model = scriptedModel(['</think>\n<answer>\n```sql\nSELECT count(*) FROM singer\n```\n</answer>']);
  await askQuestion(db, schema, model, 'How many singers?', { promptFormat: 'arctic', grammar: 'off' });
  const [sent] = model.sent;
  assert.equal(sent!.responsePrefix, 'Let me solve this step by step. \n<think>');
  assert.equal(sent!.reasoning?.after, '</think>');
  assert.equal(sent!.reasoning?.thinkingTokens, 4096, 'a large context leaves the whole budget');
});

test('--samples: the answer whose result most answers agree on wins, whatever its SQL; when none runs, corrections follow', async () => {
  const agreeing = ['SELECT count(*) FROM singer WHERE Age > 30', 'SELECT count(Singer_ID) FROM singer WHERE Age > 30'];
  const model = scriptedModel(['SELECT count(*) FROM singer', agreeing[0]!, 'SELECT nme FROM singer', agreeing[1]!]);
  const result = await askQuestion(db, schema, model, 'How many singers are older than 30?', { samples: 4, grammar: 'off', promptFormat: 'quarry' });
  assert.equal(result.valid, true);
  assert.equal(result.sql, agreeing[0], 'the first answer of the largest group');
  assert.deepEqual(result.votes, [{ sql: agreeing[0], count: 2 }, { sql: 'SELECT count(*) FROM singer', count: 1 }]);
  assert.equal(result.attempts.length, 4);
  assert.deepEqual(model.sent.map((p) => p.seed), [0, 1, 2, 3]);
  assert.ok(model.sent.every((p) => p.temperature === 0.8), 'greedy asked for: sampled at 0.8 instead');
  assert.ok(model.sent.every((p) => p.topP === undefined), 'no top-p unless asked for');
  const nucleus = scriptedModel(['SELECT 1', 'SELECT 1']);
  await askQuestion(db, schema, nucleus, 'One?', { samples: 2, topP: 0.95, grammar: 'off', promptFormat: 'quarry' });
  assert.deepEqual(nucleus.sent.map((p) => p.topP), [0.95, 0.95]);

  const failing = scriptedModel(['SELECT nme FROM singer', 'SELECT x FROM singer', 'SELECT count(*) FROM singer']);
  const corrected = await askQuestion(db, schema, failing, 'How many singers?', { samples: 2, corrections: 1, grammar: 'off', promptFormat: 'quarry' });
  assert.equal(corrected.valid, true);
  assert.equal(corrected.votes, undefined);
  assert.equal(corrected.attempts.length, 3);
  assert.match(failing.sent[2]!.user, /This query failed:\nSELECT nme FROM singer/);
});

test('--samples: results with integers past 2^53 are voted on too (they come back as bigint)', async () => {
  const model = scriptedModel(['SELECT 9007199254740993', 'SELECT 9007199254740992 + 1', 'SELECT 9007199254740992']);
  const result = await askQuestion(db, schema, model, 'A big number?', { samples: 3, grammar: 'off', promptFormat: 'quarry' });
  assert.deepEqual(result.votes, [{ sql: 'SELECT 9007199254740993', count: 2 }, { sql: 'SELECT 9007199254740992', count: 1 }]);
});

test('a warehouse-sized schema: the whole prompt is counted on its first 100,000 characters, never tokenized whole, and retrieval still picks the question\'s table', async () => {
  const counted: number[] = [];
  const model = { ...scriptedModel(['SELECT count(*) FROM singer']), countTokens: async (text: string) => (counted.push(text.length), Math.ceil(text.length / 4)) };
  const warehouse: DatabaseSchema = {
    ...schema,
    tables: [
      ...schema.tables,
      ...Array.from({ length: 3000 }, (_, t) => ({
        name: `ledger_${t}`,
        kind: 'table' as const,
        rowCount: 10,
        foreignKeys: [],
        columns: Array.from({ length: 12 }, (_, c) => ({ name: `amount_${c}_${t}`, type: 'INTEGER', primaryKey: c === 0, notNull: false, examples: [] })),
      })),
    ],
  };
  const result = await askQuestion(db, warehouse, model, 'How many singers are there?', { promptFormat: 'quarry', grammar: 'off', corrections: 0 });
  assert.equal(result.valid, true, result.attempts[0]?.error);
  assert.ok(Math.max(...counted) <= 100_000, `the longest text tokenized: ${Math.max(...counted)} characters`);
  assert.ok(result.omittedTables.length > 2900, 'the schema was cut to what the question needs');
  assert.ok(result.context.tables.includes('singer'), result.context.tables.join(', '));
  assert.match(model.sent[0]!.completion, /CREATE TABLE singer \(/);
});
