// npm run union -- spider|bird [--data <database dir>] [--out <file.duckdb>]: every database of a
// benchmark as one schema (named by its db_id) of a single DuckDB file, rows and keys kept: the
// warehouse-sized schemas that retrieval is measured on (issue 30, docs/RETRIEVAL.md). Spider: 163
// databases, about 840 tables; BIRD dev: 11 schema-only databases, no rows.
// Defaults: ../shared/data/<benchmark>/… → bench/.data/<benchmark>-union.duckdb (ignored by git).
// Runs on Node 24's type stripping; the bench imports the same function.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

type ColumnType = 'BIGINT' | 'DOUBLE' | 'VARCHAR' | 'BLOB';
interface SourceColumn { name: string; declared: string; type: ColumnType; notNull: boolean; pk: number }
interface SourceKey { columns: string[]; refTable: string; refColumns: string[] }
interface SourceTable { name: string; columns: SourceColumn[]; primaryKey: string[]; unique: string[][]; foreignKeys: SourceKey[] }

export interface UnionReport {
  databases: number;
  tables: number;
  columns: number;
  rows: number;
  /** Keys the SQLite file declares that its own rows break (DuckDB enforces keys), left out and counted. */
  droppedPrimaryKeys: number;
  droppedForeignKeys: number;
  keptForeignKeys: number;
}

/** Where each benchmark's databases are under ../shared/data. */
export const UNION_SOURCES = { spider: ['spider', 'database'], bird: ['bird-dev-json-only', 'schema-only-databases'] } as const;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Copies each SQLite database under `databaseDir` (Spider's layout: <db_id>/<db_id>.sqlite) into its
 * own schema of the DuckDB file `target`. Column types follow the values stored, not the declared
 * affinity (Spider has text in INTEGER columns); keys are declared where the rows satisfy them.
 */
export async function buildDatabaseUnion(target: string, databaseDir: string, onDatabase?: (name: string) => void): Promise<UnionReport> {
  const names = readdirSync(databaseDir)
    .filter((name) => existsSync(join(databaseDir, name, `${name}.sqlite`)))
    .sort();
  if (names.length === 0) throw new Error(`${databaseDir} has no <db_id>/<db_id>.sqlite files: give the benchmark's database folder (--data)`);
  const report: UnionReport = { databases: 0, tables: 0, columns: 0, rows: 0, droppedPrimaryKeys: 0, droppedForeignKeys: 0, keptForeignKeys: 0 };
  const instance = await DuckDBInstance.create(target);
  const connection = await instance.connect();
  try {
    for (const name of names) {
      onDatabase?.(name);
      const source = new Database(join(databaseDir, name, `${name}.sqlite`), { readonly: true, fileMustExist: true });
      try {
        await copyDatabase(source, connection, name, report);
      } finally {
        source.close();
      }
      report.databases++;
    }
    await connection.run('CHECKPOINT');
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return report;
}

async function copyDatabase(source: Database.Database, target: DuckDBConnection, schema: string, report: UnionReport): Promise<void> {
  const tables = readTables(source);
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  // A primary key goes in only where the rows are unique and not null: DuckDB checks it.
  for (const table of tables) {
    if (table.primaryKey.length > 0 && !keyHolds(source, table.name, table.primaryKey)) {
      table.primaryKey = [];
      report.droppedPrimaryKeys++;
    }
  }
  // A key may reference columns other than the parent's primary key (BIRD declares no primary keys): DuckDB
  // takes that when the columns are declared UNIQUE, which they may be where the rows allow it.
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      const parent = byName.get(fk.refTable.toLowerCase());
      if (!parent || parent === table) continue;
      const columns = resolveRefColumns(fk, parent);
      if (columns.length === 0 || sameColumns(columns, parent.primaryKey) || parent.unique.some((u) => sameColumns(u, columns))) continue;
      if (columns.every((c) => parent.columns.some((p) => p.name === c)) && keyHolds(source, parent.name, columns)) parent.unique.push(columns);
    }
  }
  await target.run(`CREATE SCHEMA ${quote(schema)}`);
  const created = new Set<string>();
  const pending = [...tables];
  // Parents first, so that a child's key can reference them; what a cycle leaves is created without the keys that close it.
  while (pending.length > 0) {
    const ready = pending.findIndex((t) => t.foreignKeys.every((fk) => created.has(fk.refTable.toLowerCase()) || fk.refTable.toLowerCase() === t.name.toLowerCase() || !byName.has(fk.refTable.toLowerCase())));
    const table = pending.splice(ready === -1 ? 0 : ready, 1)[0]!;
    const keys = table.foreignKeys.filter((fk) => {
      const parent = byName.get(fk.refTable.toLowerCase());
      const usable =
        parent !== undefined &&
        parent !== table &&
        created.has(parent.name.toLowerCase()) &&
        (sameColumns(resolveRefColumns(fk, parent), parent.primaryKey) || parent.unique.some((u) => sameColumns(u, resolveRefColumns(fk, parent)))) &&
        fk.columns.every((c, i) => columnType(table, c) === columnType(parent, resolveRefColumns(fk, parent)[i]!)) &&
        referencesHold(source, table, fk, parent);
      if (usable) report.keptForeignKeys++;
      else report.droppedForeignKeys++;
      return usable;
    });
    const parts = table.columns.map((c) => `${quote(c.name)} ${c.type}`);
    if (table.primaryKey.length > 0) parts.push(`PRIMARY KEY (${table.primaryKey.map(quote).join(', ')})`);
    for (const columns of table.unique) parts.push(`UNIQUE (${columns.map(quote).join(', ')})`);
    for (const fk of keys) {
      const parent = byName.get(fk.refTable.toLowerCase())!;
      parts.push(`FOREIGN KEY (${fk.columns.map(quote).join(', ')}) REFERENCES ${quote(schema)}.${quote(parent.name)} (${resolveRefColumns(fk, parent).map(quote).join(', ')})`);
    }
    await target.run(`CREATE TABLE ${quote(schema)}.${quote(table.name)} (${parts.join(', ')})`);
    created.add(table.name.toLowerCase());
    report.rows += await copyRows(source, target, schema, table);
    report.tables++;
    report.columns += table.columns.length;
  }
}

function readTables(source: Database.Database): SourceTable[] {
  const names = source
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
    .all() as { name: string }[];
  return names.map(({ name }) => {
    const info = source.prepare('SELECT name, type, "notnull" AS "notNull", pk FROM pragma_table_info(?)').all(name) as { name: string; type: string; notNull: number; pk: number }[];
    const columns = info.map((c) => ({ name: c.name, declared: c.type, type: storedType(source, name, c.name, c.type), notNull: c.notNull === 1, pk: c.pk }));
    const primaryKey = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    const rows = source.prepare('SELECT id, "table" AS refTable, "from" AS col, "to" AS refCol FROM pragma_foreign_key_list(?) ORDER BY id, seq').all(name) as {
      id: number; refTable: string; col: string; refCol: string | null;
    }[];
    const keys = new Map<number, SourceKey>();
    for (const row of rows) {
      const key = keys.get(row.id) ?? { columns: [], refTable: row.refTable, refColumns: [] };
      key.columns.push(row.col);
      if (row.refCol) key.refColumns.push(row.refCol);
      keys.set(row.id, key);
    }
    return { name, columns, primaryKey, unique: [], foreignKeys: [...keys.values()].reverse() };
  });
}

/** The type the stored values have: integers, numbers, blobs, or text for anything mixed with text; the declared one for an empty column. */
function storedType(source: Database.Database, table: string, column: string, declared: string): ColumnType {
  const kinds = (source.prepare(`SELECT DISTINCT typeof(${quote(column)}) AS kind FROM ${quote(table)}`).all() as { kind: string }[])
    .map((r) => r.kind)
    .filter((k) => k !== 'null');
  if (kinds.length === 0) return /INT/i.test(declared) ? 'BIGINT' : /REAL|FLOA|DOUB|NUM|DEC/i.test(declared) ? 'DOUBLE' : 'VARCHAR';
  if (kinds.every((k) => k === 'integer')) return 'BIGINT';
  if (kinds.every((k) => k === 'integer' || k === 'real')) return 'DOUBLE';
  if (kinds.every((k) => k === 'blob')) return 'BLOB';
  return 'VARCHAR';
}

function columnType(table: SourceTable, name: string): ColumnType | undefined {
  return table.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
}

/** A key that names no columns references the parent's primary key (SQLite's rule). */
function resolveRefColumns(fk: SourceKey, parent: SourceTable): string[] {
  const named = fk.refColumns.length > 0 ? fk.refColumns : parent.primaryKey;
  return named.map((name) => parent.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.name ?? name);
}

function sameColumns(a: string[], b: string[]): boolean {
  return a.length === b.length && a.length > 0 && a.every((name, i) => name.toLowerCase() === b[i]!.toLowerCase());
}

function keyHolds(source: Database.Database, table: string, key: string[]): boolean {
  const columns = key.map(quote).join(', ');
  const nulls = key.map((c) => `${quote(c)} IS NULL`).join(' OR ');
  const row = source
    .prepare(`SELECT (SELECT count(*) FROM ${quote(table)} WHERE ${nulls}) AS nulls, (SELECT count(*) FROM (SELECT ${columns} FROM ${quote(table)} GROUP BY ${columns} HAVING count(*) > 1)) AS repeats`)
    .get() as { nulls: number; repeats: number };
  // DuckDB compares text keys case-sensitively, as SQLite does by default: the same rule on both sides.
  return row.nulls === 0 && row.repeats === 0;
}

function referencesHold(source: Database.Database, table: SourceTable, fk: SourceKey, parent: SourceTable): boolean {
  const refColumns = resolveRefColumns(fk, parent);
  const join = fk.columns.map((c, i) => `p.${quote(refColumns[i]!)} = c.${quote(c)}`).join(' AND ');
  const present = fk.columns.map((c) => `c.${quote(c)} IS NOT NULL`).join(' AND ');
  const row = source
    .prepare(`SELECT count(*) AS orphans FROM ${quote(table.name)} c WHERE ${present} AND NOT EXISTS (SELECT 1 FROM ${quote(parent.name)} p WHERE ${join})`)
    .get() as { orphans: number };
  return row.orphans === 0;
}

async function copyRows(source: Database.Database, target: DuckDBConnection, schema: string, table: SourceTable): Promise<number> {
  const appender = await target.createAppender(table.name, schema);
  let count = 0;
  try {
    const statement = source.prepare(`SELECT ${table.columns.map((c) => quote(c.name)).join(', ')} FROM ${quote(table.name)}`).raw(true);
    for (const row of statement.iterate() as Iterable<unknown[]>) {
      table.columns.forEach((column, i) => appendValue(appender, column.type, row[i]));
      appender.endRow();
      count++;
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return count;
}

function appendValue(appender: Awaited<ReturnType<DuckDBConnection['createAppender']>>, type: ColumnType, value: unknown): void {
  if (value === null || value === undefined) return appender.appendNull();
  switch (type) {
    case 'BIGINT':
      return appender.appendBigInt(BigInt(value as number | bigint));
    case 'DOUBLE':
      return appender.appendDouble(Number(value));
    case 'BLOB':
      return appender.appendBlob(value as Uint8Array);
    default:
      return appender.appendVarchar(value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value));
  }
}

/** Written beside the target and renamed into place: an interrupted build leaves no half a database. */
async function main(): Promise<void> {
  const root = resolve(dirname(process.argv[1]!), '..');
  const { values, positionals } = parseArgs({ options: { data: { type: 'string' }, out: { type: 'string' } }, allowPositionals: true });
  const benchmark = positionals[0];
  if (benchmark !== 'spider' && benchmark !== 'bird') throw new Error('say which benchmark: npm run union -- spider|bird [--data DIR] [--out FILE]');
  const databaseDir = resolve(values.data ?? join(root, '..', 'shared', 'data', ...UNION_SOURCES[benchmark]));
  const target = resolve(values.out ?? join(root, 'bench', '.data', `${benchmark}-union.duckdb`));
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  rmSync(`${partial}.wal`, { force: true });
  const started = performance.now();
  const report = await buildDatabaseUnion(partial, databaseDir, (name) => process.stderr.write(`\r${name.padEnd(40)}`));
  renameSync(partial, target);
  process.stderr.write('\r'.padEnd(42) + '\r');
  console.log(`wrote ${target} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(report)}`);
}

if (/buildDatabaseUnion\.ts$/.test(process.argv[1] ?? '')) {
  main().catch((error: unknown) => {
    console.error(`union: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
