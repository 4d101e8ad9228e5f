import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SqliteAdapter } from '../../src/core/db/SqliteAdapter';
import { loadSpiderDataset } from '../../src/core/eval/EvalDataset';
import { answerWithQuestion, formatSql } from '../../src/core/sql/formatSql';
import { SPIDER_DIR } from '../helpers/fixtures';

test('formatting never changes what a query means: every Spider dev gold query gives the same rows formatted', async () => {
  const open = new Map<string, SqliteAdapter>();
  let compared = 0;
  for (const example of loadSpiderDataset(SPIDER_DIR, 'dev')) {
    if (!example.dbPath) continue;
    let db = open.get(example.dbPath);
    if (!db) open.set(example.dbPath, (db = SqliteAdapter.open(example.dbPath)));
    const formatted = formatSql(example.goldSql, 'sqlite');
    const rows = async (sql: string) => {
      const cursor = await db.openCursor(sql, null);
      try {
        return await cursor.next(1_000_000);
      } finally {
        cursor.close();
      }
    };
    assert.deepEqual(await rows(formatted), await rows(example.goldSql), `${example.goldSql}\n→\n${formatted}`);
    compared++;
  }
  for (const db of open.values()) db.close();
  assert.equal(compared, 972);
});

test('the answer is laid out a clause a line under its question as comments, ending with ;; text the formatter cannot read stays as it came', () => {
  assert.equal(
    answerWithQuestion('How many singers\nare older than 30?', "select count(*) from singer where Age > 30 and Country = 'France'", 'sqlite'),
    "-- How many singers\n-- are older than 30?\nselect\n  count(*)\nfrom\n  singer\nwhere\n  Age > 30\n  and Country = 'France';\n",
  );
  assert.equal(formatSql('SELECT (((', 'sqlite'), 'SELECT (((');
  assert.match(formatSql('SELECT a FROM t QUALIFY row_number() OVER (ORDER BY b) = 1', 'duckdb'), /^SELECT\n  a\nFROM\n  t\nQUALIFY\n/);
});
