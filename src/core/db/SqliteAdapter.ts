import BetterSqlite3 from 'better-sqlite3';
import type { Database as SqliteConnection, Statement } from 'better-sqlite3';
import type { SqlValue, TypedRows, TypedValue } from '../types/QueryResult';
import type { DatabaseAdapter } from './DatabaseAdapter';
import type { RowCursor } from './RowCursor';
import { toHex, toSafeNumber } from './DatabaseAdapter';
import { DbError, isProgrammingError } from './DbError';
import type { DatabaseSchema, ForeignKeySchema, SchemaOptions, TableSchema } from '../types/DatabaseSchema';
import { exampleText, exampleValuesSql } from '../schema/exampleValuesSql';
import { quotedTableName, quoteIdentifier } from '../sql/quoteIdentifier';
import type { AttachedDatabase } from '../types/AttachedDatabase';
import { tokenizeSql } from '../sql/tokenizeSql';
import { callableNames } from './callableNames';

/** Lock waits are short: a query that waits on another writer should fail as `locked`, not hang. */
const BUSY_TIMEOUT_MS = 1000;

/** Table-valued functions SQLite may have built in, and the pragmas a query may read as tables. */
const SQLITE_TABLE_FUNCTIONS = [
  'json_each', 'json_tree', 'jsonb_each', 'jsonb_tree', 'generate_series', 'dbstat',
  ...['table_info', 'table_xinfo', 'table_list', 'index_list', 'index_info', 'index_xinfo', 'foreign_key_list', 'function_list', 'module_list', 'pragma_list', 'collation_list', 'database_list', 'compile_options'].map((name) => `pragma_${name}`),
];

export class SqliteAdapter implements DatabaseAdapter {
  readonly dialect = 'sqlite' as const;

  private constructor(
    private readonly db: SqliteConnection,
    /** Attached files' aliases, in the order given: their tables are read after main's, as alias.table. */
    private readonly attached: string[] = [],
  ) {}

  static open(path: string, attach: readonly AttachedDatabase[] = []): SqliteAdapter {
    let db: SqliteConnection;
    try {
      db = new BetterSqlite3(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    } catch (error) {
      throw sqliteError(error, path);
    }
    try {
      // The connection is read-only, and so is every file it attaches; attaching comes before query_only, which the guard keeps on.
      for (const { alias, path: file } of attach) db.prepare(`ATTACH DATABASE ? AS ${quoteIdentifier(alias)}`).run(file);
      db.pragma('query_only = ON');
      // Reading the catalog makes a damaged or locked file fail here, at open, with its own code.
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (error) {
      db.close();
      throw sqliteError(error, path);
    }
    return new SqliteAdapter(db, attach.map((a) => a.alias));
  }

  async openCursor(statement: string, explained: string | null): Promise<RowCursor> {
    const prepared = this.prepareRead(statement);
    if (explained !== null) this.prepareRead(explained);
    const described = prepared.columns();
    prepared.raw(true).safeIntegers(true);
    // SQLite steps the statement as rows are asked for: nothing past the page is read.
    const rows = prepared.iterate() as IterableIterator<unknown[]>;
    return {
      columns: described.map((c) => c.name),
      columnTypes: described.map((c) => c.type ?? ''),
      async next(max) {
        const page: SqlValue[][] = [];
        try {
          while (page.length < max) {
            const step = rows.next();
            if (step.done) break;
            page.push(step.value.map(fromSqlite));
          }
        } catch (error) {
          throw sqliteError(error);
        }
        return page;
      },
      close() {
        rows.return?.();
      },
    };
  }

  async queryTyped(statement: string, explained: string | null, maxRows: number): Promise<TypedRows> {
    const prepared = this.prepareRead(statement);
    if (explained !== null) this.prepareRead(explained);
    return readRows(prepared, maxRows, typedFromSqlite);
  }

  async readSchema(options: Required<SchemaOptions>): Promise<DatabaseSchema> {
    try {
      const tables: TableSchema[] = [];
      for (const schema of [undefined, ...this.attached]) {
        const catalog = schema === undefined ? 'sqlite_schema' : `${quoteIdentifier(schema)}.sqlite_schema`;
        const objects = this.db
          .prepare(`SELECT name, type FROM ${catalog} WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid`)
          .all() as { name: string; type: 'table' | 'view' }[];
        const own = objects.map((object) => this.readTable(object.name, object.type, options, schema));
        resolveImplicitReferences(own);
        tables.push(...own);
      }
      return { dialect: 'sqlite', tables, functions: this.functionNames() };
    } catch (error) {
      throw sqliteError(error);
    }
  }

  async prepareOnly(sql: string): Promise<void> {
    this.prepare(sql);
  }

  /**
   * SQLite's own list of functions, and the table-valued functions of this build (which that list
   * leaves out): each candidate the engine can name in FROM.
   */
  private functionNames(): string[] {
    const rows = this.db.prepare('SELECT lower(name) AS name FROM pragma_function_list').all() as { name: string }[];
    const tableValued = SQLITE_TABLE_FUNCTIONS.filter((name) => {
      try {
        this.db.prepare(`SELECT * FROM ${name}`);
        return true;
      } catch (error) {
        return !/no such table/i.test((error as Error).message);
      }
    });
    return callableNames([...rows.map((row) => row.name), ...tableValued]);
  }

  /**
   * Prepares with SQLite's classic reading of double-quoted strings: a "word" that names no column
   * is a string literal. The sqlite3 shell and Python accept it, Spider's gold queries rely on it,
   * and models trained on them write it; better-sqlite3 is built with it off (SQLITE_DQS=0) and has
   * no switch, so each such word SQLite reports is rewritten as 'word' and the statement prepared again.
   */
  private prepare(sql: string): Statement {
    let text = sql;
    for (let rewrites = 0; ; rewrites++) {
      try {
        return this.db.prepare(text);
      } catch (error) {
        const word = DOUBLE_QUOTED_STRING.exec((error as Error).message)?.[1];
        const rewritten = word !== undefined && rewrites < MAX_STRING_REWRITES ? asStringLiteral(text, word) : null;
        if (rewritten === null || rewritten === text) throw sqliteError(error);
        text = rewritten;
      }
    }
  }

  close(): void {
    this.db.close();
  }

  private prepareRead(sql: string): Statement {
    const prepared = this.prepare(sql);
    if (!prepared.readonly || !prepared.reader) {
      throw new DbError('refused', 'refused: the statement would change the database, and this connection is read-only');
    }
    return prepared;
  }

  /** `schema`: an attached file's alias (its tables are named alias.table, and reference their own file's tables). */
  private readTable(name: string, kind: 'table' | 'view', options: Required<SchemaOptions>, schema?: string): TableSchema {
    const info = this.columnInfo(name, kind, schema ?? 'main');
    const quotedTable = quotedTableName({ name, ...(schema ? { schema } : {}) });
    const columns = info.map((column) => ({
      name: column.name,
      type: column.type,
      primaryKey: column.pk > 0,
      notNull: column.notNull === 1,
      examples:
        // A view's values could cost a whole query to compute; only tables are sampled.
        kind === 'table' && options.sampleValues > 0 && hasTextAffinity(column.type)
          ? this.exampleValues(quotedTable, column.name, options)
          : [],
    }));
    const rowCount =
      kind === 'table' ? Number((this.db.prepare(`SELECT count(*) AS n FROM ${quotedTable}`).get() as { n: number }).n) : null;
    const foreignKeys = this.foreignKeys(name, schema ?? 'main').map((fk) => (schema ? { ...fk, refSchema: schema } : fk));
    return { name, ...(schema ? { schema } : {}), kind, columns, foreignKeys, rowCount };
  }

  /** A view over a table that is gone cannot be described; it is listed without columns rather than failing the whole schema. */
  private columnInfo(name: string, kind: 'table' | 'view', schema: string): { name: string; type: string; notNull: number; pk: number }[] {
    try {
      return this.db.prepare('SELECT name, type, "notnull" AS "notNull", pk FROM pragma_table_info(?, ?)').all(name, schema) as {
        name: string;
        type: string;
        notNull: number;
        pk: number;
      }[];
    } catch (error) {
      if (kind === 'view') return [];
      throw error;
    }
  }

  private exampleValues(quotedTable: string, column: string, options: Required<SchemaOptions>): string[] {
    const sql = exampleValuesSql(quotedTable, quoteIdentifier(column), options.sampleValues);
    return (this.db.prepare(sql).pluck().all() as unknown[]).map((v) => exampleText(String(v), options.maxValueLength));
  }

  private foreignKeys(table: string, schema: string): ForeignKeySchema[] {
    const rows = this.db
      .prepare('SELECT id, seq, "table" AS refTable, "from" AS col, "to" AS refCol FROM pragma_foreign_key_list(?, ?) ORDER BY id, seq')
      .all(table, schema) as { id: number; seq: number; refTable: string; col: string; refCol: string | null }[];
    const byId = new Map<number, ForeignKeySchema>();
    for (const row of rows) {
      let fk = byId.get(row.id);
      if (!fk) {
        fk = { columns: [], refTable: row.refTable, refColumns: [] };
        byId.set(row.id, fk);
      }
      fk.columns.push(row.col);
      // An empty name means "the referenced table's primary key"; resolved once all tables are read.
      fk.refColumns.push(row.refCol ?? '');
    }
    // pragma_foreign_key_list lists constraints last-declared first; keep declaration order.
    return [...byId.values()].reverse();
  }
}

const DOUBLE_QUOTED_STRING = /^no such column: "(.*)" - should this be a string literal in single-quotes\?$/s;
const MAX_STRING_REWRITES = 32;

/** Every "word" token spelling that word becomes 'word'. */
function asStringLiteral(sql: string, word: string): string {
  const quoted = `"${word.replace(/"/g, '""')}"`;
  let result = '';
  let at = 0;
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'quoted-identifier' && token.text === quoted) {
      result += `${sql.slice(at, token.start)}'${word.replace(/'/g, "''")}'`;
      at = token.start + token.text.length;
    }
  }
  return result + sql.slice(at);
}

/** SQLite's own rule for text affinity (https://sqlite.org/datatype3.html, 3.1). */
function hasTextAffinity(declaredType: string): boolean {
  const type = declaredType.toUpperCase();
  return !type.includes('INT') && /CHAR|CLOB|TEXT/.test(type);
}

function resolveImplicitReferences(tables: TableSchema[]): void {
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  for (const table of tables) {
    for (const fk of table.foreignKeys) {
      if (!fk.refColumns.includes('')) continue;
      const target = byName.get(fk.refTable.toLowerCase());
      const keys = target?.columns.filter((c) => c.primaryKey).map((c) => c.name) ?? [];
      fk.refColumns = fk.refColumns.map((col, i) => col || keys[i] || '');
    }
  }
}

/** Every row up to the cap, integers as bigint (safeIntegers) so that a REAL 1.0 stays apart from an INTEGER 1. */
function readRows<T>(prepared: Statement, maxRows: number, convert: (value: unknown) => T): { rows: T[][]; truncated: boolean } {
  prepared.raw(true).safeIntegers(true);
  const rows: T[][] = [];
  try {
    for (const row of prepared.iterate() as IterableIterator<unknown[]>) {
      if (rows.length === maxRows) return { rows, truncated: true };
      rows.push(row.map(convert));
    }
  } catch (error) {
    throw sqliteError(error);
  }
  return { rows, truncated: false };
}

/**
 * What Python's sqlite3 hands the official evaluator: int, float, bytes, and text decoded with
 * `errors="ignore"`. The engine here decodes invalid UTF-8 as U+FFFD, which is dropped to match.
 */
function typedFromSqlite(value: unknown): TypedValue {
  if (typeof value === 'string') return value.includes('\uFFFD') ? value.replaceAll('\uFFFD', '') : value;
  if (value instanceof Uint8Array) return new Uint8Array(value);
  return value as TypedValue;
}

function fromSqlite(value: unknown): SqlValue {
  if (typeof value === 'bigint') return toSafeNumber(value);
  if (value instanceof Uint8Array) return toHex(value);
  return value as SqlValue;
}

const SQLITE_CODES: Record<string, DbError['code']> = {
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_BUSY: 'locked',
  SQLITE_LOCKED: 'locked',
  SQLITE_READONLY: 'refused',
  SQLITE_CANTOPEN: 'file-missing',
  SQLITE_INTERRUPT: 'timeout',
};

function sqliteError(error: unknown, path?: string): DbError {
  if (error instanceof DbError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // better-sqlite3 reports several statements in one string as a RangeError of its own.
  if (/more than one statement/.test(message)) {
    return new DbError('refused', 'refused: multiple statements in one string are not allowed on this connection');
  }
  if (isProgrammingError(error)) return new DbError('internal', String(error));
  const sqliteCode = String((error as { code?: unknown }).code ?? '');
  // Extended codes (SQLITE_BUSY_SNAPSHOT, …) share their primary code's meaning.
  const base = sqliteCode.split('_').slice(0, 2).join('_');
  const code = SQLITE_CODES[sqliteCode] ?? SQLITE_CODES[base] ?? 'sql-error';
  return new DbError(code, path && code !== 'sql-error' ? `${path}: ${message}` : message);
}
