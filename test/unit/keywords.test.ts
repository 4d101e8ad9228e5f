import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeCompletionContext, canonicalPrefix } from '../../src/core/complete/analyzeCompletionContext';
import { buildNarrowGrammar } from '../../src/core/sql/buildNarrowGrammar';
import { GRAMMAR_KEYWORDS } from '../../src/core/sql/keywords';
import { openTestDb } from '../helpers/dbAssertions';
import { spiderDb } from '../helpers/fixtures';

test('the schema grammar writes exactly the keywords the completion canonicaliser knows', async () => {
  const written = new Set<string>();
  for (const dbId of ['concert_singer', 'world_1', 'car_1', 'flight_2']) {
    const db = await openTestDb(spiderDb(dbId));
    const schema = await db.readSchema();
    await db.dispose();
    const names = new Set(schema.tables.flatMap((t) => [t.name, ...t.columns.map((c) => c.name)]).map((n) => n.toUpperCase()));
    for (const literal of buildNarrowGrammar(schema, { dialect: 'sqlite' }).matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
      // Words outside the SQL strings (sample values) of each literal.
      for (const word of literal[1]!.replace(/'[^']*'/g, '').match(/\b[A-Z][A-Z_]+\b/g) ?? []) if (!names.has(word)) written.add(word);
    }
  }
  assert.deepEqual([...written].filter((w) => !GRAMMAR_KEYWORDS.has(w)), [], 'keywords the grammar writes that the canonicaliser would leave in the user\'s case');
  assert.deepEqual([...GRAMMAR_KEYWORDS].filter((w) => !written.has(w)), [], 'keywords listed that no grammar writes');
  assert.equal(canonicalPrefix('select count(*) from singer where'), 'SELECT COUNT(*) FROM singer WHERE');
  assert.equal(analyzeCompletionContext('select name from singer s where ', 32).kind, 'continue');
});
