import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { analyzeCompletionContext, canonicalPrefix } from '../../src/core/complete/analyzeCompletionContext';
import { CompletionCache } from '../../src/core/complete/CompletionCache';
import { cutAtUnknownName, finishCompletion } from '../../src/core/complete/finishCompletion';
import { CompletionSchema, InlineCompleter, type CompletionResult, type CompletionSettings } from '../../src/core/complete/InlineCompleter';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import type { GenerateParams, GenerateResult } from '../../src/core/protocol/modelServerMethods';
import { acceptsSentence, parseGbnf } from '../../src/core/sql/continueGrammar';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';

let concert: CompletionSchema;
let world: CompletionSchema;
let db: IsolatedDatabase;

before(async () => {
  db = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
  concert = new CompletionSchema(await db.readSchema());
  const worldDb = await IsolatedDatabase.open(spiderDb('world_1'), { workerScript: WORKER_SCRIPT });
  world = new CompletionSchema(await worldDb.readSchema());
  await worldDb.dispose();
});
after(() => db.dispose());

/** A model's answer less its stage times, which vary from run to run. */
const withoutTiming = (result: CompletionResult | null) => {
  if (!result) return result;
  const { timing, ...rest } = result;
  assert.ok(timing, 'a model answer says where its time went');
  return rest;
};

const at = (text: string) => analyzeCompletionContext(text.replace('|', ''), text.indexOf('|'));

test('prefix analysis: a comment above an empty line asks for a query, SQL asks for its continuation, strings and comments for nothing', () => {
  assert.deepEqual(at('-- top 5 singers\n-- by age\n|'), { kind: 'comment', question: 'top 5 singers by age' });
  assert.deepEqual(at('SELECT 1;\n\n-- how many concerts?\n|'), { kind: 'comment', question: 'how many concerts?' });
  assert.equal(at('-- top 5 singers\n\n|').kind, 'none', 'a blank line ends the comment');
  assert.equal(at('-- top 5 sing|').kind, 'none', 'inside the comment');
  assert.equal(at("SELECT Name FROM singer WHERE Country = 'Fr|").kind, 'none', 'inside a string');
  assert.equal(at('SELECT Na| FROM singer').kind, 'none', 'text after the cursor on the line');

  const continued = at('SELECT 1;\n-- French singers\nSELECT Name FROM singer\nWHERE |\nORDER BY Age;\nSELECT 2;');
  assert.equal(continued.kind, 'continue');
  if (continued.kind !== 'continue') return;
  assert.equal(continued.prefix, 'SELECT Name FROM singer\nWHERE ');
  assert.equal(continued.suffix, '\nORDER BY Age');
  assert.equal(continued.comment, 'French singers');
  assert.deepEqual(continued.tables, ['singer']);
});

test('tables in scope: FROM and JOIN names with aliases and lists, before and after the cursor', () => {
  const scoped = (text: string) => {
    const context = at(text);
    return context.kind === 'continue' ? context.tables : [];
  };
  assert.deepEqual(scoped('SELECT T1.Name FROM singer AS T1 JOIN singer_in_concert T2 ON |'), ['singer', 'singer_in_concert']);
  assert.deepEqual(scoped('SELECT count(*) FROM concert, stadium WHERE |'), ['concert', 'stadium']);
  assert.deepEqual(scoped('SELECT Name, |\n FROM "singer"'), ['singer']);
  assert.deepEqual(scoped('SELECT |'), []);
  // In scope means preferred: the grammar then offers the columns of those tables only.
  const grammar = concert.narrowGrammar(['stadium']).parsed;
  assert.ok(acceptsSentence(grammar, 'SELECT Capacity FROM stadium'));
  assert.ok(!acceptsSentence(grammar, 'SELECT Age FROM singer'));
  assert.ok(acceptsSentence(world.narrowGrammar([]).parsed, 'SELECT Name FROM city'));
});

test('the prefix is put in the grammar\u2019s own spelling, so the grammar can go on from it', () => {
  assert.equal(canonicalPrefix('select  name,age\n  from singer where age>=30 and '), 'SELECT name, age FROM singer WHERE age >= 30 AND ');
  assert.equal(canonicalPrefix('select count( * ) from singer'), 'SELECT COUNT(*) FROM singer');
  assert.equal(canonicalPrefix('SELECT Name FROM singer WHERE Song_Name IN ('), 'SELECT Name FROM singer WHERE Song_Name IN (');
  const grammar = concert.narrowGrammar(['singer']).parsed;
  assert.ok(acceptsSentence(grammar, `${canonicalPrefix('select Name\nfrom singer where Age>')}30`));
  // Names as the schema spells them, as Spider's queries often do not; a name that is a keyword too stays the name.
  assert.equal(canonicalPrefix('select name ,  age from singer where country = ', concert.spellings), 'SELECT Name, Age FROM singer WHERE Country = ');
  assert.equal(canonicalPrefix('SELECT YEAR FROM concert GROUP BY ', concert.spellings), 'SELECT Year FROM concert GROUP BY ');
  assert.equal(canonicalPrefix('select count(*) from singer', new Map([['count', 'Count']])), 'SELECT COUNT(*) FROM singer', 'a call stays the function');
  assert.ok(acceptsSentence(concert.narrowGrammar(['singer']).parsed, `${canonicalPrefix('select name ,  age from singer where country = ', concert.spellings)}'France'`));
});

test('stop rules: a completion ends at its statement, and without a grammar at the first unknown name', () => {
  assert.equal(finishCompletion('Name FROM singer; DROP TABLE singer'), 'Name FROM singer');
  assert.equal(finishCompletion("Name FROM singer WHERE Country = 'a;b'\n\nSELECT 2"), "Name FROM singer WHERE Country = 'a;b'");
  assert.equal(finishCompletion('   \n'), null);
  const names = concert.knownNames('SELECT T1.Name FROM singer AS T1 WHERE ');
  assert.equal(cutAtUnknownName('T1.Age > 30 AND T1.Salary > 2', names), 'T1.Age > 30 AND T1.', 'Salary is no column');
  assert.equal(cutAtUnknownName('Age > 30 ORDER BY Age DESC', names), 'Age > 30 ORDER BY Age DESC');
  assert.equal(cutAtUnknownName('bogus', names), null);
});

test('the cache answers while the user types what it proposed, and only then', () => {
  const cache = new CompletionCache(3);
  cache.set('db\u0000q', 'SELECT ', 'Name FROM singer');
  assert.equal(cache.get('db\u0000q', 'SELECT '), 'Name FROM singer');
  assert.equal(cache.get('db\u0000q', 'SELECT Na'), 'me FROM singer');
  assert.equal(cache.get('db\u0000q', 'SELECT Ag'), null, 'typed something else');
  assert.equal(cache.get('db\u0000q', 'SELECT Name FROM singer'), null, 'nothing left to propose');
  assert.equal(cache.get('other\u0000q', 'SELECT '), null, 'another database');
  cache.set('db\u0000q', 'SELECT Name FROM ', 'singer WHERE Age > 30');
  assert.equal(cache.get('db\u0000q', 'SELECT Name FROM s'), 'inger WHERE Age > 30', 'the longest matching prefix wins');
  cache.set('db\u0000q', 'a', 'b');
  cache.set('db\u0000q', 'c', 'd');
  assert.equal(cache.size, 3, 'the oldest entry goes');
  assert.equal(cache.get('db\u0000q', 'SELECT '), null);
});

/** A model whose answers the test releases by hand, to see what the completer asks and when. */
class ScriptedModel {
  readonly calls: { params: GenerateParams; signal: AbortSignal; resolve: (text: string) => void }[] = [];
  generate(params: GenerateParams, signal?: AbortSignal): Promise<GenerateResult> {
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('cancelled')), { once: true });
      this.calls.push({
        params,
        signal: signal!,
        resolve: (text) => resolve({ text, promptTokens: 0, reusedTokens: 0, generatedTokens: 0, promptMs: 0, generateMs: 0, stopReason: 'eogToken' }),
      });
    });
  }
}

const settings: CompletionSettings = { grammar: 'narrow', debounceMs: 30, maxTokens: 32, onlyOnComment: false };
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('debounce, reuse of a running generation, cancellation when the text moves away, and the cache', async () => {
  const model = new ScriptedModel();
  const completer = new InlineCompleter(model, () => settings);
  const request = (text: string) => ({ database: 'concert', schema: concert, text, offset: text.length });

  // Keystrokes faster than the debounce: only the last one reaches the model.
  const typing = ['SELECT N', 'SELECT Na'].map((text) => {
    const controller = new AbortController();
    return { controller, done: completer.complete(request(text), controller.signal) };
  });
  typing[0]!.controller.abort();
  assert.equal(await typing[0]!.done, null);
  await tick(60);
  assert.equal(model.calls.length, 1);
  const call = model.calls[0]!;
  assert.equal(call.params.responsePrefix, 'SELECT Na');
  assert.ok(call.params.grammar, 'continuation under the schema grammar');
  assert.ok(acceptsSentence(parseGbnf(call.params.grammar!), 'me FROM singer'), 'the grammar goes on from the prefix');

  // The user types on, in agreement with the running generation: the new request waits for it.
  typing[1]!.controller.abort();
  const next = new AbortController();
  const reused = completer.complete(request('SELECT Nam'), next.signal);
  call.resolve('me FROM singer;');
  assert.deepEqual(await reused, { text: 'e FROM singer', source: 'reuse', kind: 'continue' });
  assert.equal(model.calls.length, 1, 'no second model call');

  // From the cache while the typed text agrees.
  assert.deepEqual(await completer.complete(request('SELECT Name F'), new AbortController().signal), { text: 'ROM singer', source: 'cache', kind: 'continue' });

  // Typing something else stops a running generation that cannot be used any more.
  const away = completer.complete(request('SELECT Age FROM singer WHERE '), new AbortController().signal);
  await tick(60);
  assert.equal(model.calls.length, 2);
  const stale = model.calls[1]!;
  const moved = completer.complete(request('SELECT Country FROM singer WHERE '), new AbortController().signal);
  assert.ok(stale.signal.aborted, 'the stale generation was stopped');
  assert.equal(await away, null);
  await tick(60);
  model.calls[2]!.resolve("Age > 30");
  assert.deepEqual(withoutTiming(await moved), { text: 'Age > 30', source: 'model', kind: 'continue' });
  assert.deepEqual(completer.stats, { requests: 6, debounced: 1, fromCache: 1, reused: 1, modelCalls: 3, cancelledCalls: 1 });
  completer.dispose();
});

test('a comment asks for a whole query under the full grammar; only-on-comment mode ignores SQL', async () => {
  const model = new ScriptedModel();
  const completer = new InlineCompleter(model, () => ({ ...settings, onlyOnComment: true }));
  const text = '-- names of singers from France\n';
  const pending = completer.complete({ database: 'concert', schema: concert, text, offset: text.length }, new AbortController().signal);
  await tick(60);
  const call = model.calls[0]!;
  assert.match(call.params.completion, /Question: names of singers from France/);
  assert.equal(call.params.responsePrefix, undefined);
  assert.ok(acceptsSentence(parseGbnf(call.params.grammar!), "SELECT Name FROM singer WHERE Country = 'France'"));
  call.resolve("SELECT Name FROM singer WHERE Country = 'France'");
  const result = await pending;
  assert.equal(result?.kind, 'comment');
  await db.query(result!.text);
  const sql = 'SELECT Name FROM singer WHERE ';
  assert.equal(await completer.complete({ database: 'concert', schema: concert, text: sql, offset: sql.length }, new AbortController().signal), null);
  assert.equal(model.calls.length, 1);
});

test('under the sql grammar (the default), SQL with aliases, functions and any layout is continued under the grammar, as typed', async () => {
  const model = new ScriptedModel();
  const completer = new InlineCompleter(model, () => ({ ...settings, grammar: 'sql' }));
  const text = "select s.Name, upper(s.Country)\n  from singer s\n  where s.";
  const pending = completer.complete({ database: 'concert', schema: concert, text, offset: text.length }, new AbortController().signal);
  await tick(60);
  const call = model.calls[0]!;
  assert.equal(call.params.responsePrefix, text, 'the prefix as the user wrote it');
  const grammar = parseGbnf(call.params.grammar!);
  assert.ok(acceptsSentence(grammar, "Age > 30 order by s.Name"), 'the grammar goes on from the prefix');
  assert.ok(!acceptsSentence(grammar, 'Agee > 30'), 'with the schema\u2019s names only');
  call.resolve('Age > 30');
  assert.deepEqual(withoutTiming(await pending), { text: 'Age > 30', source: 'model', kind: 'continue' });

  // The narrow grammar has no aliases: there the same statement escapes the grammar, as it did before the sql grammar.
  const narrow = new InlineCompleter(model, () => settings);
  const escaped = narrow.complete({ database: 'concert', schema: concert, text, offset: text.length }, new AbortController().signal);
  await tick(60);
  assert.equal(model.calls[1]!.params.grammar, null);
  model.calls[1]!.resolve('Age > 30');
  await escaped;
  completer.dispose();
  narrow.dispose();
});

test('no completion says why: nothing to complete, typing went on, the model failed, the model wrote nothing', async () => {
  const failing = { generate: () => Promise.reject(new Error('context is full')) };
  const empty = { generate: async () => ({ text: '   ', promptTokens: 0, reusedTokens: 0, generatedTokens: 0, promptMs: 0, generateMs: 0, stopReason: 'eogToken' }) };
  const request = (text: string) => ({ database: 'concert', schema: concert, text, offset: text.length });
  const completer = new InlineCompleter(failing, () => ({ ...settings, grammar: 'off' }));
  assert.equal(await completer.complete(request("SELECT 'unclosed"), new AbortController().signal), null);
  assert.match(completer.lastSkip!, /^nothing to complete here/);
  const controller = new AbortController();
  const typing = completer.complete(request('SELECT Na'), controller.signal);
  controller.abort();
  assert.equal(await typing, null);
  assert.match(completer.lastSkip!, /^cancelled: typing went on before the pause/);
  assert.equal(await completer.complete(request('SELECT Nam'), new AbortController().signal), null);
  assert.equal(completer.lastSkip, 'the model failed: context is full');
  const quiet = new InlineCompleter(empty, () => settings);
  assert.equal(await quiet.complete(request('-- names of singers\n'), new AbortController().signal), null);
  assert.equal(quiet.lastSkip, 'empty: the model wrote no SQL here');
});
