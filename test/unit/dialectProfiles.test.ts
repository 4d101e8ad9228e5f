import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import BetterSqlite3 from 'better-sqlite3';
import { DIALECT_PROFILES } from '../../src/core/dialects/dialectProfiles';
import { PROMPT_FORMATS } from '../../src/core/prompt/promptFormats';
import { buildSqlModeGrammar } from '../../src/core/sql/buildSqlModeGrammar';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';

/** One profile per dialect (issue 30): prompts, quoting and the grammar read its features, and what they write runs on the engine. */
const schema = (dialect: DatabaseSchema['dialect']): DatabaseSchema => ({
  dialect,
  functions: ['count'],
  tables: [{ name: 'Odd Name', kind: 'table', rowCount: 1, foreignKeys: [], columns: [{ name: 'select', type: 'INTEGER', primaryKey: false, notNull: false, examples: [] }] }],
});

test('each profile is registered under its own id, and prompts name the engine by its label', () => {
  for (const [id, profile] of Object.entries(DIALECT_PROFILES)) {
    assert.equal(profile.id, id);
    assert.match(PROMPT_FORMATS.quarry.build({ schema: schema(profile.id), schemaText: '', question: 'q' }).system, new RegExp(`^You write ${profile.label} SQL`));
  }
});

test("OmniSQL's quoting follows what the engine reads: backticks on SQLite, double quotes on DuckDB, and the names shown run there", async () => {
  const sqliteText = PROMPT_FORMATS.omnisql.renderSchema(schema('sqlite'));
  const duckdbText = PROMPT_FORMATS.omnisql.renderSchema(schema('duckdb'));
  assert.match(sqliteText, /CREATE TABLE `Odd Name` \(\n {4}`select` INTEGER/);
  assert.match(duckdbText, /CREATE TABLE "Odd Name" \(\n {4}"select" INTEGER/);
  const sqlite = new BetterSqlite3(':memory:');
  sqlite.exec('CREATE TABLE "Odd Name" ("select" INTEGER)');
  assert.doesNotThrow(() => sqlite.prepare('SELECT `select` FROM `Odd Name`').all());
  sqlite.close();
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run('CREATE TABLE "Odd Name" ("select" INTEGER)');
  await connection.run('SELECT "select" FROM "Odd Name"');
  await assert.rejects(connection.run('SELECT `select` FROM `Odd Name`'), /syntax error/);
  connection.closeSync();
  instance.closeSync();
});

test("the sql grammar has a dialect's features where its profile says so, and not elsewhere", () => {
  for (const profile of Object.values(DIALECT_PROFILES)) {
    const grammar = buildSqlModeGrammar(schema(profile.id));
    assert.equal(/\[qQ\]\[uU\]\[aA\]\[lL\]\[iI\]\[fF\]\[yY\]|"qualify"|qualify/i.test(grammar.match(/^after-results ::=.*$/m)![0]), profile.grammar.qualify, `${profile.id}: QUALIFY`);
    assert.equal(/ \| "`" \[\^`\]\+ "`"/.test(grammar), profile.extraIdentifierQuotes.includes('backtick'), `${profile.id}: backticks`);
    assert.equal(/^dq-string ::=/m.test(grammar), profile.doubleQuotedStrings, `${profile.id}: double-quoted strings`);
    assert.equal(grammar.includes('("[]")*'), profile.grammar.arrayTypes, `${profile.id}: array types`);
  }
});
