import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clauseAtCursor } from '../../src/core/complete/clauseAtCursor';
import { CompletionSchema } from '../../src/core/complete/InlineCompleter';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { mulberry32 } from '../../src/core/util/seededRandom';
import { acceptsSentence } from '../../src/core/sql/continueGrammar';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { sampleSentence } from '../helpers/sampleGrammar';

let db: IsolatedDatabase;
let concert: CompletionSchema;

before(async () => {
  db = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
  concert = new CompletionSchema(await db.readSchema());
});
after(() => db.dispose());

const JOIN = 'SELECT T2.name, count(*) FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id';

test('the clause a prefix opens, and the tables in scope under the names the statement gives them', () => {
  assert.deepEqual(clauseAtCursor(`${JOIN} GROUP BY `), {
    clause: 'group',
    tables: [{ name: 'concert', alias: 'T1' }, { name: 'stadium', alias: 'T2' }],
    grouped: false,
    noOrderBy: false,
  });
  assert.equal(clauseAtCursor('select name from singer where')?.clause, 'where');
  assert.equal(clauseAtCursor('SELECT name FROM singer WHERE age > 3 AND ')?.clause, 'where');
  assert.equal(clauseAtCursor('SELECT name FROM singer WHERE age BETWEEN 3 AND '), null, "BETWEEN's AND opens no condition");
  assert.equal(clauseAtCursor(`${JOIN} GROUP BY T2.name ORDER BY `)?.grouped, true);
  assert.equal(clauseAtCursor(`${JOIN}`)?.clause, 'from', 'a whole FROM: the clauses after it');
  assert.equal(clauseAtCursor('SELECT name FROM singer AS'), null, 'an alias still to come');
  assert.equal(clauseAtCursor('SELECT name FROM singer WHERE age >'), null, 'inside a condition');
  assert.equal(clauseAtCursor('SELECT DISTINCT country FROM singer WHERE ')?.noOrderBy, true);
  // The query the cursor is in: the second part of an EXCEPT, a subquery's own FROM.
  const except = clauseAtCursor(`SELECT name FROM stadium EXCEPT ${JOIN} WHERE `);
  assert.deepEqual([except?.tables.map((t) => t.name), except?.noOrderBy], [['concert', 'stadium'], true]);
  assert.deepEqual(clauseAtCursor('SELECT name FROM singer WHERE age > (SELECT avg(age) FROM singer_in_concert AS s WHERE ')?.tables, [{ name: 'singer_in_concert', alias: 's' }]);
  assert.deepEqual(clauseAtCursor('SELECT name FROM singer WHERE singer_id IN (SELECT singer_id FROM singer_in_concert) AND ')?.tables, [{ name: 'singer', alias: null }]);
  assert.equal(clauseAtCursor('SELECT a FROM (SELECT 1 AS a) WHERE '), null, 'a subquery in FROM: its columns are unknown here');
});

test('a clause grammar writes, after statements the narrow grammar cannot follow, only SQL the database accepts', async () => {
  const prefixes = [
    `${JOIN} GROUP BY `,
    `${JOIN} WHERE `,
    `select t2.name from concert as t1 join stadium as t2 on t1.stadium_id = t2.stadium_id where`,
    'SELECT name FROM stadium EXCEPT SELECT T2.name FROM concert AS T1 JOIN stadium AS T2 ON T1.stadium_id = T2.stadium_id WHERE ',
    `SELECT T2.Name FROM singer_in_concert AS T1 JOIN singer AS T2 ON T1.Singer_ID = T2.Singer_ID JOIN concert AS T3 ON T1.concert_ID = T3.concert_ID ORDER BY `,
    `${JOIN} GROUP BY T2.name HAVING `,
    JOIN,
    `${JOIN} `,
    'SELECT Year FROM concert GROUP BY ',
  ];
  const random = mulberry32(3);
  for (const prefix of prefixes) {
    const grammar = concert.clauseGrammar(prefix);
    assert.ok(grammar, `a clause grammar after ${prefix}`);
    for (let i = 0; i < 15; i++) {
      const rest = sampleSentence(grammar.parsed, random);
      await assert.doesNotReject(db.validate(prefix + rest), `${prefix}⟨${rest}⟩`);
    }
  }
  // Columns come qualified as the statement qualifies its tables, and only the query's tables' columns.
  const grouped = concert.clauseGrammar(`${JOIN} GROUP BY `)!.parsed;
  assert.ok(acceptsSentence(grouped, 'T2.Capacity'));
  assert.ok(!acceptsSentence(grouped, 'Capacity'), 'bare in a join');
  assert.ok(!acceptsSentence(grouped, 'T1.Age'), 'singer is not in this query');
  assert.equal(concert.clauseGrammar('SELECT name FROM nowhere WHERE '), null, 'a table the schema lacks');
});
