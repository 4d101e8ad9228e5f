import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnPlan, InstanceWriter, SchemaPlan, TablePlan, ValueKind } from './InstancePlan';
import { orderByReferences } from './InstancePlan';
import { quoteIdentifier } from '../sql/quoteIdentifier';
import { tokenizeSql } from '../sql/tokenizeSql';

/** The catalog of the opened file's main schema; DuckDB's own and temporary objects live in other databases. */
const OWN = "database_name = current_database() AND schema_name = 'main'";

/** Reads a DuckDB file's tables, keys and (unless schema-only) sample values, with the file opened read-only. */
export async function planDuckDbSchema(sourcePath: string, sampleRealValues: boolean): Promise<SchemaPlan> {
  const instance = await DuckDBInstance.create(sourcePath, { access_mode: 'READ_ONLY', enable_external_access: 'false' });
  const connection = await instance.connect();
  try {
    const rows = async <T>(sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as T[];
    // Instances are written from the main schema: a file with tables elsewhere would get instances missing them, and every
    // query of those tables would fail on them as if wrong. Said, not silently half done.
    const elsewhere = await rows<{ schema: string }>(
      "SELECT DISTINCT schema_name AS schema FROM duckdb_tables() WHERE database_name = current_database() AND schema_name <> 'main' AND NOT internal ORDER BY 1",
    );
    if (elsewhere.length) {
      throw new Error(`strict mode's instances are made from the main schema only, and ${sourcePath} has tables in ${elsewhere.map((r) => r.schema).join(', ')}: evaluate it without --instances`);
    }
    const tables = await rows<{ name: string; sql: string }>(`SELECT table_name AS name, sql FROM duckdb_tables() WHERE ${OWN} AND NOT internal ORDER BY table_oid`);
    const columns = await rows<{ tableName: string; name: string; type: string; nullable: boolean }>(
      `SELECT table_name AS tableName, column_name AS name, data_type AS type, is_nullable AS nullable FROM duckdb_columns() WHERE ${OWN} AND NOT internal ORDER BY table_oid, column_index`,
    );
    const constraints = await rows<{ tableName: string; kind: string; columns: string[]; refTable: string | null; refColumns: string[] | null }>(
      `SELECT table_name AS tableName, constraint_type AS kind, constraint_column_names AS columns, referenced_table AS refTable, referenced_column_names AS refColumns
       FROM duckdb_constraints() WHERE ${OWN} AND constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'FOREIGN KEY') ORDER BY table_oid, constraint_index`,
    );
    const plans: TablePlan[] = [];
    for (const table of tables) {
      const own = constraints.filter((c) => c.tableName === table.name);
      const plan = planTable(table.name, table.sql, columns.filter((c) => c.tableName === table.name), own);
      if (sampleRealValues) for (const column of plan.columns) column.samples = await samplesOf(connection, table.name, column);
      plans.push(plan);
    }
    const sequences = await rows<{ sql: string }>(`SELECT sql FROM duckdb_sequences() WHERE ${OWN} ORDER BY sequence_oid`);
    const views = await rows<{ sql: string }>(`SELECT sql FROM duckdb_views() WHERE ${OWN} AND NOT internal ORDER BY view_oid`);
    return { setup: sequences.map((s) => s.sql), tables: orderByReferences(plans), views: views.map((v) => v.sql) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

function planTable(
  name: string,
  ddl: string,
  columns: { name: string; type: string; nullable: boolean }[],
  constraints: { kind: string; columns: string[]; refTable: string | null; refColumns: string[] | null }[],
): TablePlan {
  const primaryKey = constraints.find((c) => c.kind === 'PRIMARY KEY')?.columns ?? [];
  return {
    name,
    ddl,
    columns: columns.map((c): ColumnPlan => {
      const kind = kindOf(c.type);
      const fk = constraints.find((k) => k.kind === 'FOREIGN KEY' && k.columns.length === 1 && k.columns[0] === c.name);
      const refColumn = fk?.refColumns?.[0];
      return {
        name: c.name,
        kind,
        bounds: boundsOf(c.type),
        choices: c.type.startsWith('ENUM(') ? tokenizeSql(c.type).filter((t) => t.kind === 'string').map((t) => t.text.slice(1, -1).replace(/''/g, "'")) : null,
        sequentialKey: primaryKey.length === 1 && primaryKey[0] === c.name && kind === 'integer',
        notNull: !c.nullable,
        samples: [],
        reference: fk?.refTable && refColumn ? { table: fk.refTable, column: refColumn } : null,
      };
    }),
    uniqueKeys: constraints.filter((c) => c.kind === 'PRIMARY KEY' || c.kind === 'UNIQUE').map((c) => [...c.columns]),
  };
}

/** Numbers as numbers, so random values can stay within their range; everything else in DuckDB's text form. */
async function samplesOf(connection: DuckDBConnection, table: string, column: ColumnPlan): Promise<unknown[]> {
  const as = column.kind === 'integer' || column.kind === 'real' ? 'DOUBLE' : 'VARCHAR';
  const name = quoteIdentifier(column.name);
  const reader = await connection.runAndReadAll(`SELECT DISTINCT CAST(${name} AS ${as}) FROM ${quoteIdentifier(table)} WHERE ${name} IS NOT NULL LIMIT 50`);
  return reader.getRowsJS().map((row) => row[0]);
}

const INTEGER_BOUNDS: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INTEGER: [-2147483648, 2147483647],
  UTINYINT: [0, 255],
  USMALLINT: [0, 65535],
  UINTEGER: [0, 4294967295],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  HUGEINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  UBIGINT: [0, Number.MAX_SAFE_INTEGER],
  UHUGEINT: [0, Number.MAX_SAFE_INTEGER],
};

function kindOf(type: string): ValueKind {
  if (type in INTEGER_BOUNDS) return 'integer';
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL)/.test(type)) return 'real';
  if (type === 'VARCHAR' || type.startsWith('ENUM(')) return 'text';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(type)) return 'timestamp';
  if (/^TIME\b/.test(type)) return 'time';
  if (type === 'UUID') return 'uuid';
  return 'opaque';
}

function boundsOf(type: string): [number, number] | null {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  if (decimal) {
    const largest = 10 ** (Number(decimal[1]) - Number(decimal[2])) - 10 ** -Number(decimal[2]);
    return [-largest, largest];
  }
  return INTEGER_BOUNDS[type] ?? null;
}

export async function createDuckDbInstance(path: string): Promise<InstanceWriter> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  return {
    async run(sql) {
      await connection.run(sql);
    },
    async insert(table, rows) {
      if (rows.length === 0) return [];
      const insert = (batch: unknown[][]) =>
        connection.run(`INSERT INTO ${quoteIdentifier(table.name)} (${table.columns.map((c) => quoteIdentifier(c.name)).join(', ')}) VALUES ${batch.map((row) => `(${row.map(sqlLiteral).join(', ')})`).join(', ')}`);
      try {
        await insert(rows);
        return rows;
      } catch {
        // DuckDB checks keys and constraints (CHECK, ranges) at insert and fails the whole statement: one row at a time keeps the rest.
        const accepted: unknown[][] = [];
        for (const row of rows) {
          try {
            await insert([row]);
            accepted.push(row);
          } catch {
            // Left out, as INSERT OR IGNORE leaves out a row in SQLite.
          }
        }
        return accepted;
      }
    },
    async finish() {
      // The read-only worker that opens this file next should not have to replay a write-ahead log.
      await connection.run('CHECKPOINT');
    },
    dispose() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** Text stays quoted and DuckDB casts it to the column's type (DATE, UUID, ENUM) at insert. */
function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${String(value).replace(/'/g, "''")}'`;
}
