import type { DatabaseSchema, TableSchema } from '../types/DatabaseSchema';
import { CLAUSE_KEYWORDS } from '../sql/keywords';
import { identifier, tableIdentifier } from '../sql/quoteIdentifier';
import { tokenizeSql } from '../sql/tokenizeSql';

/** One completion from the schema alone: no model, no database round trip. */
export interface SchemaCompletion {
  label: string;
  kind: 'table' | 'view' | 'column' | 'keyword';
  /** The type, or the table a column belongs to. */
  detail: string;
  /** What is inserted: the name quoted where the dialect needs it. */
  insertText: string;
}

/**
 * What to offer at `offset` in `statement` (the statement around the cursor), as SQLTools and the
 * MSSQL extension do it: after `name.` the columns of the table (or alias) `name` stands for; else
 * the tables and views, each column as `table.column` and bare where one table of the statement
 * has it, and the SQL keywords. Inside a string or a comment, nothing.
 */
export function schemaCompletions(schema: DatabaseSchema, statement: string, offset: number): SchemaCompletion[] {
  const before = statement.slice(0, offset);
  // A word typed at the cursor comes out as a word of its own only where code is: not in a string, a quoted name or a comment.
  if (!tokenizeSql(`${before}${CURSOR_WORD}`).some((t) => t.kind === 'word' && t.text.endsWith(CURSOR_WORD))) return [];
  const qualifier = /([A-Za-z_][\w$]*|"(?:[^"]|"")+")\.\s*([A-Za-z_][\w$]*)?$/.exec(before);
  const aliases = aliasesIn(schema, statement);
  if (qualifier) {
    const table = aliases.get(unquote(qualifier[1]!).toLowerCase());
    return table ? table.columns.map((column) => columnCompletion(table, column.name, column.type, schema, false)) : [];
  }
  const inStatement = new Set(aliases.values());
  const tables = schema.tables.map(
    (table): SchemaCompletion => ({ label: tableIdentifier(table), kind: table.kind, detail: table.kind === 'view' ? 'view' : `${table.columns.length} columns`, insertText: tableIdentifier(table, schema.dialect) }),
  );
  const columns = schema.tables.flatMap((table) =>
    table.columns.flatMap((column) => [
      columnCompletion(table, column.name, column.type, schema, true),
      // Bare too, where a table of this statement has it: what people type after SELECT.
      ...(inStatement.has(table) ? [columnCompletion(table, column.name, column.type, schema, false)] : []),
    ]),
  );
  const keywords = [...CLAUSE_KEYWORDS].map((word): SchemaCompletion => ({ label: word, kind: 'keyword', detail: 'keyword', insertText: word }));
  return [...tables, ...columns, ...keywords];
}

function columnCompletion(table: TableSchema, name: string, type: string, schema: DatabaseSchema, qualified: boolean): SchemaCompletion {
  const column = identifier(name, schema.dialect);
  return {
    label: qualified ? `${table.name}.${name}` : name,
    kind: 'column',
    detail: `${type || 'untyped'} · ${table.name}`,
    insertText: qualified ? `${tableIdentifier(table, schema.dialect)}.${column}` : column,
  };
}

/** Names that stand for a table in the statement: each table's own name, and `FROM t AS x` / `JOIN t x` aliases. */
function aliasesIn(schema: DatabaseSchema, statement: string): Map<string, TableSchema> {
  const byName = new Map<string, TableSchema>();
  for (const table of schema.tables) {
    byName.set(table.name.toLowerCase(), table);
    if (table.schema) byName.set(`${table.schema}.${table.name}`.toLowerCase(), table);
  }
  const aliases = new Map<string, TableSchema>();
  const words = tokenizeSql(statement).filter((t) => t.kind === 'word' || t.kind === 'quoted-identifier' || (t.kind === 'punct' && t.text === '.'));
  for (let i = 0; i < words.length; i++) {
    // A (possibly qualified) table name, then an optional AS, then an alias.
    let name = unquote(words[i]!.text);
    let next = i + 1;
    if (words[next]?.text === '.' && words[next + 1]) {
      name = `${name}.${unquote(words[next + 1]!.text)}`;
      next += 2;
    }
    const table = byName.get(name.toLowerCase());
    if (!table) continue;
    if (!aliases.has(table.name.toLowerCase())) aliases.set(table.name.toLowerCase(), table);
    if (words[next]?.text.toUpperCase() === 'AS') next++;
    const alias = words[next];
    if (alias && alias.text !== '.' && !CLAUSE_KEYWORDS.has(alias.text.toUpperCase()) && !NOT_ALIASES.has(alias.text.toUpperCase())) aliases.set(unquote(alias.text).toLowerCase(), table);
  }
  return aliases;
}

/** Words that may follow a table name without being its alias. */
const NOT_ALIASES = new Set(['ON', 'USING', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'OUTER', 'FULL', 'CROSS', 'NATURAL', 'AND', 'OR', 'SET', 'AS']);

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name;
}

const CURSOR_WORD = 'quarry0cursor0';
