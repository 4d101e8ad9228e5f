import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPromptContext } from '../../src/core/context/buildPromptContext';
import { estimateTokens } from '../../src/core/context/estimateTokens';
import { SchemaIndex } from '../../src/core/context/SchemaIndex';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
import { buildAskPrompt } from '../../src/core/prompt/buildAskPrompt';
import { extractSql } from '../../src/core/prompt/extractSql';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { buildNarrowGrammar } from '../../src/core/sql/buildNarrowGrammar';

const column = (name: string, type: string, examples: string[] = []) => ({ name, type, primaryKey: false, notNull: false, examples });
const schema: DatabaseSchema = {
  dialect: 'sqlite',
  functions: ['count', 'max'],
  tables: [
    { name: 'stadium', kind: 'table', rowCount: 3, foreignKeys: [], columns: [column('Stadium_ID', 'INT'), column('Location', 'TEXT', ['Raith Rovers'])] },
    {
      name: 'concert',
      kind: 'table',
      rowCount: 3,
      foreignKeys: [{ columns: ['Stadium_ID'], refTable: 'stadium', refColumns: ['Stadium_ID'] }],
      columns: [column('concert_ID', 'INT'), column('Stadium_ID', 'INT'), column('Theme', 'TEXT')],
    },
    { name: 'Odd Table', kind: 'table', rowCount: 0, foreignKeys: [], columns: [column('select', 'TEXT'), column('when', 'DATE')] },
    { name: 'pets', kind: 'table', rowCount: 0, foreignKeys: [], columns: [column('PetType', 'VARCHAR(20)')] },
  ],
};

test('extractSql keeps the SQL and drops fences, prose and what follows the statement', () => {
  assert.equal(extractSql('Here you go:\n```sql\nSELECT a FROM t;\n```\nThis counts rows.'), 'SELECT a FROM t');
  assert.equal(extractSql("SELECT 'a;b' FROM t; SELECT 2"), "SELECT 'a;b' FROM t");
  assert.equal(extractSql('The answer is SELECT count(*) FROM singer'), 'SELECT count(*) FROM singer');
  assert.equal(extractSql('-- comment\nSELECT 1\n-- trailing'), 'SELECT 1');
  assert.equal(extractSql('-- select the names, with their city\nSELECT name, city FROM customers'), 'SELECT name, city FROM customers');
  assert.equal(extractSql('no sql here'), 'no sql here');
  // A model that reasons first may show a draft: its answer is the last SQL block, as OmniSQL's parser reads it.
  assert.equal(extractSql('Try ```sql\nSELECT 1\n``` then fix it:\n```sql\nSELECT 2\n```'), 'SELECT 2');
  assert.equal(extractSql('The `x` column; a plain block ```\nSELECT 3\n```'), 'SELECT 3');
  assert.equal(extractSql('Thinking about it.\n```sql\nSELECT 4 FROM t'), 'SELECT 4 FROM t');
});

test('the prompt puts the schema first and the question last, for every model kind', () => {
  const prompt = buildAskPrompt({ dialect: 'duckdb', schemaDdl: 'CREATE TABLE t (a INT);\n', question: ' How many? ' });
  assert.match(prompt.system, /^You write DuckDB SQL\..*\n\nCREATE TABLE t \(a INT\);$/s);
  assert.equal(prompt.user, 'Question: How many?');
  assert.equal(prompt.completion, '-- DuckDB database schema\nCREATE TABLE t (a INT);\n\n-- Question: How many?\n-- DuckDB query:\n');
  const other = buildAskPrompt({ dialect: 'duckdb', schemaDdl: 'CREATE TABLE t (a INT);\n', question: 'Which?' });
  assert.ok(other.completion.startsWith('-- DuckDB database schema\nCREATE TABLE t (a INT);\n\n-- Question: '), 'a shared prefix to reuse');
});

test('a correction prompt carries the failed SQL, the database error verbatim and the valid names', () => {
  const prompt = buildAskPrompt({
    dialect: 'sqlite',
    schemaDdl: 'CREATE TABLE t (a INT);',
    question: 'q',
    correction: { sql: 'SELECT b FROM t', error: 'no such column: b', validNames: 't(a)' },
  });
  for (const text of [prompt.user, prompt.completion]) {
    assert.match(text, /This query failed:\n(-- )?SELECT b FROM t/);
    assert.match(text, /The database said: no such column: b/);
    assert.match(text, /Use only these tables and columns: t\(a\)/);
  }
});

test('the grammar names exactly the schema, quoted where needed', () => {
  const grammar = buildNarrowGrammar(schema, { dialect: 'sqlite' });
  const names = [...grammar.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string).join(' ');
  for (const name of ['stadium', 'concert.Stadium_ID', 'stadium.Stadium_ID', 'Location', '\\"Odd Table\\"', 'PetType']) {
    assert.ok(grammar.includes(name), `${name} in grammar`);
  }
  assert.match(grammar, /s\d+-from ::= " FROM concert JOIN stadium ON concert\.Stadium_ID = stadium\.Stadium_ID"/);
  assert.match(names, /"select"/, 'a reserved column name is quoted');
  assert.match(grammar, /'Raith Rovers'/, 'example values become literals');
  for (const line of grammar.trim().split('\n')) assert.match(line, /^[a-z0-9-]+ ::= /, 'GBNF rule names take letters, digits and dashes only');
  // Only numbers are compared with numbers: the DATE column gets no comparison, only IS NULL.
  assert.doesNotMatch(grammar, /"\\"when\\"" comparison/);
});

test('a schema cut to fit keeps the tables the question names, with the tables they join', () => {
  const sources = { index: new SchemaIndex(schema), format: PROMPT_FORMATS.quarry, countTokens: estimateTokens };
  // The tables take 27, 42, 21 and 16 estimated tokens: 30 holds any one but the second, 75 the first two.
  const one = (question: string) => buildPromptContext(sources, { question, budget: 30 }).tables;
  assert.deepEqual(buildPromptContext(sources, { question: 'Which themes had concerts?', budget: 75 }).tables, ['stadium', 'concert']);
  assert.deepEqual(one('list every pet type'), ['pets']);
  assert.deepEqual(one('Raith Rovers'), ['stadium']);
});
