import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDataset } from '../../src/core/dataset/buildDataset';
import { detectHistoryKind, readHistory, type HistoryStatement } from '../../src/core/dataset/readHistory';
import { openTestDb } from '../helpers/dbAssertions';
import { makeTempDir, WORKER_SCRIPT } from '../helpers/fixtures';
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
  // Quarry reads the schema there too, as the extension does on connecting.
  const db = await openTestDb(server.url('pets_1'));
  await db.readSchema();
  await db.dispose();
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
    // Quarry's own statements are in the log too, marked, so that a dataset build leaves them out.
    assert.ok(sql.some((s) => s.includes('/* quarry:internal */')), 'the log holds Quarry\'s catalog reads');
  });
}

test("a dataset built from the server's log keeps the user's reads and leaves Quarry's own statements out", async () => {
  const out = join(logs.dir, 'dataset');
  const manifest = await buildDataset({ dbPath: server.url('pets_1'), histories: [join(logs.dir, 'pg.csv')], out, questions: 'none', grammar: 'off', workerScript: WORKER_SCRIPT });
  assert.ok(manifest.counts.dropped['not a user query'] > 0, JSON.stringify(manifest.counts));
  const kept = readFileSync(join(out, 'train', 'quarry.jsonl'), 'utf8') + readFileSync(join(out, 'test', 'quarry.jsonl'), 'utf8');
  assert.doesNotMatch(kept, /quarry:internal/);
  assert.match(kept, /FROM pets WHERE pet_age > '1'/);
});

