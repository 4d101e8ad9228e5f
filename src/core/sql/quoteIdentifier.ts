import type { Dialect } from '../types/QueryResult';
import { RESERVED_WORDS } from './keywords';

/** Always quoted: for SQL Quarry runs itself. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * Quoted only when it must be: for SQL people and models read (prompts, grammars). Postgres folds
 * an unquoted name to lower case, so there a name with capitals (created quoted) stays quoted.
 */
export function identifier(name: string, dialect?: Dialect): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED_WORDS.has(name.toUpperCase()) && !(dialect === 'postgres' && /[A-Z]/.test(name));
  return plain ? name : quoteIdentifier(name);
}

/** A table as SQL names it: `schema.name` when it lives outside the namespace unqualified names find. */
export function tableIdentifier(table: { name: string; schema?: string }, dialect?: Dialect): string {
  return table.schema ? `${identifier(table.schema, dialect)}.${identifier(table.name, dialect)}` : identifier(table.name, dialect);
}
