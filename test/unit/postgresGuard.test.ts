import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import { routineRefusal } from '../../src/core/db/postgres/routineSafety';
import { openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { makeTempDir } from '../helpers/fixtures';
import { postgresChecksums } from '../helpers/postgresFixture';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';

const DATABASE = 'guarded';
const READER_PASSWORD = 'reader-secret';
const SECRET_TEXT = 'quarry-guard-secret-file-text';

let server: TestPostgres;
let secretFile: { dir: string; dispose(): void };
let secretPath: string;

/**
 * The guard against a real server with the extensions that broke it (dblink, tablefunc, pg_prewarm),
 * as a SELECT-only role and as a superuser: every way in that was found refused with nothing changed.
 */
before(async () => {
  server = await startTestPostgres();
  secretFile = makeTempDir('quarry-guard-');
  chmodSync(secretFile.dir, 0o755);
  secretPath = join(secretFile.dir, 'secret.txt');
  writeFileSync(secretPath, SECRET_TEXT, { mode: 0o644 });
  await server.createDatabase(DATABASE, [
    'CREATE EXTENSION dblink',
    'CREATE EXTENSION tablefunc',
    'CREATE EXTENSION pg_prewarm',
    'CREATE TABLE victims (id int PRIMARY KEY, name text)',
    "INSERT INTO victims VALUES (1, 'a'), (2, 'b')",
    // A function no list has heard of that signals another session; VOLATILE by default.
    "CREATE FUNCTION quiet_kill(p int) RETURNS boolean LANGUAGE sql AS 'SELECT pg_terminate_backend(p)'",
    "CREATE FUNCTION kill_op(a int, b int) RETURNS boolean LANGUAGE sql AS 'SELECT pg_terminate_backend(a)'",
    'CREATE OPERATOR ### (LEFTARG = int, RIGHTARG = int, FUNCTION = kill_op)',
    // An aggregate records no volatility of its own; its transition function ends a session for each row.
    "CREATE FUNCTION kill_step(state int, p int) RETURNS int LANGUAGE sql AS 'SELECT CASE WHEN pg_terminate_backend(p) THEN 1 ELSE 0 END'",
    'CREATE AGGREGATE kill_all(int) (SFUNC = kill_step, STYPE = int, INITCOND = 0)',
    // A function falsely marked IMMUTABLE that reaches a table: the documented limit, shown below.
    "CREATE FUNCTION total_victims() RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT count(*) FROM victims'",
    `CREATE ROLE reader LOGIN PASSWORD '${READER_PASSWORD}'`,
    'GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader',
    'GRANT pg_signal_backend TO reader',
  ]);
});
after(async () => {
  await server.stop();
  secretFile.dispose();
});

/** Statements that got through the name-based guard, each with a victim session's pid and the superuser's connection string in it. */
function bypasses(victimPid: number): string[] {
  const dblinkTarget = `host=127.0.0.1 port=${server.port} dbname=${DATABASE} user=postgres password=${server.password}`;
  return [
    `SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery FROM (SELECT pg_terminate_backend(${victimPid})) s')`,
    `SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, to_tsquery(''simple'', quote_literal(pg_read_file(''${secretPath}'')))')`,
    `SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery FROM dblink_exec(''${dblinkTarget}'', ''DROP TABLE victims'') x')`,
    `SELECT * FROM crosstab('SELECT pg_read_file(''${secretPath}''), ''c'', ''v''') AS ct(r text, c text)`,
    `SELECT * FROM crosstab('SELECT pg_terminate_backend(${victimPid})::text, ''c'', ''v''') AS ct(r text, c text)`,
    `SELECT * FROM connectby('victims', 'id', 'name', '1', 0) AS t(id int, name int, level int)`,
    "SELECT pg_prewarm('victims')",
    "SELECT public.pg_prewarm('victims'::regclass)",
    `SELECT quiet_kill(${victimPid})`,
    `SELECT public.quiet_kill(${victimPid})`,
    `SELECT ${victimPid} ### 0`,
    `SELECT count(*) FROM victims WHERE id = 1 AND ${victimPid} OPERATOR(public.###) 0`,
    `SELECT 1 WHERE ${victimPid} ### ANY (SELECT 0)`,
    `SELECT kill_all(${victimPid}) FROM victims`,
    `SELECT * FROM dblink('${dblinkTarget}', 'SELECT 1') AS t(a int)`,
    'SELECT pg_sleep(5)',
    "SELECT setseed(0.5)",
  ];
}

for (const role of ['a SELECT-only role', 'a superuser'] as const) {
  describe(`The Postgres guard, as ${role}`, () => {
    let db: IsolatedDatabase;
    let victim: pg.Client;
    let victimPid: number;
    before(async () => {
      const url = role === 'a superuser' ? server.url(DATABASE) : `postgresql://reader:${READER_PASSWORD}@127.0.0.1:${server.port}/${DATABASE}`;
      db = await openTestDb(url);
      victim = await server.admin(DATABASE);
      victim.on('error', () => undefined);
      victimPid = (await victim.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;
    });
    after(async () => {
      await db.dispose();
      await victim.end().catch(() => undefined);
    });

    test('refuses every bypass: no session ended, no file read, no table dropped', async () => {
      const before = await postgresChecksums(server, DATABASE);
      for (const sql of bypasses(victimPid)) {
        const error = await rejectsWith(db.query(sql), 'refused').catch((failure: Error) => assert.fail(`${sql}: ${failure.message}`));
        assert.doesNotMatch(error.message, new RegExp(SECRET_TEXT));
        await rejectsWith(db.validate(sql), 'refused').catch((failure: Error) => assert.fail(`validate ${sql}: ${failure.message}`));
      }
      assert.deepEqual((await victim.query('SELECT 1 AS alive')).rows, [{ alive: 1 }], 'the victim session was ended');
      assert.deepEqual(await postgresChecksums(server, DATABASE), before);
    });

    test('the message names the function and why', async () => {
      await rejectsWith(db.query("SELECT ts_rewrite('a'::tsquery, 'SELECT 1')"), 'refused', /ts_rewrite\(tsquery,text\).*runs SQL given as text/);
      await rejectsWith(db.query("SELECT pg_prewarm('victims')"), 'refused', /pg_prewarm\(regclass,text,text,bigint,bigint\)/);
      await rejectsWith(db.query(`SELECT quiet_kill(${victimPid})`), 'refused', /quiet_kill\(integer\).*VOLATILE/);
    });

    test('still runs what a reader writes: stable and immutable calls, the allowed volatile ones, operators', async () => {
      const result = await db.query(
        "SELECT count(*) AS n, string_agg(name, ',' ORDER BY name) AS names, random() < 2 AS r, now() <= clock_timestamp() AS t, " +
          "ts_rewrite('a & b'::tsquery, 'a'::tsquery, 'c'::tsquery)::text AS q, lower('X') || 'y' LIKE 'xy' AS l, (SELECT sum(g) FROM generate_series(1, 3) g) AS s, " +
          'pg_relation_size(\'victims\') >= 0 AS size FROM victims WHERE id IN (1, 2) AND name IS NOT NULL',
      );
      assert.deepEqual(result.rows, [[2, 'a,b', true, true, "'b' & 'c'", true, 6, true]]);
      assert.deepEqual((await db.query('SELECT v.id FROM victims v ORDER BY v.id')).rows, [[1], [2]]);
    });

    test('what stays beyond it: a function its owner marked IMMUTABLE falsely runs (and READ ONLY still holds)', async () => {
      assert.deepEqual((await db.query('SELECT total_victims()')).rows, [[2]]);
    });
  });
}

test('the rule: untrusted languages and volatile functions are refused by what they are, whatever their names', () => {
  const facts = { signature: 'run_py(text)', name: 'run_py', schema: 'public', volatility: 'i', language: 'plpython3u', trustedLanguage: false, extension: null };
  assert.match(routineRefusal(facts) ?? '', /untrusted language plpython3u/);
  assert.equal(routineRefusal({ ...facts, language: 'plpgsql', trustedLanguage: true }), null);
  assert.match(routineRefusal({ ...facts, language: 'plpgsql', trustedLanguage: true, volatility: 'v' }) ?? '', /VOLATILE/);
  assert.equal(routineRefusal({ ...facts, name: 'random', schema: 'pg_catalog', signature: 'random()', language: 'internal', volatility: 'v' }), null);
  assert.match(routineRefusal({ ...facts, name: 'random', schema: 'public', signature: 'public.random()', language: 'sql', trustedLanguage: true, volatility: 'v' }) ?? '', /VOLATILE/);
  assert.match(routineRefusal({ ...facts, name: 'anything', extension: 'dblink', language: 'c', volatility: 's' }) ?? '', /dblink extension/);
});
