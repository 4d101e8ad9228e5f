import type { ColumnSchema, DatabaseSchema, TableSchema } from '../types/DatabaseSchema';

/** to_mschema's default: three example values a column. */
const EXAMPLES_PER_COLUMN = 3;
const TIME_TYPES = new Set(['DATE', 'TIME', 'DATETIME', 'TIMESTAMP']);

/**
 * M-Schema (XGenerationLab/M-Schema: m_schema.py's to_mschema, utils.py's examples_to_str), the
 * rendering XiYanSQL-QwenCoder reports its best scores with. Two departures, both forced: tables
 * go by the names Quarry's SQL uses (the published SchemaEngine prefixes SQLAlchemy's schema
 * name, `main.` on SQLite; here only a Postgres namespace other than `public` is), and example values are Quarry's own (the most frequent values of text
 * columns) where M-Schema takes the first distinct values of every column.
 */
export function renderMSchema(schema: DatabaseSchema): string {
  const lines = [`【DB_ID】 ${schema.name ?? 'Anonymous'}`, '【Schema】', ...schema.tables.map(renderTable)];
  const foreignKeys = schema.tables.flatMap((table) =>
    table.foreignKeys.flatMap((fk) =>
      fk.columns.map((column, i) => `${qualifiedName(table.name, table.schema)}.${column}=${qualifiedName(fk.refTable, fk.refSchema)}.${fk.refColumns[i] ?? column}`),
    ),
  );
  if (foreignKeys.length) lines.push('【Foreign keys】', ...foreignKeys);
  return lines.join('\n');
}

function renderTable(table: TableSchema): string {
  return [`# Table: ${qualifiedName(table.name, table.schema)}`, '[', table.columns.map(renderField).join(',\n'), ']'].join('\n');
}

function qualifiedName(name: string, namespace: string | undefined): string {
  return namespace ? `${namespace}.${name}` : name;
}

function renderField(column: ColumnSchema): string {
  // get_field_type: the type without its arguments, upper-cased; SQLAlchemy calls an untyped SQLite column NULL.
  const type = (column.type.split('(')[0] ?? '').toUpperCase() || 'NULL';
  let line = `(${column.name}:${type}`;
  if (column.primaryKey) line += ', Primary Key';
  const examples = shownExamples(column.examples, type);
  if (examples.length) line += `, Examples: [${examples.join(', ')}]`;
  return `${line})`;
}

/** single_table_mschema's choice: three values; one for a time column or a value over 20 characters; none over 50. */
function shownExamples(values: string[], type: string): string[] {
  let examples = withoutContactValues(values).slice(0, EXAMPLES_PER_COLUMN);
  if (!examples.length) return examples;
  const longest = Math.max(...examples.map((value) => value.length));
  if (TIME_TYPES.has(type)) examples = examples.slice(0, 1);
  else if (longest > 50) examples = [];
  else if (longest > 20) examples = examples.slice(0, 1);
  return examples;
}

/** examples_to_str: a column holding e-mail addresses or URLs shows no examples at all. */
function withoutContactValues(values: string[]): string[] {
  const contact = values.some((value) => /^[\w.-]+@[\w.-]+\.\w+$/.test(value) || value.includes('http://') || value.includes('https://'));
  return contact ? [] : values.filter((value) => value.length > 0);
}
