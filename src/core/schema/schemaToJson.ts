import type { DatabaseSchema } from '../types/DatabaseSchema';

/** The CLI's documented JSON shape (`quarry schema --json`), kept separate from the richer in-memory schema. */
export interface SchemaJson {
  dialect: DatabaseSchema['dialect'];
  tables: {
    name: string;
    kind: 'table' | 'view';
    columns: { name: string; type: string; primaryKey: boolean }[];
    foreignKeys: { columns: string[]; refTable: string; refColumns: string[] }[];
    rowCount: number | null;
  }[];
}

export function schemaToJson(schema: DatabaseSchema): SchemaJson {
  return {
    dialect: schema.dialect,
    tables: schema.tables.map((table) => ({
      name: table.name,
      kind: table.kind,
      columns: table.columns.map((c) => ({ name: c.name, type: c.type, primaryKey: c.primaryKey })),
      foreignKeys: table.foreignKeys.map((fk) => ({ columns: fk.columns, refTable: fk.refTable, refColumns: fk.refColumns })),
      rowCount: table.rowCount,
    })),
  };
}
