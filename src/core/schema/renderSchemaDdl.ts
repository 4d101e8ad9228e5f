import { identifier } from '../sql/quoteIdentifier';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../types/DatabaseSchema';

/**
 * The schema as prompts show it: CREATE TABLE statements with foreign keys, row counts and
 * example values as comments. Quarry's own prompts (dataset export, evaluation, inference in the
 * `quarry` and `sqlcoder` formats) use this rendering, and the same database always gives
 * byte-identical text; formats trained on another rendering bring their own.
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


function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function primaryKeyColumns(table: TableSchema): string[] {
  return table.columns.filter((c) => c.primaryKey).map((c) => c.name);
}
