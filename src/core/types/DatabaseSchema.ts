import type { Dialect } from './QueryResult';

/** A database's schema as Quarry reads it: plain data, the same from every engine. */

export interface ColumnSchema {
  name: string;
  /** The declared type as the engine reports it ('' when SQLite has none). */
  type: string;
  primaryKey: boolean;
  notNull: boolean;
  /** Most frequent distinct values of a text column, truncated; empty in schema-only mode. */
  examples: string[];
  /** The column's documentation in the database itself (Postgres COMMENT ON COLUMN). */
  comment?: string;
}

export interface ForeignKeySchema {
  columns: string[];
  refTable: string;
  /** The referenced table's namespace, when it is not the default one (see TableSchema.schema). */
  refSchema?: string;
  refColumns: string[];
}

export interface TableSchema {
  name: string;
  /**
   * The namespace (Postgres schema) when it is not the one unqualified names find (`public`):
   * SQL must then name the table `schema.name`.
   */
  schema?: string;
  /** The table's documentation in the database itself (Postgres COMMENT ON TABLE). */
  comment?: string;
  kind: 'table' | 'view';
  columns: ColumnSchema[];
  foreignKeys: ForeignKeySchema[];
  /** Row count of a table; null for views, which could be expensive to count. */
  rowCount: number | null;
  /** True when rowCount is the engine's statistics estimate (Postgres reltuples), not a count. */
  rowCountEstimated?: boolean;
}

export interface DatabaseSchema {
  dialect: Dialect;
  /** The database's name: its file's, without the extension (Spider's and BIRD's db_id), or a server database's. */
  name?: string;
  tables: TableSchema[];
  /**
   * The functions the engine itself lists (scalar, aggregate, window, table-valued), lower case:
   * the names a query may call, and the only ones the schema grammar lets a model write.
   */
  functions: string[];
}

export interface SchemaOptions {
  /** Example values per text column; 0 reads no row data at all (schema-only mode). */
  sampleValues?: number;
  /** Longest example value kept, in characters. */
  maxValueLength?: number;
  /** Count every table's rows exactly where the engine would otherwise give its estimate (Postgres). */
  exactCounts?: boolean;
}
