import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { buildAskPrompt } from '../../src/core/prompt/buildAskPrompt';
import { renderSchemaDdl } from '../../src/core/schema/renderSchemaDdl';
import { grammarFor, type GrammarMode } from '../../src/core/sql/grammarFor';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { namesInSql } from '../helpers/namesInSql';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';

const DATABASES: [string, string][] = [
  ['concert_singer', 'How many singers are older than 30?'],
  ['world_1', 'Which countries speak English?'],
  ['car_1', 'What is the average horsepower of cars from 1970?'],
];
const SEEDS = 30;

const engine = newEngine();
const schemas = new Map<string, DatabaseSchema>();
before(async () => {
  await engine.load(tinyModelParams());
  for (const [name] of DATABASES) {
    const db = await IsolatedDatabase.open(spiderDb(name), { workerScript: WORKER_SCRIPT });
    schemas.set(name, await db.readSchema({ sampleValues: 0 }));
    await db.dispose();
  }
});
after(() => engine.dispose());

interface Invented {
  sql: string;
  names: string[];
}

/** Every answer's names that are neither the schema's, nor defined by the answer itself, nor the engine's functions. */
/** SQLite's built-in collating functions (its documentation on datatypes); Quarry registers none. */
const SQLITE_COLLATIONS = new Set(['binary', 'nocase', 'rtrim']);

interface NameCheck {
  invented: Invented[];
  checked: number;
  unboundQualifiers: number;
  answers: number;
  /** Answers with a WITH clause, whose names may be their CTEs': the grammar leaves them free by design. */
  withClause: number;
  /** Answers cut off by the token limit whose columns were not checked (see below). */
  unfinished: number;
}

/**
 * `columnsOfUnfinished`: whether to check the columns of an answer cut off by the token limit. Under
 * the sql grammar, a query whose FROM has a derived table reads its columns loose (they may be the
 * derived table's aliases, which come after the select list), so an unfinished answer's select list
 * may hold any name until its FROM is written; a finished one had to name a derived table for that.
 */
async function inventedNames(mode: GrammarMode, columnsOfUnfinished: boolean): Promise<NameCheck> {
  const invented: Invented[] = [];
  let checked = 0;
  let unboundQualifiers = 0;
  let answers = 0;
  let withClause = 0;
  let unfinished = 0;
  for (const [name, question] of DATABASES) {
    const schema = schemas.get(name)!;
    const tables = new Set(schema.tables.map((t) => t.name.toLowerCase()));
    const columns = new Set(schema.tables.flatMap((t) => t.columns.map((c) => c.name.toLowerCase())));
    const prompt = buildAskPrompt({ dialect: schema.dialect, schemaDdl: renderSchemaDdl(schema), question });
    const grammar = grammarFor(schema, mode);
    for (let seed = 0; seed < SEEDS; seed++) {
      const answer = await engine.generate({ ...prompt, grammar, maxTokens: 200, temperature: 1, seed });
      answers++;
      const names = namesInSql(answer.text, new Set([...tables, ...columns]), answer.stopReason === 'maxTokens');
      if (names.withClause) {
        withClause++;
        continue;
      }
      const checkColumns = columnsOfUnfinished || answer.stopReason !== 'maxTokens';
      if (!checkColumns) unfinished++;
      const defined = new Set(names.defined.map((n) => n.toLowerCase()));
      const known = (set: Set<string>) => (n: string) => set.has(n.toLowerCase()) || defined.has(n.toLowerCase());
      const wrong = [
        ...names.tables.filter((n) => !known(tables)(n)),
        ...(checkColumns ? names.columns.filter((n) => !known(columns)(n)) : []),
        ...names.functions.filter((n) => !schema.functions.includes(n.toLowerCase())),
        ...names.collations.filter((n) => !SQLITE_COLLATIONS.has(n.toLowerCase())),
      ];
      checked += names.tables.length + (checkColumns ? names.columns.length : 0) + names.functions.length + names.collations.length;
      unboundQualifiers += names.qualifiers.filter((n) => !known(tables)(n)).length;
      if (wrong.length) invented.push({ sql: answer.text, names: wrong });
    }
  }
  return { invented, checked, unboundQualifiers, answers, withClause, unfinished };
}

test('under --grammar sql the tiny model writes no table, column or function the database lacks', async (t) => {
  const { invented, checked, unboundQualifiers, answers, withClause, unfinished } = await inventedNames('sql', false);
  // A context-free grammar cannot bind a qualifier to the alias that defines it, nor a name to the CTE
  // that defines it (issue 11, item 2): such references are left to validation and correction, and only counted here.
  t.diagnostic(
    `${answers} answers (${withClause} with a WITH clause, not checked; ${unfinished} unfinished, their columns not checked), ${checked} table, column, function and collation names checked; ` +
      `${unboundQualifiers} qualifiers name no table or alias of their statement`,
  );
  assert.deepEqual(invented, []);
  // The random model wanders into what the grammar leaves free (comments, literals, qualifiers), so names are few; seeds fix them.
  assert.ok(checked >= 10, `enough names to check (${checked})`);
});

test('the same check finds invented names when the grammar is off (so it can fail)', async () => {
  const { invented, answers } = await inventedNames('off', true);
  assert.ok(invented.length >= answers / 2, `${invented.length} of ${answers} answers with invented names`);
});
