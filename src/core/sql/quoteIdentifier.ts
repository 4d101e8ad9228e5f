import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import type { Dialect } from '../types/QueryResult';
import { RESERVED_WORDS } from './keywords';

/** Always quoted: for SQL Quarry runs itself. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quoted only when it must be: for SQL people and models read (prompts, grammars). */
export function identifier(name: string, dialect?: Dialect): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED_WORDS.has(name.toUpperCase()) && !quotedForCase(name, dialect);
  return plain ? name : quoteIdentifier(name);
}

/** Always quoted, qualified by its namespace when it has one: a table in SQL Quarry runs itself. */
export function quotedTableName(table: { name: string; schema?: string }): string {
  return table.schema ? `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}` : quoteIdentifier(table.name);
}

/**
 * Whether a name must be quoted for its letter case: Postgres folds an unquoted name to lower
 * case, so a name with capitals (created quoted) is found only quoted. The other engines match
 * names without regard to case.
 */
export function quotedForCase(name: string, dialect?: Dialect): boolean {
  return dialect !== undefined && DIALECT_PROFILES[dialect].foldsUnquotedToLower && /[A-Z]/.test(name);
}

/** A table as SQL names it: `schema.name` when it lives outside the namespace unqualified names find. */
export function tableIdentifier(table: { name: string; schema?: string }, dialect?: Dialect): string {
  return table.schema ? `${identifier(table.schema, dialect)}.${identifier(table.name, dialect)}` : identifier(table.name, dialect);
}
