/** Example values come from the first rows only, so a huge table costs no more than a small one. */
export const SAMPLE_SCAN_ROWS = 10_000;

/** Collapses whitespace (a value must fit in a one-line comment) and cuts it to the limit. */
export function exampleText(value: string, maxLength: number): string {
  const oneLine = value.replace(/\s+/g, ' ').trim();
  return oneLine.length <= maxLength ? oneLine : `${oneLine.slice(0, maxLength - 1)}…`;
}

/**
 * The SQL that picks a column's most frequent values among the first rows, deterministically:
 * rows (v, n), most frequent first, ties in value order.
 */
export function exampleValuesSql(quotedTable: string, quotedColumn: string, limit: number): string {
  return (
    `SELECT v, count(*) AS n FROM (SELECT ${quotedColumn} AS v FROM ${quotedTable} LIMIT ${SAMPLE_SCAN_ROWS}) ` +
    `WHERE v IS NOT NULL AND trim(CAST(v AS VARCHAR)) <> '' GROUP BY v ORDER BY n DESC, v LIMIT ${limit}`
  );
}

/** Most frequent first, ties in value order: the same ranking exampleValuesSql makes in SQL, for values ranked in JavaScript. */
export function mostFrequentValues(values: string[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort(([a, n], [b, m]) => m - n || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit)
    .map(([value]) => value);
}
