/**
 * Statements Quarry runs for itself (catalog reads, sampling, filling in parameters) begin with
 * this comment, so that a history read back from the server (pg_stat_statements keeps a
 * statement's comments, and so do server logs) can tell them from the user's own queries.
 */
export const INTERNAL_QUERY_MARK = '/* quarry:internal */';

export function isInternalQuery(sql: string): boolean {
  return sql.trimStart().startsWith(INTERNAL_QUERY_MARK);
}
