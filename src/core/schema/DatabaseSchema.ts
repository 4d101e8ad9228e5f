import type { Dialect } from '../db/Database';

export interface ColumnSchema {
  name: string;
  /** The declared type as the engine reports it ('' when SQLite has none). */
  type: string;
  primaryKey: boolean;
  notNull: boolean;
  /** Most frequent distinct values of a text column, truncated; empty in schema-only mode. */
  examples: string[];
}

export interface ForeignKeySchema {
  columns: string[];
  refTable: string;
  refColumns: string[];
}

export interface TableSchema {
  name: string;
  kind: 'table' | 'view';
  columns: ColumnSchema[];
  foreignKeys: ForeignKeySchema[];
  /** Exact row count of a table; null for views, which could be expensive to count. */
  rowCount: number | null;
}

export interface DatabaseSchema {
  dialect: Dialect;
  tables: TableSchema[];
}

export interface SchemaOptions {
  /** Example values per text column; 0 reads no row data at all (schema-only mode). */
  sampleValues?: number;
  /** Longest example value kept, in characters. */
  maxValueLength?: number;
}

export const DEFAULT_SAMPLE_VALUES = 3;
export const DEFAULT_MAX_VALUE_LENGTH = 60;
/** Example values come from the first rows only, so a huge table costs no more than a small one. */
export const SAMPLE_SCAN_ROWS = 10_000;

export function primaryKeyColumns(table: TableSchema): string[] {
  return table.columns.filter((c) => c.primaryKey).map((c) => c.name);
}

export function resolvedSchemaOptions(options: SchemaOptions = {}): Required<SchemaOptions> {
  return {
    sampleValues: Math.max(0, Math.floor(options.sampleValues ?? DEFAULT_SAMPLE_VALUES)),
    maxValueLength: Math.max(8, Math.floor(options.maxValueLength ?? DEFAULT_MAX_VALUE_LENGTH)),
  };
}

/** Collapses whitespace (a value must fit in a one-line comment) and cuts it to the limit. */
export function exampleText(value: string, maxLength: number): string {
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxLength ? oneLine : `${oneLine.slice(0, maxLength - 1)}…`;
}

/**
 * The SQL that picks a column's most frequent values among the first rows, deterministically:
 * rows (v, n), most frequent first, ties in value order.
 */
export function exampleValuesSql(quotedTable: string, quotedColumn: string, limit: number): string {
  return (
    `SELECT v, count(*) AS n FROM (SELECT ${quotedColumn} AS v FROM ${quotedTable} LIMIT ${SAMPLE_SCAN_ROWS}) ` +
    `WHERE v IS NOT NULL AND trim(CAST(v AS VARCHAR)) <> '' GROUP BY v ORDER BY n DESC, v LIMIT ${limit}`
  );
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
