import { identifier as quoted, tableIdentifier } from '../sql/quoteIdentifier';
import type { Dialect } from '../types/QueryResult';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../types/DatabaseSchema';

/**
 * The schema as prompts show it: CREATE TABLE statements with foreign keys, row counts, example
 * values and the database's own documentation (COMMENT ON) as comments. Quarry's own prompts (dataset export, evaluation, inference in the
 * `quarry` and `sqlcoder` formats) use this rendering, and the same database always gives
 * byte-identical text; formats trained on another rendering bring their own.
 */
export function renderSchemaDdl(schema: DatabaseSchema): string {
  return schema.tables.map((table) => renderTable(table, schema.dialect)).join('\n\n') + '\n';
}

export function renderTable(table: TableSchema, dialect?: Dialect): string {
  const identifier = (name: string) => quoted(name, dialect);
  const keys = primaryKeyColumns(table);
  const inlineKey = keys.length === 1 && table.kind === 'table';
  const items: { text: string; comment?: string }[] = table.columns.map((column) => ({
    text: renderColumn(column, inlineKey && column.primaryKey, dialect),
    comment: columnComment(column),
  }));
  if (keys.length > 1 && table.kind === 'table') items.push({ text: `PRIMARY KEY (${keys.map(identifier).join(', ')})` });
  for (const fk of table.foreignKeys) {
    items.push({
      text: `FOREIGN KEY (${fk.columns.map(identifier).join(', ')}) REFERENCES ${tableIdentifier({ name: fk.refTable, schema: fk.refSchema }, dialect)} (${fk.refColumns.map(identifier).join(', ')})`,
    });
  }
  const body = items.map((item, i) => {
    const separator = i < items.length - 1 ? ',' : '';
    return `  ${item.text}${separator}${item.comment ? ` -- ${item.comment}` : ''}`;
  });
  const rows = table.rowCount === null ? null : `${table.rowCountEstimated ? 'about ' : ''}${table.rowCount} ${table.rowCount === 1 ? 'row' : 'rows'}`;
  const footer = rows === null ? ');' : `); -- ${rows}`;
  const documentation = table.comment ? [`-- ${oneLine(table.comment)}`] : [];
  return [...documentation, `CREATE ${table.kind === 'view' ? 'VIEW' : 'TABLE'} ${tableIdentifier(table, dialect)} (`, ...body, footer].join('\n');
}

/** The column's COMMENT ON text first (the database's own words), then its example values. */
function columnComment(column: ColumnSchema): string | undefined {
  const parts = [
    ...(column.comment ? [oneLine(column.comment)] : []),
    ...(column.examples.length > 0 ? [`e.g. ${column.examples.map(sqlString).join(', ')}`] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** A comment must stay on its line, or the rest of it would read as SQL. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function renderColumn(column: ColumnSchema, inlinePrimaryKey: boolean, dialect: Dialect | undefined): string {
  const parts = [quoted(column.name, dialect)];
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
