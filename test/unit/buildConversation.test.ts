import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chatMessages } from '../../src/core/engine/remote/chatMessages';
import { buildConversation } from '../../src/core/prompt/buildConversation';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';

const schema: DatabaseSchema = {
  dialect: 'sqlite',
  functions: [],
  tables: [{ name: 'singer', kind: 'table', columns: [{ name: 'Name', type: 'TEXT', primaryKey: false, notNull: false, examples: [] }, { name: 'Country', type: 'TEXT', primaryKey: false, notNull: false, examples: [] }], foreignKeys: [], rowCount: 6 }],
};

test('a follow-up: the first question asked as usual, each answer as the model\'s turn, later requests as short user turns', () => {
  const format = PROMPT_FORMATS['qwen-coder'];
  const schemaText = format.renderSchema(schema);
  const plain = format.build({ schema, schemaText, question: 'How many singers?' });
  const prompt = buildConversation(format, {
    schema,
    schemaText,
    question: 'and their names',
    earlier: [
      { question: 'How many singers?', sql: 'SELECT count(*) FROM singer' },
      { question: 'only for France', sql: "SELECT count(*) FROM singer WHERE Country = 'France'" },
    ],
  });
  assert.deepEqual(prompt.earlierTurns, [
    { user: plain.user, assistant: '```sql\nSELECT count(*) FROM singer\n```' },
    { user: 'Follow-up: only for France\n\nChange the last query for this. Reply with the whole new query alone in a ```sql code block.', assistant: "```sql\nSELECT count(*) FROM singer WHERE Country = 'France'\n```" },
  ]);
  assert.match(prompt.user, /^Follow-up: and their names\n/);
  assert.equal(prompt.responsePrefix, '```sql\n');
  const corrected = buildConversation(format, { schema, schemaText, question: 'and their names', earlier: [{ question: 'q', sql: 'SELECT 1' }], correction: { sql: 'SELECT nme FROM singer', error: 'no such column: nme', validNames: 'singer(Name, Country)' } });
  assert.match(corrected.user, /no such column: nme/, 'a failed follow-up is corrected in its own turn');
  assert.doesNotMatch(corrected.earlierTurns![0]!.user, /no such column/);

  const messages = chatMessages({ system: prompt.system, user: prompt.user, completion: prompt.completion, earlierTurns: prompt.earlierTurns, responsePrefix: prompt.responsePrefix, grammar: null, maxTokens: 10 } as Parameters<typeof chatMessages>[0]);
  assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  assert.equal(messages[4]!.content, prompt.user);

  assert.deepEqual(buildConversation(format, { schema, schemaText, question: 'How many singers?' }), plain, 'no conversation: the format\'s own prompt');
  assert.equal(PROMPT_FORMATS.quarry.conversation, undefined, 'Quarry\'s model was trained on one question at a time');
  assert.equal(PROMPT_FORMATS.omnisql.conversation, undefined);
});
