import assert from 'node:assert/strict';
import { chmodSync, chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generate } from 'selfsigned';
import { openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { makeTempDir } from '../helpers/fixtures';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';

let server: TestPostgres;
const temp = makeTempDir('quarry-pg-tls-');
const serverCert = join(temp.dir, 'server.crt');
const otherCert = join(temp.dir, 'other.crt');

/** A certificate for 127.0.0.1 and localhost, its own CA. */
async function certificate(commonName: string): Promise<{ cert: string; key: string }> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

before(async () => {
  chmodSync(temp.dir, 0o755);
  const mine = await certificate('localhost');
  writeFileSync(serverCert, mine.cert);
  writeFileSync(otherCert, (await certificate('somebody-else')).cert);
  const key = join(temp.dir, 'server.key');
  writeFileSync(key, mine.key, { mode: 0o600 });
  server = await startTestPostgres({
    flags: ['-c', 'ssl=on', '-c', `ssl_cert_file=${serverCert}`, '-c', `ssl_key_file=${key}`],
    // Postgres reads its key only when the server's own user owns it and no one else may read it.
    beforeStart: (user) => user && chownSync(key, user.uid, user.gid),
  });
  await server.loadSpider('pets_1');
});
after(async () => {
  await server.stop();
  temp.dispose();
});

async function encrypted(url: string): Promise<boolean> {
  const db = await openTestDb(url);
  try {
    return (await db.query('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]![0] as boolean;
  } finally {
    await db.dispose();
  }
}

test('TLS options come in the URL and mean what they mean to psql: require encrypts, verify-full checks the certificate and the host', async () => {
  const url = server.url('pets_1');
  assert.equal(await encrypted(url), false, 'no sslmode: a plain connection, as node-postgres makes by default');
  assert.equal(await encrypted(`${url}?sslmode=require`), true, 'require: encrypted, the certificate not checked (as in libpq)');
  assert.equal(await encrypted(`${url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(serverCert)}`), true);
  await rejectsWith(openTestDb(`${url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(otherCert)}`), 'unreachable', /TLS connection failed/);
  await rejectsWith(openTestDb(`${url}?sslmode=verify-full`), 'unreachable', /TLS connection failed.*self[- ]signed/i);
});
