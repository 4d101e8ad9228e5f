import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildSqlModeGrammar } from '../../src/core/sql/buildSqlModeGrammar';
import { fencedGrammar } from '../../src/core/sql/grammarFor';
import { checkSentence, parseGbnf, type ParsedGrammar } from '../../src/core/sql/continueGrammar';
import { tokenizeSql } from '../../src/core/sql/tokenizeSql';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { mulberry32 } from '../../src/core/util/seededRandom';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { openTestDb } from '../helpers/dbAssertions';
import { makeTempDir, PROJECT_ROOT, SHARED_DATA, SPIDER_DIR } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

const BIRD_DIR = join(SHARED_DATA, 'bird-dev-json-only');
const temp = makeTempDir();
const openflights = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(openflights));
after(() => temp.dispose());

interface Loaded {
  schema: DatabaseSchema;
  grammar: ParsedGrammar;
}

const cache = new Map<string, Loaded | null>();

async function load(path: string): Promise<Loaded | null> {
  if (!cache.has(path)) {
    if (!existsSync(path)) cache.set(path, null);
    else {
      const db = await openTestDb(path);
      const schema = await db.readSchema({ sampleValues: 0 });
      await db.dispose();
      cache.set(path, { schema, grammar: parseGbnf(buildSqlModeGrammar(schema)) });
    }
  }
  return cache.get(path)!;
}

/** Each gold query as written in its dataset, whitespace folded onto one line. */
async function* goldQueries(file: string, databases: string, sqlKey: string): AsyncGenerator<{ sql: string; loaded: Loaded }> {
  for (const example of JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>[]) {
    const loaded = await load(join(databases, example.db_id!, `${example.db_id}.sqlite`));
    if (loaded) yield { sql: example[sqlKey]!.replace(/\s+/g, ' ').trim(), loaded };
  }
}

async function coverage(file: string, databases: string, sqlKey: string): Promise<{ share: number; refused: string[] }> {
  let total = 0;
  const refused: string[] = [];
  for await (const { sql, loaded } of goldQueries(file, databases, sqlKey)) {
    total++;
    const result = checkSentence(loaded.grammar, sql);
    if (!result.accepted) refused.push(`${result.reason} at ${result.at}: ${sql.slice(0, result.at!)}⟦${sql.slice(result.at!)}`);
  }
  return { share: (total - refused.length) / total, refused };
}

const GOALS: [string, string, string, string, number][] = [
  ['Spider dev', join(SPIDER_DIR, 'dev.json'), join(SPIDER_DIR, 'database'), 'query', 0.995],
  ['Spider train', join(SPIDER_DIR, 'train_spider.min.json'), join(SPIDER_DIR, 'database'), 'query', 0.995],
  ['BIRD dev', join(BIRD_DIR, 'dev.json'), join(BIRD_DIR, 'schema-only-databases'), 'SQL', 0.98],
];

for (const [name, file, databases, key, goal] of GOALS) {
  test(`the sql grammar accepts ${goal * 100}% of ${name} gold queries as written`, async (t) => {
    const { share, refused } = await coverage(file, databases, key);
    t.diagnostic(`${name}: ${(100 * share).toFixed(2)}% accepted; refused: ${refused.length}`);
    for (const line of refused) t.diagnostic(line);
    assert.ok(share >= goal, `${(100 * share).toFixed(2)}% < ${goal * 100}%`);
  });
}

/** A gold query with one column name replaced by a plausible name the schema does not have. */
function mutant(sql: string, schema: DatabaseSchema, random: () => number): string | null {
  const columns = new Set(schema.tables.flatMap((t) => t.columns.map((c) => c.name.toLowerCase())));
  const taken = new Set([...columns, ...schema.tables.map((t) => t.name.toLowerCase())]);
  const candidates = tokenizeSql(sql).filter((t) => t.kind === 'word' && columns.has(t.text.toLowerCase()));
  if (candidates.length === 0) return null;
  const token = candidates[Math.floor(random() * candidates.length)]!;
  const names = [`${token.text}_name`, `${token.text}s`, token.text.slice(0, -1), `num_${token.text}`, `${token.text}_id`].filter(
    (name) => name.length > 1 && !taken.has(name.toLowerCase()),
  );
  if (names.length === 0) return null;
  return sql.slice(0, token.start) + names[Math.floor(random() * names.length)] + sql.slice(token.start + token.text.length);
}

for (const [name, file, databases, key] of [GOALS[0]!, GOALS[2]!]) {
  test(`the sql grammar refuses at least 90% of ${name} gold queries with one column renamed to a name the schema lacks`, async (t) => {
    const random = mulberry32(11);
    let total = 0;
    const accepted: string[] = [];
    for await (const { sql, loaded } of goldQueries(file, databases, key)) {
      const changed = mutant(sql, loaded.schema, random);
      if (!changed) continue;
      total++;
      if (checkSentence(loaded.grammar, changed).accepted) accepted.push(changed);
    }
    const share = 1 - accepted.length / total;
    t.diagnostic(`${name}: ${(100 * share).toFixed(1)}% of ${total} mutants refused`);
    assert.ok(share >= 0.9, `${(100 * share).toFixed(1)}% refused; accepted e.g. ${accepted.slice(0, 3).join(' | ')}`);
  });
}

test('DuckDB queries the dialect allows, on the OpenFlights fixture; invented names refused', async () => {
  const loaded = (await load(openflights))!;
  const accepted = [
    'FROM airports SELECT name',
    "SELECT a.name, count(*) AS n FROM routes r JOIN airports a ON a.airport_id = r.source_airport_id WHERE a.country ILIKE 'united%' GROUP BY ALL ORDER BY n DESC NULLS LAST LIMIT 5",
    'SELECT name, altitude::DOUBLE / 3.28 AS meters FROM airports QUALIFY row_number() OVER (PARTITION BY country ORDER BY altitude DESC) = 1',
    'WITH big AS (SELECT country, count(*) AS c FROM airports GROUP BY country) SELECT * FROM big WHERE c > 100',
    'SELECT list(name ORDER BY name)[1:3] FROM airlines WHERE active = \'Y\'',
    'SELECT TRY_CAST(stops AS INTEGER), [1, 2, 3] AS xs, equipment IS DISTINCT FROM NULL FROM routes',
    'SELECT * FROM airports ANTI JOIN routes ON routes.source_airport_id = airports.airport_id',
    'SELECT "name", CASE WHEN altitude BETWEEN 0 AND 100 THEN \'low\' ELSE \'high\' END FROM airports',
    'select count(distinct airline_id) filter (where stops = 0) from routes',
  ];
  const refused = accepted.filter((sql) => !checkSentence(loaded.grammar, sql).accepted);
  assert.deepEqual(refused, []);
  for (const sql of ['SELECT nme FROM airports', 'SELECT a.nme FROM airports a', 'SELECT name FROM airport']) {
    assert.equal(checkSentence(loaded.grammar, sql).accepted, false, sql);
  }
});

test("functions and collations are the engine's own: another dialect's are refused, the engine's accepted", async () => {
  const sqlite = (await load(join(SPIDER_DIR, 'database', 'concert_singer', 'concert_singer.sqlite')))!;
  for (const sql of ['SELECT Name FROM singer ORDER BY Name COLLATE utf8_general_ci', 'SELECT YEAR(Song_release_year) FROM singer', 'SELECT DATEDIFF(Year, 1) FROM concert', 'SELECT to_char(Age) FROM singer', 'SELECT Name FROM singer WHERE NOW() > 1']) {
    assert.equal(checkSentence(sqlite.grammar, sql).accepted, false, sql);
  }
  for (const sql of [
    "SELECT strftime('%Y', Song_release_year), IIF(Age > 30, 'old', 'young'), group_concat(Name, ', ') FROM singer",
    "SELECT * FROM json_each('[1,2]')",
    'SELECT Name, row_number() OVER (ORDER BY Age) FROM singer',
    'SELECT Name FROM singer ORDER BY Name COLLATE NOCASE',
  ]) {
    assert.equal(checkSentence(sqlite.grammar, sql).accepted, true, sql);
  }
  const duckdb = (await load(openflights))!;
  for (const sql of ["SELECT date_trunc('month', DATE '2024-05-03'), year(current_date), regexp_matches(name, 'x') FROM airports", 'SELECT * FROM range(3)']) {
    assert.equal(checkSentence(duckdb.grammar, sql).accepted, true, sql);
  }
  for (const sql of ['SELECT DATEADD(day, 1, name) FROM airports', 'SELECT GETDATE()', 'SELECT CHARINDEX(name, city) FROM airports']) {
    assert.equal(checkSentence(duckdb.grammar, sql).accepted, false, sql);
  }
});

test('the fenced grammar: a statement, then the closing fence', async () => {
  const loaded = (await load(join(SPIDER_DIR, 'database', 'concert_singer', 'concert_singer.sqlite')))!;
  const fenced = parseGbnf(fencedGrammar(buildSqlModeGrammar(loaded.schema)));
  assert.equal(checkSentence(fenced, 'SELECT Name FROM singer;\n```').accepted, true);
  assert.equal(checkSentence(fenced, 'SELECT Name FROM singer```').accepted, true);
  assert.equal(checkSentence(fenced, 'SELECT Name FROM singer').reason, 'incomplete');
  assert.equal(checkSentence(fenced, 'SELECT Nme FROM singer\n```').accepted, false);
});

test('SQL laid out as models write it: line breaks, deep indentation, line comments', async () => {
  const loaded = (await load(join(SPIDER_DIR, 'database', 'concert_singer', 'concert_singer.sqlite')))!;
  const sql = [
    '-- singers per concert',
    'SELECT',
    '    c.concert_Name,',
    '    (',
    '        SELECT count(*)',
    '        FROM singer_in_concert AS s',
    '        WHERE s.concert_ID = c.concert_ID  -- this concert only',
    '    ) AS singers',
    'FROM concert AS c',
    'ORDER BY singers DESC;',
  ].join('\n');
  assert.ok(checkSentence(loaded.grammar, sql).accepted);
  assert.equal(checkSentence(loaded.grammar, sql.replace('s.concert_ID', 's.concert_id_x')).accepted, false, 'names stay constrained');
});

test('quarry grammar prints the GBNF and checks statements, saying where each stops', () => {
  const db = join(SPIDER_DIR, 'database', 'concert_singer', 'concert_singer.sqlite');
  const printed = quarry(['grammar', '--db', db]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^root ::= /);
  const printedGrammar = parseGbnf(printed.stdout);
  assert.equal(checkSentence(printedGrammar, 'SELECT singer_id FROM SINGER').accepted, true);
  assert.equal(checkSentence(printedGrammar, 'SELECT singer_idx FROM singer').accepted, false);
  const statements = join(temp.dir, 'check.sql');
  writeStatements(statements, ['SELECT T1.Name FROM singer AS T1 WHERE T1.Age > 30', 'SELECT name FROM singr']);
  const checked = quarry(['grammar', '--db', db, '--check', statements, '--json']);
  assert.equal(checked.code, 1, 'a refused statement makes the exit code 1');
  assert.deepEqual(checked.stdout.trim().split('\n').map((line) => JSON.parse(line)), [
    { sql: 'SELECT T1.Name FROM singer AS T1 WHERE T1.Age > 30', accepted: true, at: null },
    { sql: 'SELECT name FROM singr', accepted: false, at: 21 },
  ]);
  const narrow = quarry(['grammar', '--db', db, '--grammar', 'narrow', '--check', statements]);
  assert.match(narrow.stdout, /0 of 2 accepted/, 'the narrow grammar has no aliases');
});

function writeStatements(path: string, lines: string[]): void {
  writeFileSync(path, `${lines.join('\n')}\n`);
}

test("the columns a derived table or a CTE makes, qualified or bare; a derived table's own query keeps the schema's names", async () => {
  const loaded = (await load(join(PROJECT_ROOT, 'examples', 'shop.sqlite')))!;
  const accepted = [
    'SELECT t.n FROM (SELECT country, count(*) AS n FROM customers GROUP BY country) AS t ORDER BY t.n DESC',
    // SQLite needs no alias on a derived table.
    'SELECT n FROM (SELECT count(*) AS n FROM customers)',
    // An alias made inside the subquery (a window function's), used outside it.
    'SELECT name FROM (SELECT name, rank() OVER (ORDER BY price_cents DESC) AS r FROM products) WHERE r <= 3',
    'SELECT c.name, s.total FROM customers c JOIN (SELECT customer_id, count(*) AS total FROM orders GROUP BY customer_id) s ON s.customer_id = c.id ORDER BY s.total DESC',
    'SELECT avg(k) FROM customers, (SELECT count(*) AS k FROM orders) AS o',
    'WITH per AS (SELECT customer_id, count(*) AS k FROM orders GROUP BY customer_id) SELECT max(per.k), min(k) FROM per',
    'SELECT name FROM customers WHERE id IN (SELECT customer_id FROM (SELECT customer_id, count(*) AS k FROM orders GROUP BY customer_id) WHERE k > 1)',
  ];
  assert.deepEqual(accepted.filter((sql) => !checkSentence(loaded.grammar, sql).accepted), []);
  for (const sql of [
    'SELECT nme FROM customers',
    'SELECT c.nme FROM customers c',
    // Without a derived table, an alias is still no column.
    'SELECT n FROM customers',
    'SELECT n FROM (SELECT nme AS n FROM customers) t',
    'SELECT n FROM (SELECT name AS n FROM customerz) t',
    'SELECT n FROM (SELECT name AS n FROM customers) t JOIN ordrs ON 1 = 1',
    // A join's condition before the derived table names real tables only.
    'SELECT c.name FROM customers c JOIN orders o ON o.custmer_id = c.id JOIN (SELECT 1 AS k) AS d ON d.k = 1',
  ]) {
    assert.equal(checkSentence(loaded.grammar, sql).accepted, false, sql);
  }
});
