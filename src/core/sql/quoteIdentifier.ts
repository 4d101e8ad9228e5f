import { RESERVED_WORDS } from './keywords';

/** Always quoted: for SQL Quarry runs itself. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quoted only when it must be: for SQL people and models read (prompts, grammars). */
export function identifier(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED_WORDS.has(name.toUpperCase()) ? name : quoteIdentifier(name);
}
