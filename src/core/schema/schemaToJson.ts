import type { DatabaseSchema } from '../types/DatabaseSchema';

/** The CLI's documented JSON shape (`quarry schema --json`), kept separate from the richer in-memory schema. */
export interface SchemaJson {
  dialect: DatabaseSchema['dialect'];
  tables: {
    name: string;
    /** Only for a table outside the default namespace (Postgres schemas other than public). */
    schema?: string;
    kind: 'table' | 'view';
    comment?: string;
    columns: { name: string; type: string; primaryKey: boolean; comment?: string }[];
    foreignKeys: { columns: string[]; refTable: string; refSchema?: string; refColumns: string[] }[];
    rowCount: number | null;
    /** True when rowCount is the server's estimate (Postgres without --exact-counts). */
    rowCountEstimated?: boolean;
  }[];
}

export function schemaToJson(schema: DatabaseSchema): SchemaJson {
  return {
    dialect: schema.dialect,
    tables: schema.tables.map((table) => ({
      name: table.name,
      ...(table.schema ? { schema: table.schema } : {}),
      kind: table.kind,
      ...(table.comment ? { comment: table.comment } : {}),
      columns: table.columns.map((c) => ({ name: c.name, type: c.type, primaryKey: c.primaryKey, ...(c.comment ? { comment: c.comment } : {}) })),
      foreignKeys: table.foreignKeys.map((fk) => ({ columns: fk.columns, refTable: fk.refTable, ...(fk.refSchema ? { refSchema: fk.refSchema } : {}), refColumns: fk.refColumns })),
      rowCount: table.rowCount,
      ...(table.rowCountEstimated ? { rowCountEstimated: true } : {}),
    })),
  };
}
