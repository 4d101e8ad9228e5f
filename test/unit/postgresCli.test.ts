import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeTempDir } from '../helpers/fixtures';
import { POSTGRES_FIXTURE, POSTGRES_FIXTURE_SQL, POSTGRES_HOSTILE, postgresChecksums, runningQueries } from '../helpers/postgresFixture';
import { quarry, quarryInBackground } from '../helpers/runCli';
import { startTestPostgres, type TestPostgres } from '../helpers/testPostgres';

let server: TestPostgres;
let carUrl: string;
const temp = makeTempDir();

before(async () => {
  // pg_stat_statements ships with the embedded server's binaries; it only needs loading at start.
  server = await startTestPostgres({ flags: ['-c', 'shared_preload_libraries=pg_stat_statements'] });
  carUrl = await server.loadSpider('car_1');
  await server.createDatabase(POSTGRES_FIXTURE, POSTGRES_FIXTURE_SQL);
});
after(async () => {
  await server.stop();
  temp.dispose();
});

test("quarry schema --db postgresql://… reads car_1's six tables with row counts and foreign keys", () => {
  const run = quarry(['schema', '--db', carUrl, '--json', '--exact-counts']);
  assert.equal(run.code, 0, run.stderr);
  const schema = JSON.parse(run.stdout) as { dialect: string; tables: { name: string; rowCount: number; foreignKeys: { refTable: string }[] }[] };
  assert.equal(schema.dialect, 'postgres');
  assert.deepEqual(schema.tables.map((t) => [t.name, t.rowCount, t.foreignKeys.map((fk) => fk.refTable)]), [
    ['continents', 5, []],
    ['countries', 15, ['continents']],
    ['car_makers', 22, ['countries']],
    ['model_list', 36, ['car_makers']],
    ['car_names', 406, ['model_list']],
    ['cars_data', 406, ['car_names']],
  ]);
  const ddl = quarry(['schema', '--db', carUrl]);
  assert.equal(ddl.code, 0, ddl.stderr);
  assert.match(ddl.stdout, /FOREIGN KEY \(model\) REFERENCES model_list \(model\)\n\); -- about 406 rows/);
});

test('quarry sql refuses every hostile statement with exit 2, and no table or sequence changes', async () => {
  const url = server.url(POSTGRES_FIXTURE);
  const before = await postgresChecksums(server, POSTGRES_FIXTURE);
  const runs = [];
  // Four at a time: each run is a process of its own with a worker of its own.
  for (let start = 0; start < POSTGRES_HOSTILE.length; start += 4) {
    runs.push(...(await Promise.all(POSTGRES_HOSTILE.slice(start, start + 4).map((sql) => quarryInBackground(['sql', '--db', url, sql])))));
  }
  runs.forEach((run, i) => {
    assert.equal(run.code, 2, `${POSTGRES_HOSTILE[i]}: exit ${run.code} ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, /^quarry: refused: /, POSTGRES_HOSTILE[i]);
  });
  assert.deepEqual(await postgresChecksums(server, POSTGRES_FIXTURE), before);
});

test('a runaway query with --timeout-ms 1000 exits 1 about a second later, and the server runs nothing afterwards', async () => {
  const run = quarry(['sql', '--db', carUrl, '--timeout-ms', '1000', 'SELECT count(*) FROM generate_series(1, 100000000000)']);
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stderr, /timed out after 1000 ms/);
  // Starting Node and connecting take a few hundred milliseconds of their own.
  assert.ok(run.ms < 2500, `took ${Math.round(run.ms)} ms`);
  assert.deepEqual(await runningQueries(server), []);
});

test('quarry dataset build --history pg_stat_statements turns the reads into examples and drops the writes', async () => {
  const admin = await server.admin('car_1');
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await admin.query('SELECT pg_stat_statements_reset()');
    // An application's traffic: reads (each literal becomes $n in the view), a repeated one, writes, and session noise.
    for (const cylinders of [4, 6, 8]) await admin.query(`SELECT count(*) FROM cars_data WHERE cylinders > ${cylinders}`);
    await admin.query("SELECT maker, fullname FROM car_makers WHERE country = 2 AND maker LIKE 'a%'");
    await admin.query('SELECT c.countryname, count(*) FROM countries c JOIN car_makers m ON m.country = c.countryid GROUP BY c.countryname ORDER BY 2 DESC LIMIT 3');
    await admin.query('SELECT model FROM car_names WHERE makeid IN (1, 2, 3)');
    await admin.query("UPDATE continents SET continent = continent WHERE contid = 1");
    await admin.query("INSERT INTO continents SELECT 99, 'x' WHERE false");
    await admin.query('DELETE FROM countries WHERE countryid = -1');
    await admin.query('BEGIN');
    await admin.query('COMMIT');
  } finally {
    await admin.end();
  }
  // Quarry's own statements (catalog reads, sampling, EXPLAIN, filling in values) land in the view
  // too, and must not become examples: a second build finds the first one's and keeps the same.
  assert.equal(quarry(['schema', '--db', carUrl]).code, 0);
  const build = (out: string) => quarry(['dataset', 'build', '--db', carUrl, '--history', 'pg_stat_statements', '--questions', 'none', '--out', out]);
  assert.equal(build(join(temp.dir, 'first')).code, 0);
  const out = join(temp.dir, 'from-stats');
  const run = build(out);
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { database: string; counts: { kept: number; dropped: Record<string, number> } };
  assert.equal(manifest.counts.kept, 4, run.stdout);
  assert.equal(manifest.counts.dropped['write statement'], 3, run.stdout);
  assert.equal(manifest.counts.dropped['unfilled parameter'], 0, run.stdout);
  assert.equal(manifest.counts.dropped['grammar refuses'], 0, run.stdout);
  assert.doesNotMatch(manifest.database, new RegExp(server.password));
  const examples = ['train', 'test'].flatMap((split) =>
    readFileSync(join(out, split, 'quarry.jsonl'), 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { sql: string; db: string; frequency: number; result: { rows: unknown[][] } }),
  );
  const counted = examples.find((e) => /cylinders/.test(e.sql))!;
  // Three calls of the template, and the first build's one ground-truth run of it.
  assert.equal(counted.frequency, 4);
  assert.doesNotMatch(counted.sql, /\$\d/, 'placeholders are filled from the data');
  for (const example of examples) {
    assert.equal(example.db, carUrl);
    assert.ok(example.result.rows.length > 0, `${example.sql} found nothing: its values did not come from the data`);
  }
});

test('schema-only mode, which needs a generated file database, is refused on a server with the reason, and nothing is written', () => {
  const history = join(temp.dir, 'history.sql');
  writeFileSync(history, 'SELECT count(*) FROM cars_data;\n');
  const out = join(temp.dir, 'schema-only');
  const run = quarry(['dataset', 'build', '--db', carUrl, '--history', history, '--schema-only', '--questions', 'none', '--out', out]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /^quarry: schema-only mode builds its ground truth on a generated SQLite or DuckDB file; postgresql:\/\/postgres@127\.0\.0\.1:\d+\/car_1 is a server/);
  assert.equal(existsSync(out), false);
});

