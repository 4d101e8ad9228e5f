import { tokenizeSql } from '../sql/tokenizeSql';

export interface EvalTextOptions {
  /** Compare with DISTINCT kept (the official `--keep_distinct`); by default it is removed, as the official evaluator does. */
  keepDistinct: boolean;
}

/**
 * A query as the test-suite evaluator executes it (exec_eval.py `eval_exec_match`, then
 * `exec_on_db_`): `postprocess` joins `> =`, `< =` and `! =`; unless DISTINCT is kept,
 * parse.py's `remove_distinct` keeps only the first statement (sqlparse's statement 0, up to and
 * with its `;`) and drops every DISTINCT keyword, also inside COUNT(DISTINCT …); last,
 * `replace_cur_year` writes 2020 for YEAR(CURDATE()).
 */
export function prepareForEval(sql: string, options: EvalTextOptions): string {
  const joined = postprocess(sql);
  return replaceCurYear(options.keepDistinct ? joined : firstStatementWithoutDistinct(joined));
}

/** exec_eval.py `postprocess`. */
function postprocess(sql: string): string {
  return sql.replace(/> =/g, '>=').replace(/< =/g, '<=').replace(/! =/g, '!=');
}

/** parse.py `remove_distinct`: `sqlparse.parse(s)[0]`, the text up to and with the first `;` outside strings, names and comments. */
export function firstStatement(sql: string): string {
  const end = tokenizeSql(sql).find((token) => token.kind === 'punct' && token.text === ';');
  return end ? sql.slice(0, end.start + 1) : sql;
}

/** Text after the first statement's `;` that is more than another `;` (comments and spaces aside): a second statement. */
export function hasSecondStatement(sql: string): boolean {
  const first = firstStatement(sql);
  return first.length < sql.length && tokenizeSql(sql.slice(first.length)).some((token) => !(token.kind === 'punct' && token.text === ';'));
}

/** parse.py `remove_distinct`: statement 0 (as firstStatement), without every token whose text is `distinct`, in any case; one pass of the lexer. */
function firstStatementWithoutDistinct(sql: string): string {
  let result = '';
  let at = 0;
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'punct' && token.text === ';') return result + sql.slice(at, token.start + 1);
    if (token.kind === 'word' && token.text.toLowerCase() === 'distinct') {
      result += sql.slice(at, token.start);
      at = token.start + token.text.length;
    }
  }
  return result + sql.slice(at);
}

/** exec_eval.py `replace_cur_year`: `YEAR\s*\(\s*CURDATE\s*\(\s*\)\s*\)\s*` (case-insensitive) becomes 2020. */
export function replaceCurYear(sql: string): string {
  return sql.replace(/YEAR\s*\(\s*CURDATE\s*\(\s*\)\s*\)\s*/gi, '2020');
}

/** exec_eval.py: `order_matters = 'order by' in g_str.lower()`, on the prepared gold query. */
export function goldOrdersRows(preparedGold: string): boolean {
  return preparedGold.toLowerCase().includes('order by');
}
