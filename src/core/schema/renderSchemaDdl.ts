import type { ColumnSchema, DatabaseSchema, TableSchema } from './DatabaseSchema';
import { primaryKeyColumns, quoteIdentifier } from './DatabaseSchema';

/**
 * The schema as prompts show it: CREATE TABLE statements with foreign keys, row counts and
 * example values as comments. Every prompt (dataset export, evaluation, inference) uses this one
 * rendering, and the same database always gives byte-identical text.
 */
export function renderSchemaDdl(schema: DatabaseSchema): string {
  return schema.tables.map(renderTable).join('\n\n') + '\n';
}

export function renderTable(table: TableSchema): string {
  const keys = primaryKeyColumns(table);
  const inlineKey = keys.length === 1 && table.kind === 'table';
  const items: { text: string; comment?: string }[] = table.columns.map((column) => ({
    text: renderColumn(column, inlineKey && column.primaryKey),
    comment: column.examples.length > 0 ? `e.g. ${column.examples.map(sqlString).join(', ')}` : undefined,
  }));
  if (keys.length > 1 && table.kind === 'table') items.push({ text: `PRIMARY KEY (${keys.map(identifier).join(', ')})` });
  for (const fk of table.foreignKeys) {
    items.push({
      text: `FOREIGN KEY (${fk.columns.map(identifier).join(', ')}) REFERENCES ${identifier(fk.refTable)} (${fk.refColumns.map(identifier).join(', ')})`,
    });
  }
  const body = items.map((item, i) => {
    const separator = i < items.length - 1 ? ',' : '';
    return `  ${item.text}${separator}${item.comment ? ` -- ${item.comment}` : ''}`;
  });
  const footer = table.rowCount === null ? ');' : `); -- ${table.rowCount} ${table.rowCount === 1 ? 'row' : 'rows'}`;
  return [`CREATE ${table.kind === 'view' ? 'VIEW' : 'TABLE'} ${identifier(table.name)} (`, ...body, footer].join('\n');
}

function renderColumn(column: ColumnSchema, inlinePrimaryKey: boolean): string {
  const parts = [identifier(column.name)];
  if (column.type) parts.push(column.type);
  if (inlinePrimaryKey) parts.push('PRIMARY KEY');
  else if (column.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

/** SQL words a bare identifier must not be, in SQLite and DuckDB alike; the rest stay unquoted for readability. */
const RESERVED = new Set(
  `ALL ALTER AND ANY AS ASC BETWEEN BY CASE CAST CHECK COLLATE COLUMN CONSTRAINT CREATE CROSS CURRENT_DATE
  CURRENT_TIME CURRENT_TIMESTAMP DEFAULT DELETE DESC DISTINCT DROP ELSE END ESCAPE EXCEPT EXISTS FALSE FOR FOREIGN
  FROM FULL GROUP HAVING IN INDEX INNER INSERT INTERSECT INTO IS JOIN KEY LEFT LIKE LIMIT NATURAL NOT NULL OFFSET ON
  OR ORDER OUTER PRIMARY REFERENCES RIGHT ROW SELECT SET TABLE THEN TO TRUE UNION UNIQUE UPDATE USING VALUES
  VIEW WHEN WHERE WINDOW WITH`.split(/\s+/),
);

export function identifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toUpperCase()) ? name : quoteIdentifier(name);
}

function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
