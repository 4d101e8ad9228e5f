import BetterSqlite3 from 'better-sqlite3';
import type { ColumnPlan, InstanceWriter, SchemaPlan, TablePlan, ValueKind } from './InstancePlan';
import { orderByReferences } from './InstancePlan';
import { quoteIdentifier } from '../sql/quoteIdentifier';

/** Reads a SQLite file's tables, keys and (unless schema-only) sample values, read-only. */
export function planSqliteSchema(sourcePath: string, sampleRealValues: boolean): SchemaPlan {
  const source = new BetterSqlite3(sourcePath, { readonly: true, fileMustExist: true });
  try {
    const objects = source
      .prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql IS NOT NULL ORDER BY rowid")
      .all() as { type: 'table' | 'view'; name: string; sql: string }[];
    const tables = objects.filter((o) => o.type === 'table').map(({ name, sql }) => planTable(source, name, sql, sampleRealValues));
    return { setup: [], tables: orderByReferences(tables), views: objects.filter((o) => o.type === 'view').map((o) => o.sql) };
  } finally {
    source.close();
  }
}

function planTable(source: BetterSqlite3.Database, name: string, ddl: string, sampleRealValues: boolean): TablePlan {
  const info = source.prepare('SELECT name, type, "notnull" AS "notNull", pk FROM pragma_table_info(?)').all(name) as { name: string; type: string; notNull: number; pk: number }[];
  const keys = source.prepare('SELECT "from" AS col, "table" AS refTable, "to" AS refCol FROM pragma_foreign_key_list(?)').all(name) as {
    col: string;
    refTable: string;
    refCol: string | null;
  }[];
  const primaryKey = info.filter((c) => c.pk > 0).map((c) => c.name);
  const columns = info.map((c): ColumnPlan => {
    const kind = kindOf(c.type);
    const fk = keys.find((k) => k.col === c.name);
    const refColumn = fk ? (fk.refCol ?? primaryKeyOf(source, fk.refTable)) : null;
    return {
      name: c.name,
      kind,
      bounds: null,
      choices: null,
      sequentialKey: primaryKey.length === 1 && c.pk > 0 && kind === 'integer',
      notNull: c.notNull === 1 || c.pk > 0,
      samples: sampleRealValues
        ? source.prepare(`SELECT DISTINCT ${quoteIdentifier(c.name)} FROM ${quoteIdentifier(name)} WHERE ${quoteIdentifier(c.name)} IS NOT NULL LIMIT 50`).pluck().all()
        : [],
      reference: fk && refColumn ? { table: fk.refTable, column: refColumn } : null,
    };
  });
  return { name, ddl, columns, uniqueKeys: primaryKey.length ? [primaryKey] : [] };
}

/** SQLite's affinity rules, plus the date and boolean names people declare although SQLite stores them as text or numbers. */
function kindOf(declared: string): ValueKind {
  const type = declared.toUpperCase();
  if (type.includes('INT')) return 'integer';
  if (/CHAR|CLOB|TEXT/.test(type) || type === '') return 'text';
  if (/^(DATETIME|TIMESTAMP)/.test(type)) return 'timestamp';
  if (/^DATE/.test(type)) return 'date';
  if (/^TIME/.test(type)) return 'time';
  if (/^BOOL/.test(type)) return 'boolean';
  if (/BLOB/.test(type)) return 'opaque';
  return 'real';
}

function primaryKeyOf(db: BetterSqlite3.Database, table: string): string | null {
  const row = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk = 1').pluck().get(table) as string | undefined;
  return row ?? null;
}

export function createSqliteInstance(path: string): InstanceWriter {
  const db = new BetterSqlite3(path);
  // Foreign keys are filled from parent rows by hand: many real schemas (Spider's among them)
  // declare keys SQLite would reject at insert time ("foreign key mismatch"), so it does not check them.
  db.exec('PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN');
  return {
    async run(sql) {
      db.exec(sql);
    },
    async insert(table, rows) {
      const insert = db.prepare(
        `INSERT OR IGNORE INTO ${quoteIdentifier(table.name)} (${table.columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
      );
      // better-sqlite3 binds no booleans; SQLite itself stores them as 1 and 0.
      return rows.filter((row) => insert.run(...row.map((v) => (typeof v === 'boolean' ? Number(v) : v))).changes > 0);
    },
    async finish() {
      db.exec('COMMIT');
    },
    dispose() {
      db.close();
    },
  };
}
