import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkReadOnlyStatement } from '../../src/core/sql/checkReadOnlyStatement';

const admitted = [
  'SELECT 1',
  'select * from t;',
  '  -- leading comment\n  SELECT a FROM t ;  ',
  '/* block */ SELECT 1',
  'WITH x AS (SELECT 1) SELECT * FROM x',
  'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r',
  'WITH a AS (SELECT 1), "b c" AS MATERIALIZED (SELECT 2) SELECT * FROM a, "b c"',
  'VALUES (1, 2)',
  'FROM airports SELECT name',
  '(SELECT 1) UNION (SELECT 2)',
  "SELECT 'DROP TABLE t; DELETE FROM t' AS s",
  'SELECT "delete" FROM t -- ; DROP TABLE t',
  'EXPLAIN SELECT 1',
  'EXPLAIN QUERY PLAN SELECT * FROM t',
  'EXPLAIN ANALYZE WITH x AS (SELECT 1) SELECT * FROM x',
  'SELECT $$a;b$$',
];

for (const sql of admitted) {
  test(`admits ${JSON.stringify(sql)}`, () => {
    const verdict = checkReadOnlyStatement(sql);
    assert.ok(verdict.ok, verdict.ok ? '' : verdict.reason);
  });
}

const refused: [string, RegExp][] = [
  ['DELETE FROM t', /^refused: DELETE statements are not allowed on this connection$/],
  ['drop table t', /DROP statements/],
  ['UPDATE t SET a = 1', /UPDATE statements/],
  ['INSERT INTO t VALUES (1)', /INSERT statements/],
  ['REPLACE INTO t VALUES (1)', /REPLACE statements/],
  ['CREATE TABLE z (a)', /CREATE statements/],
  ['ALTER TABLE t ADD COLUMN z', /ALTER statements/],
  ["ATTACH 'x.db' AS x", /ATTACH statements/],
  ["VACUUM INTO '/tmp/x.db'", /VACUUM statements/],
  ['PRAGMA writable_schema = 1', /PRAGMA statements/],
  ["COPY t TO '/tmp/t.csv'", /COPY statements/],
  ["EXPORT DATABASE '/tmp/e'", /EXPORT statements/],
  ['SET threads = 1', /SET statements/],
  ['INSTALL httpfs', /INSTALL statements/],
  ['LOAD httpfs', /LOAD statements/],
  ['BEGIN', /BEGIN statements/],
  ['SELECT 1; DROP TABLE t', /multiple statements/],
  ['SELECT 1 /* ; */ ; DELETE FROM t', /multiple statements/],
  ['SELECT 1; -- trailing\n DELETE FROM t', /multiple statements/],
  ['-- SELECT\nDELETE FROM t', /DELETE statements/],
  ['/* SELECT */ DELETE FROM t', /DELETE statements/],
  ['WITH x AS (SELECT 1) DELETE FROM t', /DELETE statements/],
  ['WITH x AS (SELECT 1), y AS (SELECT 2) INSERT INTO t SELECT * FROM x', /INSERT statements/],
  ['WITH x(a) AS (SELECT 1) UPDATE t SET a = (SELECT a FROM x)', /UPDATE statements/],
  ['EXPLAIN DELETE FROM t', /EXPLAIN DELETE statements/],
  ['EXPLAIN ANALYZE DROP TABLE t', /EXPLAIN DROP statements/],
  ['', /no SQL statement/],
  ['  ;  ', /no SQL statement/],
  ['-- only a comment', /no SQL statement/],
];

for (const [sql, reason] of refused) {
  test(`refuses ${JSON.stringify(sql)}`, () => {
    const verdict = checkReadOnlyStatement(sql);
    assert.equal(verdict.ok, false);
    assert.match(verdict.ok ? '' : verdict.reason, reason);
  });
}

test('passes the statement on without trailing semicolons, and the statement an EXPLAIN wraps', () => {
  assert.deepEqual(checkReadOnlyStatement('  SELECT 1 ;; '), { ok: true, statement: 'SELECT 1', explained: null });
  assert.deepEqual(checkReadOnlyStatement('EXPLAIN QUERY PLAN SELECT a FROM t;'), {
    ok: true,
    statement: 'EXPLAIN QUERY PLAN SELECT a FROM t',
    explained: 'SELECT a FROM t',
  });
});

test('a refusal says what it refused as data: its kind and keyword', () => {
  const cases: [string, string, string | null][] = [
    ['DELETE FROM t', 'write', 'DELETE'],
    ['EXPLAIN DROP TABLE t', 'write', 'DROP'],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'write', 'INSERT'],
    ['PRAGMA writable_schema = 1', 'write', 'PRAGMA'],
    ['SELEC broken', 'other', 'SELEC'],
    ['SELECT 1; SELECT 2', 'multiple', null],
    ['  -- nothing', 'empty', null],
  ];
  for (const [sql, kind, keyword] of cases) {
    const verdict = checkReadOnlyStatement(sql);
    assert.ok(!verdict.ok, sql);
    assert.deepEqual([verdict.kind, verdict.keyword], [kind, keyword], sql);
  }
});
