import type { Database } from '../db/Database';
import { DbError } from '../db/DbError';
import { isInternalQuery, markInternal } from '../db/internalQueryMark';
import { tokenizeSql } from '../sql/tokenizeSql';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import type { HistoryStatement } from './readHistory';

/** What `--history` says to read the server's own statistics instead of a file. */
export const PG_STAT_STATEMENTS = 'pg_stat_statements';

/** Distinct statements the view may hold (pg_stat_statements.max defaults to 5,000). */
const MAX_STATEMENTS = 100_000;

/**
 * The statements pg_stat_statements has seen in this database, normalized to templates (`$1` for
 * every literal), with their call counts. Statements that name none of the database's tables, and
 * the ones Quarry ran for itself (markInternal), come marked `notUserQuery`: they are
 * transaction control, settings and catalog reads, not questions anyone asked of the data.
 */
export async function readPgStatStatements(db: Database, schema: DatabaseSchema, signal?: AbortSignal): Promise<HistoryStatement[]> {
  if (db.dialect !== 'postgres') {
    throw new DbError('not-a-database', `--history ${PG_STAT_STATEMENTS} reads a Postgres server's statistics; ${db.path} is a ${db.dialect} file (give a history file instead)`);
  }
  let rows;
  try {
    rows = (
      await db.query(
        markInternal('SELECT query, calls FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND query IS NOT NULL ORDER BY calls DESC, query'),
        { maxRows: MAX_STATEMENTS, signal },
      )
    ).rows;
  } catch (error) {
    if (error instanceof DbError && /pg_stat_statements/.test(error.message) && /does not exist|must be loaded/.test(error.message)) {
      throw new DbError('not-a-database', `${PG_STAT_STATEMENTS} is not available in this database (${error.message}): add it to shared_preload_libraries, restart the server and run CREATE EXTENSION pg_stat_statements`);
    }
    throw error;
  }
  const tables = new Set(schema.tables.map((t) => t.name.toLowerCase()));
  return rows.map(([query, calls], i) => {
    const sql = String(query);
    const notUserQuery = isInternalQuery(sql) || !namesATable(sql, tables);
    return { sql, source: PG_STAT_STATEMENTS, line: i + 1, calls: Number(calls), ...(notUserQuery ? { notUserQuery } : {}) };
  });
}

function namesATable(sql: string, tables: Set<string>): boolean {
  return tokenizeSql(sql).some((t) => (t.kind === 'word' || t.kind === 'quoted-identifier') && tables.has(t.text.replace(/^"|"$/g, '').toLowerCase()));
}
