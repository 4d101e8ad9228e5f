/**
 * Statements Quarry runs for itself (catalog reads, sampling, filling in parameters, EXPLAIN to
 * validate) carry this comment, so that a history read back from the server can tell them from
 * the user's own queries. It goes after the first word, not before it: pg_stat_statements keeps
 * a statement's text from its first token on, comments inside it included.
 */
const INTERNAL_QUERY_MARK = '/* quarry:internal */';

export function markInternal(sql: string): string {
  return sql.replace(/[A-Za-z]+/, (word) => `${word} ${INTERNAL_QUERY_MARK}`);
}

export function isInternalQuery(sql: string): boolean {
  return sql.includes(INTERNAL_QUERY_MARK);
}
