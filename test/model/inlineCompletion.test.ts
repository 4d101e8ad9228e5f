import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { canonicalPrefix } from '../../src/core/complete/analyzeCompletionContext';
import { checkSentence } from '../../src/core/sql/continueGrammar';
import { CompletionSchema, InlineCompleter } from '../../src/core/complete/InlineCompleter';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';

const engine = newEngine();
let db: IsolatedDatabase;
let schema: CompletionSchema;

before(async () => {
  await engine.load(tinyModelParams());
  db = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
  schema = new CompletionSchema(await db.readSchema());
});
after(async () => {
  engine.dispose();
  await db.dispose();
});

const complete = (completer: InlineCompleter, text: string) =>
  completer.complete({ database: 'concert_singer', schema, text, offset: text.length }, new AbortController().signal);

test('with the tiny model under --grammar narrow, a comment gets a whole query and a begun statement its continuation, and both run', async () => {
  const completer = new InlineCompleter(engine, () => ({ grammar: 'narrow', debounceMs: 0, maxTokens: 200, onlyOnComment: false }));
  const whole = await complete(completer, '-- how many singers are older than 30?\n');
  assert.equal(whole?.kind, 'comment');
  await db.query(whole!.text);

  const prefixes = ['SELECT Name FROM singer WHERE ', 'select Country, count(*) from singer ', 'SELECT T', 'SELECT Name, Age FROM singer ORDER BY '];
  for (const prefix of prefixes) {
    const result = await complete(completer, `-- singers\n${prefix}`);
    assert.ok(result, `a continuation for ${prefix}`);
    assert.equal(result.kind, 'continue');
    // The model goes on from the grammar's spelling of the prefix; as the user typed it, the query runs too.
    const sql = canonicalPrefix(prefix) + result.text;
    await db.query(sql);
    await db.query(prefix + result.text);
  }
  assert.equal(completer.stats.modelCalls, 5);
});

test('under --grammar narrow, statements the narrow grammar cannot write (alias joins) and words with no space after them are continued into SQL that runs', async () => {
  const completer = new InlineCompleter(engine, () => ({ grammar: 'narrow', debounceMs: 0, maxTokens: 200, onlyOnComment: false }));
  const join = 'SELECT T2.Name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.Stadium_ID = T2.Stadium_ID';
  // No space at the end: the completion must bring its own (the tokenizer's first "▁" is easily lost).
  for (const prefix of ['SELECT Name, Age FROM singer', join, `${join} GROUP BY `, `${join} WHERE`]) {
    const result = await complete(completer, prefix);
    assert.ok(result, `a continuation for ${prefix}`);
    await db.query(prefix + result.text);
  }
});

test('under the sql grammar, a statement with aliases and functions is continued within the grammar', async () => {
  const completer = new InlineCompleter(engine, () => ({ grammar: 'sql', debounceMs: 0, maxTokens: 24, onlyOnComment: false }));
  const grammar = schema.grammarOf('sql').parsed;
  const prefixes = ['SELECT T1.Name, count(*) FROM singer AS T1 JOIN singer_in_concert AS T2 ON T1.Singer_ID = T2.', "select s.name\n  from singer s\n  where lower(s.Country) = 'france' and s."];
  for (const prefix of prefixes) {
    assert.notEqual(checkSentence(grammar, prefix).reason, 'refused', 'the sql grammar reads the prefix as written');
    const result = await complete(completer, prefix);
    assert.ok(result, `a continuation for ${prefix}`);
    // Whatever the random model wrote after the prefix, the grammar allowed it: after the alias, a column of the schema (or one more qualifier).
    assert.notEqual(checkSentence(grammar, prefix + result.text).reason, 'refused', result.text);
    const [, word, after] = /^(\w+)([\s\S]?)/.exec(result.text) ?? [];
    if (word && after && after !== '.') {
      assert.ok(schema.schema.tables.some((t) => t.columns.some((c) => c.name.toLowerCase() === word.toLowerCase())), `${word} is a column: ${result.text}`);
    }
  }
});
