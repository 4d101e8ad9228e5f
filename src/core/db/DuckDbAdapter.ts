import {
  DuckDBBlobValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBTypeId,
  StatementType,
  type DuckDBConnection,
  type DuckDBPreparedStatement,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { SqlValue, TypedRows, TypedValue } from '../types/QueryResult';
import type { DatabaseAdapter } from './DatabaseAdapter';
import type { RowCursor } from './RowCursor';
import { toHex, toSafeNumber } from './DatabaseAdapter';
import { DbError, isProgrammingError } from './DbError';
import type { ColumnSchema, DatabaseSchema, ForeignKeySchema, SchemaOptions, TableSchema } from '../types/DatabaseSchema';
import { exampleText, exampleValuesSql, mostFrequentValues } from '../schema/exampleValuesSql';
import { quoteIdentifier, quotedTableName } from '../sql/quoteIdentifier';
import { callableNames } from './callableNames';
import type { AttachedDatabase } from '../types/AttachedDatabase';

/**
 * READ_ONLY stops writes to the file; with external access off, SQL cannot read or write any
 * other file (read_csv, COPY … TO, EXPORT, ATTACH) or load extensions; the lock keeps SET from
 * turning any of it back on.
 */
const SAFE_CONFIG: Record<string, string> = {
  access_mode: 'READ_ONLY',
  enable_external_access: 'false',
  autoinstall_known_extensions: 'false',
  autoload_known_extensions: 'false',
  allow_community_extensions: 'false',
  lock_configuration: 'true',
};

export class DuckDbAdapter implements DatabaseAdapter {
  readonly dialect = 'duckdb' as const;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** Attached files' aliases: their tables (of their main schema) are read as alias.table. */
    private readonly attached: string[] = [],
  ) {}

  static async open(path: string, memoryLimitMb: number, attach: readonly AttachedDatabase[] = []): Promise<DuckDbAdapter> {
    let instance: DuckDBInstance;
    try {
      // Set before the lock, so no query can raise it again. Attaching reads other files: external access and the
      // lock wait until Quarry's own ATTACH statements have run, and are then set as for every other connection.
      const config = attach.length ? { ...SAFE_CONFIG, enable_external_access: 'true', lock_configuration: 'false' } : SAFE_CONFIG;
      instance = await DuckDBInstance.create(path, { ...config, memory_limit: `${memoryLimitMb}MB` });
    } catch (error) {
      throw openError(error, path);
    }
    try {
      const connection = await instance.connect();
      for (const { alias, path: file } of attach) {
        try {
          await connection.run(`ATTACH '${file.replaceAll("'", "''")}' AS ${quoteIdentifier(alias)} (READ_ONLY)`);
        } catch (error) {
          throw openError(error, file);
        }
      }
      if (attach.length) await connection.run("SET enable_external_access = false; SET lock_configuration = true");
      await connection.run('SELECT count(*) FROM duckdb_tables()');
      return new DuckDbAdapter(instance, connection, attach.map((a) => a.alias));
    } catch (error) {
      instance.closeSync();
      throw openError(error, path);
    }
  }

  async openCursor(statement: string, explained: string | null): Promise<RowCursor> {
    const prepared = await this.prepareRead(statement, explained === null ? [StatementType.SELECT] : [StatementType.EXPLAIN]);
    if (explained !== null) (await this.prepareRead(explained, [StatementType.SELECT])).destroySync();
    let result;
    try {
      // A streaming result: DuckDB computes chunks as they are fetched, not the whole result up front.
      result = await prepared.stream();
    } catch (error) {
      prepared.destroySync();
      throw queryError(error);
    }
    let buffered: SqlValue[][] = [];
    let ended = false;
    return {
      columns: result.columnNames(),
      columnTypes: result.columnTypes().map((type) => type.toString()),
      async next(max) {
        try {
          while (buffered.length < max && !ended) {
            const chunk = await result.fetchChunk();
            if (!chunk || chunk.rowCount === 0) ended = true;
            else for (const row of chunk.getRows()) buffered.push(row.map(fromDuckDb));
          }
        } catch (error) {
          throw queryError(error);
        }
        const page = buffered.slice(0, max);
        buffered = buffered.slice(max);
        return page;
      },
      close() {
        buffered = [];
        prepared.destroySync();
      },
    };
  }

  async queryTyped(statement: string, explained: string | null, maxRows: number): Promise<TypedRows> {
    const prepared = await this.prepareRead(statement, explained === null ? [StatementType.SELECT] : [StatementType.EXPLAIN]);
    if (explained !== null) (await this.prepareRead(explained, [StatementType.SELECT])).destroySync();
    try {
      const reader = await prepared.streamAndReadUntil(maxRows + 1);
      const integer = reader.columnNames().map((_, i) => INTEGER_TYPES.has(reader.columnTypeId(i)));
      const rows = reader
        .getRows()
        .slice(0, maxRows)
        .map((row) => row.map((value, i) => typedFromDuckDb(value, integer[i]!)));
      return { rows, truncated: reader.currentRowCount > maxRows };
    } catch (error) {
      throw queryError(error);
    } finally {
      prepared.destroySync();
    }
  }

  async readSchema(options: Required<SchemaOptions>): Promise<DatabaseSchema> {
    try {
      const { tables, estimatedRows, keys } = await this.readTables();
      const columnsByTable = await this.readColumns();
      const constraints = await this.readConstraints();
      for (const table of tables) {
        const key = keys.get(table)!;
        const primary = constraints.primaryKeys.get(key) ?? new Set<string>();
        table.columns = (columnsByTable.get(key) ?? []).map((c) => ({ ...c, primaryKey: primary.has(c.name) }));
        table.foreignKeys = constraints.foreignKeys.get(key) ?? [];
      }
      // Sampling reads every row of a small table, which counts it too; only the rest need count(*).
      const counted = options.sampleValues > 0 ? await this.addExamples(tables, estimatedRows, options) : new Set<TableSchema>();
      await this.addRowCounts(tables.filter((t) => !counted.has(t)), tables);
      return { dialect: 'duckdb', tables, functions: await this.functionNames() };
    } catch (error) {
      throw queryError(error);
    }
  }

  /**
   * The catalog rows Quarry reads: the open file's, every schema; and each attached file's main
   * schema, whose tables are written alias.table (DuckDB finds a catalog's main schema so).
   */
  private own(): string {
    const attached = this.attached.map((alias) => `'${alias}'`).join(', ');
    return attached ? `(database_name = current_database() OR (database_name IN (${attached}) AND schema_name = 'main'))` : 'database_name = current_database()';
  }

  /** The namespace a table is written with: its schema in the open file, its alias in an attached one. */
  private namespace(): string {
    return this.attached.length ? 'CASE WHEN database_name = current_database() THEN schema_name ELSE database_name END' : 'schema_name';
  }

  /** DuckDB's own catalog of functions and macros (pragmas are statements, not calls). */
  private async functionNames(): Promise<string[]> {
    const rows = await this.rows<{ name: string }>("SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions() WHERE function_type <> 'pragma' ORDER BY 1");
    return callableNames(rows.map((row) => row.name));
  }

  async prepareOnly(sql: string): Promise<void> {
    try {
      const extracted = await this.connection.extractStatements(sql);
      for (let i = 0; i < extracted.count; i++) (await extracted.prepare(i)).destroySync();
    } catch (error) {
      throw queryError(error);
    }
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async prepareRead(sql: string, allowed: StatementType[]): Promise<DuckDBPreparedStatement> {
    let prepared: DuckDBPreparedStatement;
    try {
      const extracted = await this.connection.extractStatements(sql);
      if (extracted.count !== 1) {
        throw new DbError('refused', 'refused: multiple statements in one string are not allowed on this connection');
      }
      prepared = await extracted.prepare(0);
    } catch (error) {
      throw queryError(error);
    }
    if (!allowed.includes(prepared.statementType)) {
      const name = StatementType[prepared.statementType] ?? 'this kind of';
      prepared.destroySync();
      throw new DbError('refused', `refused: ${name} statements are not allowed on this connection`);
    }
    return prepared;
  }

  private async rows<T>(sql: string): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowObjectsJS() as T[];
  }

  /**
   * Tables and views of every schema of the open database (a warehouse keeps its tables in schemas
   * of their own: reading `main` alone read it as empty), with DuckDB's row estimate for each table:
   * its stored rows, deleted ones included, so never fewer than the table holds — safe for deciding
   * which tables are small. A table outside `main` carries its schema, so SQL names it `schema.table`.
   */
  private async readTables(): Promise<{ tables: TableSchema[]; estimatedRows: Map<TableSchema, number>; keys: Map<TableSchema, string> }> {
    const rows = await this.rows<{ schema: string; name: string; kind: 'table' | 'view'; estimated: bigint | null }>(
      `SELECT ${this.namespace()} AS schema, ${this.namespace()} <> 'main' AS elsewhere, database_name <> current_database() AS attached, table_name AS name, 'table' AS kind, table_oid AS oid, estimated_size AS estimated
       FROM duckdb_tables() WHERE ${this.own()} AND NOT internal AND NOT temporary
       UNION ALL
       SELECT ${this.namespace()}, ${this.namespace()} <> 'main', database_name <> current_database(), view_name, 'view', view_oid, NULL FROM duckdb_views()
       WHERE ${this.own()} AND NOT internal AND NOT temporary
       ORDER BY attached, elsewhere, schema, oid`,
    );
    const tables = rows.map((r): TableSchema => ({ name: r.name, ...(r.schema !== DEFAULT_SCHEMA ? { schema: r.schema } : {}), kind: r.kind, columns: [], foreignKeys: [], rowCount: null }));
    const estimatedRows = new Map(tables.flatMap((table, i) => (rows[i]!.estimated === null ? [] : [[table, Number(rows[i]!.estimated)] as const])));
    const keys = new Map(tables.map((table, i) => [table, tableKey(rows[i]!.schema, rows[i]!.name)]));
    return { tables, estimatedRows, keys };
  }

  private async readColumns(): Promise<Map<string, ColumnSchema[]>> {
    const rows = await this.rows<{ schema: string; tableName: string; name: string; type: string; notNull: boolean }>(
      `SELECT ${this.namespace()} AS schema, table_name AS tableName, column_name AS name, data_type AS type, NOT is_nullable AS notNull
       FROM duckdb_columns() WHERE ${this.own()} AND NOT internal ORDER BY table_oid, column_index`,
    );
    const byTable = new Map<string, ColumnSchema[]>();
    for (const row of rows) {
      const key = tableKey(row.schema, row.tableName);
      const list = byTable.get(key) ?? [];
      list.push({ name: row.name, type: row.type, primaryKey: false, notNull: row.notNull, examples: [] });
      byTable.set(key, list);
    }
    return byTable;
  }

  private async readConstraints(): Promise<{ primaryKeys: Map<string, Set<string>>; foreignKeys: Map<string, ForeignKeySchema[]> }> {
    const rows = await this.rows<{ schema: string; tableName: string; kind: string; columns: string[]; refTable: string | null; refColumns: string[] }>(
      `SELECT ${this.namespace()} AS schema, table_name AS tableName, constraint_type AS kind, constraint_column_names AS columns,
              referenced_table AS refTable, referenced_column_names AS refColumns
       FROM duckdb_constraints() WHERE ${this.own()} AND constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')
       ORDER BY table_oid, constraint_index`,
    );
    const primaryKeys = new Map<string, Set<string>>();
    const foreignKeys = new Map<string, ForeignKeySchema[]>();
    for (const row of rows) {
      const key = tableKey(row.schema, row.tableName);
      if (row.kind === 'PRIMARY KEY') {
        primaryKeys.set(key, new Set(row.columns));
      } else if (row.refTable !== null) {
        const list = foreignKeys.get(key) ?? [];
        // DuckDB's foreign keys stay within their schema (an attached file's, within that file).
        list.push({ columns: [...row.columns], refTable: row.refTable, ...(row.schema !== DEFAULT_SCHEMA ? { refSchema: row.schema } : {}), refColumns: [...row.refColumns] });
        foreignKeys.set(key, list);
      }
    }
    return { primaryKeys, foreignKeys };
  }

  /** Many small queries cost DuckDB milliseconds each, so the counts come in batches of UNION ALL branches. */
  private async addRowCounts(todo: TableSchema[], all: TableSchema[]): Promise<void> {
    const branches = todo.flatMap((table) =>
      table.kind === 'table' ? [`SELECT ${all.indexOf(table)} AS t, count(*) AS n FROM ${quotedTableName(table)}`] : [],
    );
    for (let start = 0; start < branches.length; start += COUNTS_PER_QUERY) {
      const sql = branches.slice(start, start + COUNTS_PER_QUERY).join('\nUNION ALL\n');
      for (const row of await this.rows<{ t: number; n: bigint }>(sql)) all[row.t]!.rowCount = Number(row.n);
    }
  }

  /**
   * DuckDB pays a millisecond or more for every scan it plans, so the example values of small tables
   * come from a few batched queries of raw rows, ranked here; a large table gets its own aggregate
   * query per column, as in SQLite, so that no large sample ever crosses into JavaScript.
   */
  /** Returns the tables it read whole, whose row counts it has set. */
  private async addExamples(tables: TableSchema[], estimatedRows: Map<TableSchema, number>, options: Required<SchemaOptions>): Promise<Set<TableSchema>> {
    // A view's values could cost a whole query to compute; only tables are sampled.
    const sampled = tables.filter((table) => table.kind === 'table' && table.columns.some((c) => isTextType(c.type)));
    const small = new Set(sampled.filter((table) => (estimatedRows.get(table) ?? Infinity) <= SMALL_TABLE_ROWS));
    const smallList = [...small];
    for (let start = 0; start < smallList.length; start += SCANS_PER_QUERY) {
      await this.addSmallTableExamples(smallList.slice(start, start + SCANS_PER_QUERY), options);
    }
    for (const table of sampled.filter((t) => !small.has(t))) {
      for (const column of table.columns.filter((c) => isTextType(c.type))) {
        const sql = exampleValuesSql(quotedTableName(table), quoteIdentifier(column.name), options.sampleValues);
        column.examples = (await this.rows<{ v: unknown }>(sql)).map((r) => exampleText(String(r.v), options.maxValueLength));
      }
    }
    return small;
  }

  private async addSmallTableExamples(tables: TableSchema[], options: Required<SchemaOptions>): Promise<void> {
    const textColumns = tables.map((table) => table.columns.filter((c) => isTextType(c.type)));
    const branches = tables.map((table, t) => {
      const values = textColumns[t]!.map((c) => `CAST(${quoteIdentifier(c.name)} AS VARCHAR)`);
      return `SELECT ${t} AS t, [${values.join(', ')}] AS vs FROM ${quotedTableName(table)}`;
    });
    const rows = await this.rows<{ t: number; vs: (string | null)[] }>(branches.join('\nUNION ALL\n'));
    const valuesByColumn = textColumns.map((columns) => columns.map(() => [] as string[]));
    for (const table of tables) table.rowCount = 0;
    for (const row of rows) {
      tables[row.t]!.rowCount!++;
      row.vs.forEach((value, c) => {
        if (value !== null && value.trim() !== '') valuesByColumn[row.t]![c]!.push(value);
      });
    }
    textColumns.forEach((columns, t) =>
      columns.forEach((column, c) => {
        column.examples = mostFrequentValues(valuesByColumn[t]![c]!, options.sampleValues).map((v) => exampleText(v, options.maxValueLength));
      }),
    );
  }
}

/** The schema DuckDB finds unqualified names in. */
const DEFAULT_SCHEMA = 'main';

/** A table's key across schemas: two schemas may each have a table of one name. */
function tableKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}

const COUNTS_PER_QUERY = 100;
/** Tables up to this many rows are sampled whole, in batches; larger ones by their first rows, in SQL. */
const SMALL_TABLE_ROWS = 1000;
/** Past a few dozen UNION ALL branches DuckDB's planning time grows faster than the branch count. */
const SCANS_PER_QUERY = 50;

function isTextType(type: string): boolean {
  return /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)\b/i.test(type) || type.startsWith('ENUM');
}

const INTEGER_TYPES: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.TINYINT, DuckDBTypeId.SMALLINT, DuckDBTypeId.INTEGER, DuckDBTypeId.BIGINT, DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT, DuckDBTypeId.USMALLINT, DuckDBTypeId.UINTEGER, DuckDBTypeId.UBIGINT, DuckDBTypeId.UHUGEINT,
]);

/** Integers as bigint and floating point as number, whatever width DuckDB gave them in JavaScript; blobs as bytes. */
function typedFromDuckDb(value: DuckDBValue, integer: boolean): TypedValue {
  if (value === null) return null;
  if (integer && (typeof value === 'number' || typeof value === 'bigint')) return BigInt(value);
  if (value instanceof DuckDBBlobValue) return value.bytes;
  const plain = fromDuckDb(value);
  return typeof plain === 'bigint' ? Number(plain) : plain;
}

function fromDuckDb(value: DuckDBValue): SqlValue {
  if (value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return toSafeNumber(value);
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBBlobValue) return toHex(value.bytes);
  // Dates, times, intervals, UUIDs, lists and structs: DuckDB's own text form, which is what SQL comparisons see.
  return String(value);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function openError(error: unknown, path: string): DbError {
  if (error instanceof DbError) return error;
  const message = messageOf(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) return new DbError('locked', `${path}: ${message}`);
  if (/No such file|does not exist/i.test(message)) return new DbError('file-missing', `${path}: ${message}`);
  return new DbError('corrupt', `${path} could not be opened as a DuckDB database: ${message}`);
}

function queryError(error: unknown): DbError {
  if (error instanceof DbError) return error;
  if (isProgrammingError(error)) return new DbError('internal', String(error));
  const message = messageOf(error).replace(/^Failed to extract statements: /, '');
  if (/^INTERRUPT/i.test(message)) return new DbError('timeout', message);
  // Damage found past the header, when a query reaches the block: the file's fault, not the SQL's.
  if (/Corrupt database file|checksum .* does not match|Serialization Error|Could not read enough bytes/i.test(message)) {
    return new DbError('corrupt', `the DuckDB file is damaged (${message}); restore it from a copy`);
  }
  if (/^Permission Error/i.test(message)) return new DbError('refused', `refused: ${message}`);
  if (/Cannot execute statement of type .* in read-only mode|read-only mode/i.test(message)) {
    return new DbError('refused', `refused: ${message}`);
  }
  return new DbError('sql-error', message);
}
