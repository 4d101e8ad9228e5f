import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildAskPrompt } from '../../src/core/prompt/buildAskPrompt';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { quarry } from '../helpers/runCli';
import { PROJECT_ROOT, spiderDb } from '../helpers/fixtures';

const column = (name: string, type: string, extra: { primaryKey?: boolean; examples?: string[] } = {}) => ({
  name,
  type,
  primaryKey: extra.primaryKey ?? false,
  notNull: false,
  examples: extra.examples ?? [],
});

/** Names and values that exercise each rule of the formats: a keyword, a space, quotes in values, composite keys. */
const SCHEMA: DatabaseSchema = {
  dialect: 'sqlite',
  functions: ['count'],
  tables: [
    {
      name: 'album',
      kind: 'table',
      rowCount: 2,
      columns: [column('id', 'INTEGER', { primaryKey: true }), column('Year', 'TEXT', { examples: ['1999'] }), column('title', 'TEXT', { examples: ["It's", 'Blue', 'a'.repeat(45)] })],
      foreignKeys: [],
    },
    {
      name: 'track list',
      kind: 'table',
      rowCount: 3,
      columns: [column('album_id', 'INTEGER', { primaryKey: true }), column('pos', 'INTEGER', { primaryKey: true }), column('name', 'TEXT', { examples: ['Intro'] })],
      foreignKeys: [{ columns: ['album_id'], refTable: 'album', refColumns: ['id'] }],
    },
    {
      name: 'note',
      kind: 'table',
      rowCount: 1,
      columns: [column('body', 'TEXT', { examples: ['say "hi"\n'] })],
      foreignKeys: [],
    },
  ],
};

function build(id: keyof typeof PROMPT_FORMATS, evidence?: string) {
  const format = PROMPT_FORMATS[id];
  return format.build({ schema: SCHEMA, schemaText: format.renderSchema(SCHEMA), question: 'Which albums came out in 1999?', evidence });
}

// The expected texts below are written out from the sources (OmniSQL's README template and
// process_dataset.py's obtain_db_details; SQLCoder-7b-2's model card), not produced by the code under test.
const OMNISQL_SCHEMA = `CREATE TABLE album (
    id INTEGER,
    \`Year\` TEXT, -- example: ['1999']
    title TEXT, -- example: ["It's", 'Blue', '${'a'.repeat(40)}']
    PRIMARY KEY (id)
);

CREATE TABLE \`track list\` (
    album_id INTEGER,
    pos INTEGER,
    name TEXT, -- example: ['Intro']
    PRIMARY KEY (album_id, pos),
    CONSTRAINT fk_track_list_album_id FOREIGN KEY (album_id) REFERENCES album (id)
);

CREATE TABLE note (
    body TEXT, -- example: ['say "hi"\\n']
);`;

/** The part OmniSQL's template and Arctic's harness share, for the question with its evidence. */
const OMNISQL_BODY = `Database Engine:
SQLite

Database Schema:
${OMNISQL_SCHEMA}
This schema describes the database's structure, including tables, columns, primary keys, foreign keys, and any relevant relationships or constraints.

Question:
In 1999 means Year = 1999
Which albums came out in 1999?

Instructions:
- Make sure you only output the information that is asked in the question. If the question asks for a specific column, make sure to only include that column in the SELECT clause, nothing more.
- The generated query should return all of the information asked in the question without any missing or extra information.
- Before generating the final SQL query, please think through the steps of how to write the query.

Output Format:
`;

test('omnisql: the OmniSQL template word for word, its DDL with example values, evidence before the question, one user turn', () => {
  const prompt = build('omnisql', 'In 1999 means Year = 1999');
  const expected = `Task Overview:
You are a data science expert. Below, you are provided with a database schema and a natural language question. Your task is to understand the schema and generate a valid SQL query to answer the question.

${OMNISQL_BODY}In your answer, please enclose the generated SQL query in a code block:
\`\`\`sql
-- Your SQL query
\`\`\`

Take a deep breath and think step by step to find the correct SQL query.
`;
  assert.equal(prompt.user, expected);
  assert.equal(prompt.system, '', 'no system turn: the chat template default applies, as in training');
  assert.equal(prompt.rawCompletion, false);
  assert.equal(PROMPT_FORMATS.omnisql.answer.reasonsFirst, true);
  assert.ok(!build('omnisql').user.includes('Year = 1999'), 'without evidence the question stands alone');
});

test('arctic: its harness word for word — the system turn, OmniSQL\'s schema and question, <think>/<answer> instructions, the turn begun for the model', () => {
  const prompt = build('arctic', 'In 1999 means Year = 1999');
  assert.equal(
    prompt.system,
    'You are a data science expert. Below, you are provided with a database schema and a natural language question. Your task is to understand the schema and generate a valid SQL query to answer the question.',
  );
  const expected = `${OMNISQL_BODY}Please provide a detailed chain-of-thought reasoning process and include your thought process within \`<think>\` tags. Your final answer should be enclosed within \`<answer>\` tags.

Ensure that your SQL query follows the correct syntax and is formatted as follows:

\`\`\`sql
-- Your SQL query here
\`\`\`

Example format:
<think> Step-by-step reasoning, including self-reflection and corrections if necessary. [Limited by 4K tokens] </think>
<answer> Summary of the thought process leading to the final SQL query. [Limited by 1K tokens]

\`\`\`sql
Correct SQL query here
\`\`\`
</answer>`;
  assert.equal(prompt.user, expected);
  assert.equal(prompt.responsePrefix, 'Let me solve this step by step. \n<think>');
  assert.equal(PROMPT_FORMATS.arctic.answer.thinkingEnds, '</think>');
});

// Written out from M-Schema's m_schema.py (to_mschema, single_table_mschema) for SCHEMA: three
// examples at most, one when a value is over 20 characters, the foreign keys after the tables.
const M_SCHEMA = `【DB_ID】 Anonymous
【Schema】
# Table: album
[
(id:INTEGER, Primary Key),
(Year:TEXT, Examples: [1999]),
(title:TEXT, Examples: [It's])
]
# Table: track list
[
(album_id:INTEGER, Primary Key),
(pos:INTEGER, Primary Key),
(name:TEXT, Examples: [Intro])
]
# Table: note
[
(body:TEXT, Examples: [say "hi"
])
]
【Foreign keys】
track list.album_id=album.id`;

test('xiyan: the XiYanSQL-QwenCoder template as its README publishes it, the question before and after an M-Schema, an opened sql fence', () => {
  const prompt = build('xiyan', 'Year is text');
  assert.equal(
    prompt.user,
    `你是一名SQLite专家，现在需要阅读并理解下面的【数据库schema】描述，以及可能用到的【参考信息】，并运用SQLite知识生成sql语句回答【用户问题】。\n【用户问题】\nWhich albums came out in 1999?\n\n【数据库schema】\n${M_SCHEMA}\n\n【参考信息】\nYear is text\n\n【用户问题】\nWhich albums came out in 1999?\n\n\`\`\`sql`,
  );
  assert.equal(prompt.system, '');
  assert.deepEqual(PROMPT_FORMATS.xiyan.answer.stop, ['```']);
});

test('M-Schema: the database\'s name as DB_ID, one example for a time column, none for e-mail addresses or values over 50 characters, types without arguments', () => {
  const schema: DatabaseSchema = {
    dialect: 'sqlite',
    name: 'shop',
    functions: [],
    tables: [
      {
        name: 'customer',
        kind: 'table',
        rowCount: 3,
        columns: [
          column('email', 'varchar(80)', { examples: ['a@b.com', 'c@d.org'] }),
          column('joined', 'DATE', { examples: ['2024-01-01', '2024-02-01'] }),
          column('bio', 'TEXT', { examples: ['x'.repeat(51), 'short'] }),
          column('note', '', { examples: ['', 'one', 'two', 'three', 'four'] }),
        ],
        foreignKeys: [],
      },
    ],
  };
  assert.equal(
    PROMPT_FORMATS.xiyan.renderSchema(schema),
    '【DB_ID】 shop\n【Schema】\n# Table: customer\n[\n(email:VARCHAR),\n(joined:DATE, Examples: [2024-01-01]),\n(bio:TEXT),\n(note:NULL, Examples: [one, two, three])\n]',
  );
});

test('premsql: PremSQL\'s BASE_TEXT2SQL_PROMPT as published, the CREATE TABLE statements without example values, evidence as Additional Knowledge', () => {
  const prompt = build('premsql', 'Year is text');
  const tables = [
    'CREATE TABLE album (\n  id INTEGER PRIMARY KEY,\n  Year TEXT,\n  title TEXT\n);',
    'CREATE TABLE "track list" (\n  album_id INTEGER,\n  pos INTEGER,\n  name TEXT,\n  PRIMARY KEY (album_id, pos),\n  FOREIGN KEY (album_id) REFERENCES album (id)\n);',
    'CREATE TABLE note (\n  body TEXT\n);',
  ].join('\n');
  assert.equal(
    prompt.user,
    `\n# Follow these instruction:\nYou will be given schemas of tables of a database. Your job is to write correct\nerror free SQL query based on the question asked. Please make sure:\n\n1. Do not add \`\`\` at start / end of the query. It should be a single line query in a  single line (string format)\n2. Make sure the column names are correct and exists in the table\n3. For column names which has a space with it, make sure you have put \`\` in that column name\n4. Think step by step and always check schema and question and the column names before writing the\nquery. \n\n# Database and Table Schema:\n${tables}\n\n# Additional Knowledge:\nYear is text\n\n# Here are some Examples on how to generate SQL statements and use column names:\n\n\n# Question: Which albums came out in 1999?\n\n# SQL: \n`,
  );
  assert.equal(prompt.system, '');
  assert.equal(prompt.rawCompletion, false);
  const corrected = PROMPT_FORMATS.premsql.build({
    schema: SCHEMA,
    schemaText: PROMPT_FORMATS.premsql.renderSchema(SCHEMA),
    question: 'Which albums came out in 1999?',
    correction: { sql: 'SELECT yr FROM album', error: 'no such column: yr', validNames: 'album(id, Year, title)' },
  });
  assert.ok(corrected.user.startsWith(build('premsql').user), 'the first prompt, then PremSQL\'s error-handling part');
  assert.ok(corrected.user.endsWith('\n\n# Generated SQL: SELECT yr FROM album\n\n## Error Message\n\nno such column: yr\nValid tables and columns: album(id, Year, title)\n\nCarefully review the original question and error message, then rewrite the SQL query to address the identified issues. \nEnsure your corrected query uses correct column names, \nfollows proper SQL syntax, and accurately answers the original question \nwithout introducing new errors.\n\n# SQL: \n'));
});

test('qwen-coder: one user turn with Quarry\'s DDL, the answer begun as a sql block and ended by its closing fence', () => {
  const prompt = build('qwen-coder', 'Year is text');
  assert.equal(
    prompt.user,
    `SQLite database schema:\n${renderSchemaDdl(SCHEMA).trimEnd()}\n\nEvidence: Year is text\nQuestion: Which albums came out in 1999?\n\nWrite one SQLite query that answers the question. Reply with the query alone in a \`\`\`sql code block.`,
  );
  assert.equal(prompt.system, '');
  assert.equal(prompt.responsePrefix, '```sql\n');
  assert.deepEqual(PROMPT_FORMATS['qwen-coder'].answer.stop, ['```']);
});

test('every prompt format is a choice of the quarry.model.promptFormat setting, with a description', () => {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const setting = manifest.contributes.configuration.properties['quarry.model.promptFormat'];
  assert.deepEqual(setting.enum, ['auto', ...Object.keys(PROMPT_FORMATS)]);
  assert.equal(setting.enumDescriptions.length, setting.enum.length);
});

test('sqlcoder: the SQLCoder-7b-2 prompt, raw completion ending at [SQL], stopped at [/SQL]; evidence as an Instructions section', () => {
  const ddl = renderSchemaDdl(SCHEMA).trimEnd();
  const plain = build('sqlcoder');
  assert.equal(
    plain.completion,
    `### Task\nGenerate a SQL query to answer [QUESTION]Which albums came out in 1999?[/QUESTION]\n\n### Database Schema\nThe query will run on a database with the following schema:\n${ddl}\n\n### Answer\nGiven the database schema, here is the SQL query that [QUESTION]Which albums came out in 1999?[/QUESTION]\n[SQL]`,
  );
  assert.equal(plain.rawCompletion, true);
  assert.deepEqual(PROMPT_FORMATS.sqlcoder.answer.stop, ['[/SQL]']);
  const withEvidence = build('sqlcoder', 'Year is text');
  assert.match(withEvidence.completion, /\[\/QUESTION\]\n\n### Instructions\n- Year is text\n\n### Database Schema\n/);
});

test('quarry: unchanged without evidence (what dataset exports hold), an Evidence line before the question with it', () => {
  const schemaDdl = renderSchemaDdl(SCHEMA);
  const plain = build('quarry');
  const exported = buildAskPrompt({ dialect: 'sqlite', schemaDdl, question: 'Which albums came out in 1999?' });
  assert.deepEqual({ system: plain.system, user: plain.user, completion: plain.completion }, exported);
  assert.equal(plain.user, 'Question: Which albums came out in 1999?');
  const withEvidence = build('quarry', 'Year is text');
  assert.equal(withEvidence.user, 'Evidence: Year is text\nQuestion: Which albums came out in 1999?');
  assert.match(withEvidence.completion, /-- Evidence: Year is text\n-- Question: Which albums came out in 1999\?\n/);
});

test('quarry ask --print-prompt prints the chosen format without a model; a bad format is a usage error', () => {
  const db = spiderDb('concert_singer');
  const omnisql = quarry(['ask', '--db', db, '--prompt-format', 'omnisql', '--print-prompt', '--evidence', 'older: Age > 30', 'How many singers are older than 30?']);
  assert.equal(omnisql.code, 0, omnisql.stderr);
  assert.match(omnisql.stdout, /^=== user ===\nTask Overview:\n/);
  assert.match(omnisql.stdout, /Question:\nolder: Age > 30\nHow many singers are older than 30\?\n/);
  assert.match(omnisql.stdout, /Name TEXT, -- example: \[/);
  const sqlcoder = quarry(['ask', '--db', db, '--prompt-format', 'sqlcoder', '--print-prompt', '--json', 'How many singers?']);
  assert.equal(sqlcoder.code, 0, sqlcoder.stderr);
  const printed = JSON.parse(sqlcoder.stdout) as { format: string; completion: string };
  assert.equal(printed.format, 'sqlcoder');
  assert.ok(printed.completion.endsWith('[QUESTION]How many singers?[/QUESTION]\n[SQL]'));
  const quarryChat = JSON.parse(quarry(['ask', '--db', db, '--print-prompt', '--json', 'How many singers?']).stdout) as { messages: { role: string }[] };
  assert.deepEqual(quarryChat.messages.map((m) => m.role), ['system', 'user']);
  const arctic = quarry(['ask', '--db', db, '--prompt-format', 'arctic', '--print-prompt', 'How many singers?']);
  assert.match(arctic.stdout, /^=== system ===\nYou are a data science expert\./);
  assert.ok(arctic.stdout.endsWith('=== assistant (begun for the model) ===\nLet me solve this step by step. \n<think>\n'), arctic.stdout.slice(-120));
  const bad = quarry(['ask', '--db', db, '--prompt-format', 'gpt', '--print-prompt', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--prompt-format must be one of quarry, omnisql, arctic, xiyan, sqlcoder, premsql, qwen-coder, got 'gpt'/);
});
