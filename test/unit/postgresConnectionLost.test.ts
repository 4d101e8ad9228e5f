import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { runningQueries, waitFor } from '../helpers/postgresFixture';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';

const ENDLESS = 'SELECT count(*) FROM generate_series(1, 100000000000)';

let server: TestPostgres;
let carUrl: string;

before(async () => {
  server = await startTestPostgres();
  carUrl = await server.loadSpider('car_1');
});
after(async () => {
  await server.stop();
});

/** The backend running Quarry's query, as the superuser sees it. */
async function quarryBackend(): Promise<number> {
  const admin = await server.admin();
  try {
    const rows = (await admin.query("SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%generate_series%' AND pid <> pg_backend_pid()")).rows as { pid: number }[];
    return rows[0]!.pid;
  } finally {
    await admin.end();
  }
}

for (const [how, end] of [
  ['terminated by an administrator', async (pid: number) => {
    const admin = await server.admin();
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await admin.end();
  }],
  ['whose server process dies', async (pid: number) => {
    process.kill(pid, 'SIGKILL');
  }],
] as const) {
  test(`a connection ${how} mid-query says "connection lost" with the cause, at once, and the next query reconnects`, async () => {
    const db = await openTestDb(carUrl, { timeoutMs: 60_000 });
    try {
      // The rejection may come while end() is still awaiting the admin connection: handled from the
      // start, or the test runner takes it as an unhandled rejection, fails the test and stops the server.
      let settledAt = 0;
      const lost = rejectsWith(db.query(ENDLESS), 'connection-lost', /connection lost/).finally(() => (settledAt = performance.now()));
      await waitFor(async () => (await runningQueries(server)).length === 1);
      const started = performance.now();
      await end(await quarryBackend());
      await lost;
      assert.ok(settledAt - started < 5000, `took ${Math.round(settledAt - started)} ms`);
      // A killed backend makes the server restart its other sessions: wait until it takes connections again.
      await waitFor(async () => (await db.query('SELECT 1 AS ok').then(() => true, () => false)), 20_000);
      assert.deepEqual((await db.query('SELECT count(*) FROM car_makers')).rows, [[22]]);
    } finally {
      await db.dispose();
    }
  });
}
