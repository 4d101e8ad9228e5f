import { tokenizeSql } from '../sql/tokenizeSql';

/**
 * The test-suite evaluator's preprocessing: `postprocess` joins `> =`, `< =` and `! =`, and
 * `remove_distinct` drops every DISTINCT keyword (also inside COUNT(DISTINCT …)) unless asked to keep it.
 */
export function normalizeForEval(sql: string, keepDistinct: boolean): string {
  const joined = sql.replace(/> =/g, '>=').replace(/< =/g, '<=').replace(/! =/g, '!=');
  if (keepDistinct) return joined;
  let result = '';
  let at = 0;
  for (const token of tokenizeSql(joined)) {
    if (token.kind === 'word' && token.text.toLowerCase() === 'distinct') {
      result += joined.slice(at, token.start);
      at = token.start + token.text.length;
    }
  }
  return result + joined.slice(at);
}

/** The evaluator's test for list semantics: the text "order by" in the (normalised) gold query. */
export function goldOrdersRows(normalizedGold: string): boolean {
  return normalizedGold.toLowerCase().includes('order by');
}
