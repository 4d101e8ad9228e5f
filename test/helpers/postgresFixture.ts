import assert from 'node:assert/strict';
import type { TestPostgres } from './testPostgres';

export const POSTGRES_FIXTURE = 'quarry_fixture';

/** Namespaces, comments, a view, a materialized view, a sequence, a large table (sampled) and one never analyzed. */
export const POSTGRES_FIXTURE_SQL = [
  'CREATE SCHEMA sales',
  'CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, tier text)',
  "COMMENT ON TABLE customers IS 'People who bought something'",
  "COMMENT ON COLUMN customers.tier IS 'Loyalty tier:\ngold, silver or none'",
  "INSERT INTO customers (name, tier) VALUES ('Ada', 'gold'), ('Grace', 'silver'), ('Linus', 'gold')",
  'CREATE TABLE sales.orders (id bigint PRIMARY KEY, customer_id int REFERENCES customers (id), total numeric(10, 2), placed_at timestamptz, tags text[], paid boolean, receipt bytea)',
  "INSERT INTO sales.orders VALUES (1, 1, 120.50, '2026-01-02 03:04:05.678901+00', '{a,b}', true, '\\x00ff'), (2, 2, 80, NULL, '{}', false, NULL)",
  'CREATE VIEW sales.big_orders AS SELECT * FROM sales.orders WHERE total > 100',
  'CREATE MATERIALIZED VIEW order_totals AS SELECT customer_id, sum(total) AS total FROM sales.orders GROUP BY 1',
  'CREATE SEQUENCE quarry_seq',
  "CREATE TABLE events AS SELECT g AS id, 'kind-' || (g % 7) AS kind FROM generate_series(1, 200000) g",
  // Created quoted, so found only quoted: Postgres folds an unquoted name to lower case.
  'CREATE TABLE "Shipments" ("ShipmentId" int PRIMARY KEY, "Carrier" text)',
  `INSERT INTO "Shipments" VALUES (1, 'DHL'), (2, 'UPS')`,
  'ANALYZE',
  "CREATE TABLE fresh (a text); INSERT INTO fresh VALUES ('x'), ('y'), ('z')",
];

/**
 * Statements a query tool must refuse on the fixture database: the SQLite and DuckDB lists' kinds
 * (writes, DDL, files, settings, transactions), and what a READ ONLY transaction would still let
 * through (sequences, locks, signals, server files, SQL run from text), hidden every way the
 * tokenizer could miss (quoting, comments, E'' and dollar-quoted strings).
 */
export const POSTGRES_HOSTILE = [
  'DROP TABLE customers',
  'DELETE FROM customers',
  "UPDATE customers SET name = 'x'",
  "INSERT INTO customers (name) VALUES ('x')",
  'TRUNCATE customers',
  'CREATE TABLE evil (a int)',
  'CREATE TEMP TABLE evil AS SELECT 1',
  'CREATE VIEW evil AS SELECT 1',
  "CREATE FUNCTION evil() RETURNS int AS 'SELECT 1' LANGUAGE sql",
  'ALTER TABLE customers ADD COLUMN evil int',
  'GRANT SELECT ON customers TO public',
  'REFRESH MATERIALIZED VIEW order_totals',
  'SELECT * INTO evil FROM customers',
  'SELECT * FROM customers FOR UPDATE',
  'SELECT * FROM customers FOR SHARE',
  'WITH d AS (DELETE FROM customers RETURNING *) SELECT * FROM d',
  'WITH u AS (UPDATE sales.orders SET paid = false RETURNING 1) SELECT count(*) FROM u',
  "COPY customers TO '/tmp/quarry-evil.csv'",
  "COPY customers FROM '/tmp/quarry-evil.csv'",
  "COPY (SELECT 1) TO PROGRAM 'touch /tmp/quarry-evil'",
  "SET work_mem = '1MB'",
  'SET default_transaction_read_only = off',
  'SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE',
  'RESET ALL',
  'LOCK TABLE customers',
  'LISTEN evil',
  "NOTIFY evil, 'x'",
  'DO $$ BEGIN DELETE FROM customers; END $$',
  'CALL evil()',
  'PREPARE p AS SELECT 1',
  'EXECUTE p',
  'DEALLOCATE ALL',
  'BEGIN',
  'COMMIT',
  'START TRANSACTION READ WRITE',
  'VACUUM',
  'ANALYZE customers',
  'DISCARD ALL',
  "SELECT nextval('quarry_seq')",
  "SELECT setval('quarry_seq', 100)",
  "SELECT pg_catalog.nextval('quarry_seq')",
  `SELECT "nextval"('quarry_seq')`,
  "SELECT NEXTVAL /* hidden? */ ( 'quarry_seq' )",
  "SELECT * FROM (SELECT nextval('quarry_seq')) s",
  "SELECT E'\\'', nextval('quarry_seq') -- '",
  "SELECT $$'$$, nextval('quarry_seq') -- '",
  "SELECT $tag$;$tag$, setval('quarry_seq', 5)",
  'SELECT pg_terminate_backend(pg_backend_pid())',
  'SELECT pg_cancel_backend(1)',
  "SELECT lo_import('/etc/passwd')",
  'SELECT lo_creat(-1)',
  "SELECT dblink_exec('host=x', 'DELETE FROM customers')",
  "SELECT pg_read_file('/etc/passwd')",
  "SELECT pg_read_binary_file('/etc/passwd')",
  "SELECT set_config('default_transaction_read_only', 'off', false)",
  'SELECT pg_advisory_lock(1)',
  'SELECT pg_try_advisory_lock(1)',
  'SELECT 1 WHERE EXISTS (SELECT pg_advisory_xact_lock(7))',
  "SELECT pg_notify('evil', 'x')",
  "SELECT query_to_xml('SELECT nextval(''quarry_seq'')', true, true, '')",
  "SELECT pg_ls_dir('.')",
  'SELECT pg_reload_conf()',
  'SELECT 1; DELETE FROM customers',
  'EXPLAIN ANALYZE DELETE FROM customers',
  "EXPLAIN ANALYZE SELECT nextval('quarry_seq')",
];

/** The queries running on the server now, other than the asker's own. */
export async function runningQueries(server: TestPostgres): Promise<string[]> {
  const admin = await server.admin();
  try {
    const result = await admin.query("SELECT query FROM pg_stat_activity WHERE state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
    return result.rows.map((r: { query: string }) => r.query);
  } finally {
    await admin.end();
  }
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Every table's rows and every sequence's state, as the superuser sees them. */
export async function postgresChecksums(server: TestPostgres, database: string): Promise<Record<string, string>> {
  const admin = await server.admin(database);
  try {
    const tables = await admin.query("SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname IN ('public', 'sales') ORDER BY 1");
    const sums: Record<string, string> = {};
    for (const { name } of tables.rows as { name: string }[]) {
      sums[name] = (await admin.query(`SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') AS sum FROM ${name} t`)).rows[0].sum;
    }
    const sequences = await admin.query("SELECT format('%I.%I', schemaname, sequencename) AS name FROM pg_sequences ORDER BY 1");
    for (const { name } of sequences.rows as { name: string }[]) {
      const state = (await admin.query(`SELECT last_value, is_called FROM ${name}`)).rows[0];
      sums[name] = `${state.last_value}:${state.is_called}`;
    }
    const objects = await admin.query("SELECT count(*) AS n FROM pg_class WHERE relnamespace IN (SELECT oid FROM pg_namespace WHERE nspname IN ('public', 'sales'))");
    sums.objects = objects.rows[0].n;
    return sums;
  } finally {
    await admin.end();
  }
}
