import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { trustsDataTarget } from '../../src/core/db/dataUrlTrust';
import { redactSecrets, redactUrl } from '../../src/core/util/redactSecrets';
import { filesUnder, makeTempDir } from '../helpers/fixtures';
import { quarryInBackground, type CliRun } from '../helpers/runCli';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';
import { TINY_MODEL } from '../helpers/tinyModel';

describe('redacting URLs', () => {
  test('a password in the user part and secret query parameters are dropped; the rest is kept', () => {
    assert.equal(redactUrl('postgresql://ann:s3cret@db.example:5432/sales?sslmode=require'), 'postgresql://ann@db.example:5432/sales?sslmode=require');
    assert.equal(redactUrl('postgresql://ann@db/sales?password=s3cret&sslmode=verify-full&sslpassword=k3y'), 'postgresql://ann@db/sales?sslmode=verify-full');
    assert.equal(redactUrl('postgres://h1:5432,h2:5433/db?password=x'), 'postgres://h1:5432,h2:5433/db');
    assert.equal(redactUrl('https://proxy.example/v1?api_key=sk-1&x=1&token=t'), 'https://proxy.example/v1?x=1');
    assert.equal(redactUrl('https://user:sk-2@host/v1'), 'https://user@host/v1');
    assert.equal(redactUrl('/a/file.sqlite'), '/a/file.sqlite');
  });

  test('every URL in a message is redacted, and nothing else changes', () => {
    assert.equal(
      redactSecrets("cannot reach postgresql://u:pw@h/d (ECONNREFUSED); also 'https://x/v1?key=k' and a path /tmp/a"),
      "cannot reach postgresql://u@h/d (ECONNREFUSED); also 'https://x/v1' and a path /tmp/a",
    );
  });
});

test('a server a data file names is trusted only when its host, port and database match a configured connection, or all are trusted', () => {
  const configured = { configured: ['postgresql://ann@db.example/sales', '/files/a.sqlite'], trustAll: false };
  assert.equal(trustsDataTarget('postgresql://bob:x@DB.example:5432/sales?sslmode=require', configured), true);
  assert.equal(trustsDataTarget('postgresql://ann@db.example:5433/sales', configured), false);
  assert.equal(trustsDataTarget('postgresql://ann@evil.example/sales', configured), false);
  assert.equal(trustsDataTarget('postgresql://ann@db.example/other', configured), false);
  assert.equal(trustsDataTarget('postgresql://ann@evil.example/sales', { configured: [], trustAll: true }), true);
  assert.equal(trustsDataTarget('/files/b.sqlite', configured), true, 'a file has no credentials to send');
});

/**
 * A server that speaks just enough of Postgres's protocol to ask for a cleartext password and
 * write down what it was sent: a stranger's host named in a dataset.
 */
async function passwordCatcher(): Promise<{ port: number; received: string[]; close(): Promise<void> }> {
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffer = Buffer.alloc(0);
    let started = false;
    socket.on('data', (data: Buffer) => {
      buffer = Buffer.concat([buffer, data]);
      for (;;) {
        if (!started) {
          if (buffer.length < 8 || buffer.length < buffer.readInt32BE(0)) return;
          const length = buffer.readInt32BE(0);
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(length);
          if (code === 80877103) {
            socket.write('N');
            continue;
          }
          started = true;
          socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
          continue;
        }
        if (buffer.length < 5 || buffer.length < 1 + buffer.readInt32BE(1)) return;
        const length = buffer.readInt32BE(1);
        if (buffer[0] === 0x70) received.push(buffer.subarray(5, 1 + length - 1).toString('utf8'));
        buffer = buffer.subarray(1 + length);
        const fields = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0', 'utf8');
        const error = Buffer.alloc(5);
        error.write('E', 0);
        error.writeInt32BE(4 + fields.length, 1);
        socket.end(Buffer.concat([error, fields]));
        return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('credentials go only where the user sent them', () => {
  let postgres: TestPostgres;
  let catcher: Awaited<ReturnType<typeof passwordCatcher>>;
  const temp = makeTempDir('quarry-credentials-');
  before(async () => {
    // PGPASSWORD is set in this process, so the CLI's environment has it, as a user's shell would.
    postgres = await startTestPostgres();
    await postgres.loadSpider('car_1');
    catcher = await passwordCatcher();
  });
  after(async () => {
    await catcher.close();
    await postgres.stop();
    temp.dispose();
  });

  const dataset = (name: string, db: string): string => {
    const file = join(temp.dir, `${name}.jsonl`);
    writeFileSync(file, `${JSON.stringify({ question: 'How many cars?', sql: 'SELECT count(*) FROM cars_data', db })}\n`);
    writeFileSync(join(temp.dir, `${name}.sql`), 'SELECT count(*) FROM cars_data\n');
    return file;
  };
  const evaluate = (name: string, db: string, extra: string[] = []): Promise<CliRun> =>
    quarryInBackground(['eval', '--dataset', dataset(name, db), '--predictions', join(temp.dir, `${name}.sql`), '--report', join(temp.dir, `${name}.json`), ...extra]);

  test("a dataset naming a stranger's server is sent no PGPASSWORD; the run fails with the cause", async () => {
    const run = await evaluate('stranger', `postgresql://postgres@127.0.0.1:${catcher.port}/car_1`);
    assert.deepEqual(catcher.received, [], 'the password went to the server the dataset named');
    assert.notEqual(run.code, 0, 'every example was skipped: the run failed');
    assert.match(run.stdout + run.stderr, /named in a data file.*--trust-data-urls/);
  });

  test('an evaluation whose every database is out of reach exits 1 and says why', async () => {
    const run = await evaluate('closed', 'postgresql://postgres@127.0.0.1:1/car_1');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /no example could be evaluated; 1 of 1: database cannot be opened: .*cannot reach the server \(ECONNREFUSED\)/);
  });

  test('--trust-data-urls sends it, as the user asked', async () => {
    await evaluate('trusted', `postgresql://postgres@127.0.0.1:${catcher.port}/car_1`, ['--trust-data-urls']);
    assert.deepEqual(catcher.received, [postgres.password]);
    catcher.received.length = 0;
  });

  test('an rft file naming a server is sent no PGPASSWORD either', async () => {
    const rft = join(temp.dir, 'rft.jsonl');
    writeFileSync(rft, `${JSON.stringify({ db: `postgresql://postgres@127.0.0.1:${catcher.port}/car_1`, ground_truth: { rows: [[406]], orderMatters: false } })}\n`);
    const run = await quarryInBackground(['reward', '--rft', rft, '--sql', 'SELECT count(*) FROM cars_data']);
    assert.deepEqual(catcher.received, []);
    assert.notEqual(run.code, 0);
  });

  test('a dataset exported as training prompts is sent no PGPASSWORD either', async () => {
    const run = await quarryInBackground(['dataset', 'prompts', '--dataset', dataset('prompts', `postgresql://postgres@127.0.0.1:${catcher.port}/car_1`), '--out', join(temp.dir, 'prompts-out.jsonl')]);
    assert.deepEqual(catcher.received, []);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /named in a data file/);
  });

  test('a data URL with its own password is evaluated; the real server, named without one, is not sent PGPASSWORD', async () => {
    const withPassword = await evaluate('own', `postgresql://postgres:${postgres.password}@127.0.0.1:${postgres.port}/car_1`);
    assert.equal(withPassword.code, 0, withPassword.stderr);
    assert.equal(JSON.parse(readFileSync(join(temp.dir, 'own.json'), 'utf8')).summary.execAccuracy, 1);
    const without = await evaluate('without', postgres.url('car_1'));
    assert.notEqual(without.code, 0);
    assert.match(without.stdout + without.stderr, /named in a data file/);
  });
});

describe('passwords never reach an output or a log', () => {
  let postgres: TestPostgres;
  const temp = makeTempDir('quarry-redaction-');
  before(async () => {
    postgres = await startTestPostgres({ passwordInEnvironment: false });
    await postgres.loadSpider('car_1');
  });
  after(async () => {
    await postgres.stop();
    temp.dispose();
  });

  test('an eval, a dataset build and an Ask write no password anywhere: files, stdout, stderr, error messages', async () => {
    const secret = postgres.password;
    const inUser = `postgresql://postgres:${secret}@127.0.0.1:${postgres.port}/car_1`;
    const inQuery = `postgresql://postgres@127.0.0.1:${postgres.port}/car_1?password=${secret}&sslmode=disable`;
    const work = join(temp.dir, 'work');
    const runs: CliRun[] = [];
    mkdirSync(work);
    const dataset = join(work, 'ds.jsonl');
    writeFileSync(dataset, [inUser, inQuery].map((db) => JSON.stringify({ question: 'How many cars?', sql: 'SELECT count(*) FROM cars_data', db })).join('\n') + '\n');
    const predictions = join(work, 'p.sql');
    writeFileSync(predictions, 'SELECT count(*) FROM cars_data\nSELECT count(*) FROM nosuch\n');
    runs.push(await quarryInBackground(['eval', '--dataset', dataset, '--predictions', predictions, '--report', join(work, 'report.json')]));
    assert.equal(runs.at(-1)!.code, 0, runs.at(-1)!.stderr);
    const history = join(work, 'history.sql');
    writeFileSync(history, 'SELECT count(*) FROM cars_data;\nSELECT maker FROM car_makers;\n');
    runs.push(await quarryInBackground(['dataset', 'build', '--db', inQuery, '--history', history, '--questions', 'history', '--out', join(work, 'dataset')]));
    assert.equal(runs.at(-1)!.code, 0, runs.at(-1)!.stderr);
    runs.push(await quarryInBackground(['ask', '--db', inUser, '--model', TINY_MODEL, '--threads', '1', '--gpu', 'off', 'How many cars are there?']));
    // Failures quote the URL they could not reach: without its password.
    runs.push(await quarryInBackground(['schema', '--db', `postgresql://postgres:${secret}@127.0.0.1:1/car_1`]));
    runs.push(await quarryInBackground(['schema', '--db', `postgresql://postgres@127.0.0.1:1/car_1?password=${secret}`]));
    assert.equal(runs.at(-1)!.code, 1, runs.at(-1)!.stderr);
    assert.match(runs.at(-1)!.stderr, /postgresql:\/\/postgres@127\.0\.0\.1:1\/car_1: cannot reach the server/);
    for (const path of filesUnder(work)) {
      if (path === dataset) continue;
      assert.ok(!readFileSync(path).toString('latin1').includes(secret), `${path} holds the password`);
    }
    assert.ok(filesUnder(work).length >= 6, 'the report, its progress file and the dataset folder were written');
    for (const run of runs) assert.ok(!(run.stdout + run.stderr).includes(secret), `printed the password: ${run.stdout}${run.stderr}`);
  });
});
