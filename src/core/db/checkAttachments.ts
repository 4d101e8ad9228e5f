import type { AttachedDatabase } from '../types/AttachedDatabase';
import { checkDatabaseTarget, detectDialect, isUrlTarget } from './databaseEngines';
import { DbError } from './DbError';

/** Names an engine keeps for itself: an attachment by one of them would shadow or fail. */
const RESERVED_ALIASES = new Set(['main', 'temp', 'system', 'memory']);

/**
 * Attachments are checked before a worker starts, each failing in its own words: a file of the
 * main file's engine (DuckDB here reads no SQLite file: its extension is not installed, and none is
 * downloaded), under a plain, unique alias; a server database has schemas of its own instead.
 */
export function checkAttachments(main: string, attach: readonly AttachedDatabase[]): void {
  if (attach.length === 0) return;
  if (isUrlTarget(main)) throw new DbError('refused', 'attachments are for SQLite and DuckDB files; a Postgres server already reads every user schema of its database');
  const dialect = detectDialect(main);
  const seen = new Set<string>();
  for (const { alias, path } of attach) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(alias) || RESERVED_ALIASES.has(alias.toLowerCase())) {
      throw new DbError('refused', `cannot attach ${path} as '${alias}': an alias is a plain name (letters, digits, _) other than main, temp, system or memory`);
    }
    if (seen.has(alias.toLowerCase())) throw new DbError('refused', `two attachments are named '${alias}': give each its own alias`);
    seen.add(alias.toLowerCase());
    if (isUrlTarget(path)) throw new DbError('refused', `cannot attach ${path}: only a file of the main file's engine can be attached`);
    checkDatabaseTarget(path);
    const other = detectDialect(path);
    if (other !== dialect) throw new DbError('refused', `cannot attach ${path} (${other}) to ${main} (${dialect}): attach files of the same engine`);
  }
}
