import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { buildNarrowGrammar } from '../../src/core/sql/buildNarrowGrammar';
import { acceptsSentence, continueGrammar, parseGbnf } from '../../src/core/sql/continueGrammar';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { mulberry32 as seededRandom } from '../../src/core/util/seededRandom';
import { sampleSentence } from '../helpers/sampleGrammar';

const DBS = ['concert_singer', 'world_1', 'car_1', 'flight_2'];
const schemas = new Map<string, DatabaseSchema>();
let concert: IsolatedDatabase;

before(async () => {
  for (const id of DBS) {
    const db = await IsolatedDatabase.open(spiderDb(id), { workerScript: WORKER_SCRIPT });
    schemas.set(id, await db.readSchema());
    await db.dispose();
  }
  concert = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
});
after(() => concert.dispose());

test('the recognizer reads the schema grammars: every sampled query is a sentence, a changed one is not', () => {
  for (const id of DBS) {
    const grammar = parseGbnf(buildNarrowGrammar(schemas.get(id)!, { dialect: 'sqlite' }));
    const random = seededRandom(DBS.indexOf(id) + 1);
    for (let i = 0; i < 40; i++) {
      const sql = sampleSentence(grammar, random);
      assert.ok(acceptsSentence(grammar, sql), `${id}: ${sql}`);
      assert.ok(!acceptsSentence(grammar, `${sql} FROM`), `${id}: a trailing FROM is no sentence`);
      assert.ok(!acceptsSentence(grammar, sql.replace('SELECT ', 'SELECT no_such_column, ')), `${id}: an invented column`);
    }
  }
});

test('a continuation grammar accepts exactly the rest of sentences cut anywhere', () => {
  for (const id of DBS) {
    const grammar = parseGbnf(buildNarrowGrammar(schemas.get(id)!, { dialect: 'sqlite' }));
    const random = seededRandom(100 + DBS.indexOf(id));
    for (let i = 0; i < 25; i++) {
      const sql = sampleSentence(grammar, random);
      const cut = Math.floor(random() * sql.length);
      const rest = continueGrammar(grammar, sql.slice(0, cut));
      assert.ok(rest, `${id}: the prefix ${sql.slice(0, cut)} is allowed`);
      const continuation = parseGbnf(rest);
      assert.ok(acceptsSentence(continuation, sql.slice(cut)), `${id}: ${sql.slice(0, cut)} | ${sql.slice(cut)}`);
      // Whatever the continuation grammar lets a model write completes the prefix into a sentence.
      for (let k = 0; k < 5; k++) {
        const written = sampleSentence(continuation, random);
        assert.ok(acceptsSentence(grammar, sql.slice(0, cut) + written), `${id}: ${sql.slice(0, cut)} | ${written}`);
      }
    }
  }
});

test('a continuation after a FROM table offers only that table\u2019s columns, and the completed queries run', async () => {
  const grammar = parseGbnf(buildNarrowGrammar(schemas.get('concert_singer')!, { dialect: 'sqlite' }));
  const prefix = 'SELECT Name FROM singer WHERE ';
  const continuation = parseGbnf(continueGrammar(grammar, prefix)!);
  const singerColumns = schemas.get('concert_singer')!.tables.find((t) => t.name === 'singer')!.columns.map((c) => c.name);
  const random = seededRandom(7);
  for (let i = 0; i < 30; i++) {
    const written = sampleSentence(continuation, random);
    const firstName = /^(?:NOT )?EXISTS \(/.test(written) ? 'a subquery' : /^[A-Za-z_]+/.exec(written)?.[0];
    assert.ok(firstName === 'a subquery' || singerColumns.includes(firstName!), `${written} starts with a singer column`);
    await concert.query(prefix + written); // throws on an error
  }
  assert.equal(continueGrammar(grammar, 'SELECT Nme FROM'), null, 'a misspelt column is no prefix of the grammar');
  assert.equal(continueGrammar(grammar, 'SELECT Song_release_year FROM stadium'), null, 'a singer column with the stadium table');
});
