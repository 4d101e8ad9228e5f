import assert from 'node:assert/strict';
import { chmodSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { detectHistoryKind, readHistory, type HistoryStatement } from '../../src/core/dataset/readHistory';
import { makeTempDir } from '../helpers/fixtures';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';

let server: TestPostgres;
const logs = makeTempDir('quarry-pg-logs-');

before(async () => {
  // The server (its own user, when the tests run as root) writes its logs here.
  chmodSync(logs.dir, 0o777);
  server = await startTestPostgres({ logDirectory: logs.dir, flags: ['-c', 'log_destination=stderr,csvlog,jsonlog', '-c', 'log_statement=all', '-c', 'log_filename=pg'] });
  await server.loadSpider('pets_1');
  const client = await server.admin('pets_1');
  try {
    await client.query("SELECT count(*) FROM student WHERE sex = 'F'");
    await client.query('SELECT fname,\n  age\nFROM student\nWHERE age > 20; SELECT 1');
    // The extended protocol: logged as `execute <unnamed>:` with its parameters on a DETAIL line.
    await client.query({ text: 'SELECT pettype FROM pets WHERE pet_age > $1 AND pettype <> $2', values: [1, "it's"] });
  } finally {
    await client.end();
  }
  // The collector writes asynchronously; a moment lets it catch up.
  await new Promise((resolve) => setTimeout(resolve, 500));
});
after(async () => {
  await server.stop();
  logs.dispose();
});

async function statementsOf(path: string): Promise<HistoryStatement[]> {
  const all: HistoryStatement[] = [];
  for await (const statement of readHistory(path)) all.push(statement);
  return all;
}

for (const [suffix, kind] of [['', 'postgres-log'], ['.csv', 'postgres-csvlog'], ['.json', 'jsonl']] as const) {
  test(`a Postgres ${kind === 'jsonl' ? 'jsonlog' : kind.replace('postgres-', '')} file is read as history: statements, multi-line ones, and prepared ones with their parameters`, async () => {
    const file = join(logs.dir, readdirSync(logs.dir).find((name) => name === `pg${suffix}`)!);
    assert.equal(detectHistoryKind(file), kind);
    const sql = (await statementsOf(file)).map((s) => s.sql);
    assert.ok(sql.includes("SELECT count(*) FROM student WHERE sex = 'F'"), sql.join('\n'));
    assert.ok(sql.includes('SELECT fname,\n  age\nFROM student\nWHERE age > 20'), sql.join('\n'));
    assert.ok(sql.includes('SELECT 1'));
    assert.ok(sql.includes("SELECT pettype FROM pets WHERE pet_age > '1' AND pettype <> 'it''s'"), sql.join('\n'));
    // Connection and checkpoint lines are no statements.
    assert.ok(sql.every((s) => !/^(connection|checkpoint|database system)/i.test(s)));
  });
}
