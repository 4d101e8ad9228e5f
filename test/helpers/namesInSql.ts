import { tokenizeSql, type SqlToken } from '../../src/core/sql/tokenizeSql';

/**
 * The names a statement uses, sorted by the role their position gives them, read with a plain
 * token walk (not the grammar it checks): tables after FROM/JOIN, functions before `(`,
 * qualifiers before `.`, aliases it defines (after AS, after a table, or after an expression), and
 * every other word, a column (or a reference to an alias or a CTE's column).
 */
export interface NamesInSql {
  tables: string[];
  columns: string[];
  functions: string[];
  qualifiers: string[];
  /** Aliases and CTE names (and their column lists) the statement itself defines. */
  defined: string[];
  /** Names after COLLATE. */
  collations: string[];
  /** The statement has a WITH clause: its names may be its CTEs' (which the grammar cannot tell from invented ones). */
  withClause: boolean;
}

const KEYWORDS = new Set(
  `SELECT DISTINCT ALL FROM WHERE AND OR NOT IN IS NULL LIKE ILIKE GLOB REGEXP MATCH BETWEEN GROUP BY ORDER HAVING LIMIT
  OFFSET JOIN INNER LEFT RIGHT FULL OUTER CROSS NATURAL ON USING AS ASC DESC NULLS FIRST LAST UNION INTERSECT EXCEPT
  EXISTS CASE WHEN THEN ELSE END CAST WITH RECURSIVE MATERIALIZED OVER PARTITION ROWS RANGE GROUPS UNBOUNDED PRECEDING
  FOLLOWING CURRENT ROW WINDOW FILTER TRUE FALSE VALUES ESCAPE COLLATE ISNULL NOTNULL CURRENT_DATE CURRENT_TIME
  CURRENT_TIMESTAMP`
    .split(/\s+/)
    .filter(Boolean),
);
/** After these a name is a table. */
const TABLE_INTRO = new Set(['FROM', 'JOIN']);
/**
 * Read as SQLite reads it (a double-quoted word that names nothing is a string). `cut`: the text stops
 * mid-statement (a token limit), so its last word may be half a name, and is left out.
 */
export function namesInSql(sql: string, knownNames: Set<string>, cut = false): NamesInSql {
  const tokens = tokenizeSql(sql);
  if (cut) tokens.splice(tokens.findLastIndex((t) => t.kind === 'word' || t.kind === 'quoted-identifier'));
  let cteColumnsDepth: number | null = null;
  const out: NamesInSql = { tables: [], columns: [], functions: [], qualifiers: [], defined: [], collations: [], withClause: false };
  let inFrom = false;
  let castDepth: number[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const upper = token.text.toUpperCase();
    if (token.kind === 'punct') {
      if (token.text === '(') depth++;
      if (token.text === ')') {
        if (cteColumnsDepth === depth) cteColumnsDepth = null;
        depth--;
        castDepth = castDepth.filter((d) => d <= depth);
      }
      continue;
    }
    if (token.kind === 'word' && KEYWORDS.has(upper)) {
      if (upper === 'WITH') out.withClause = true;
      if (TABLE_INTRO.has(upper)) inFrom = true;
      else if (['WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'ON', 'USING', 'UNION', 'INTERSECT', 'EXCEPT', 'SELECT'].includes(upper)) inFrom = false;
      if (upper === 'CAST') castDepth.push(depth + 1);
      continue;
    }
    if (token.kind !== 'word' && token.kind !== 'quoted-identifier') continue;
    const name = token.kind === 'quoted-identifier' ? token.text.slice(1, -1) : token.text;
    if (token.text.startsWith('"') && !knownNames.has(name.toLowerCase())) continue;
    const previous = tokens[i - 1];
    const next = tokens[i + 1];
    // A CAST's type after its AS is no name.
    if (previous?.kind === 'word' && previous.text.toUpperCase() === 'AS' && castDepth.includes(depth)) continue;
    if (previous?.kind === 'word' && previous.text.toUpperCase() === 'COLLATE') {
      out.collations.push(name);
      continue;
    }
    const afterWith = previous?.kind === 'word' && ['WITH', 'RECURSIVE'].includes(previous.text.toUpperCase());
    const cte = afterWith || (next?.kind === 'word' && next.text.toUpperCase() === 'AS' && tokens[i + 2]?.text === '(');
    if (cte && next?.text === '(') cteColumnsDepth = depth + 1;
    if (cte || cteColumnsDepth === depth) out.defined.push(name);
    else if (next?.text === '(') out.functions.push(name);
    else if (next?.text === '.') out.qualifiers.push(name);
    else if (isAliasPosition(tokens, i)) out.defined.push(name);
    else if (inFrom && (previous?.text === ',' || (previous?.kind === 'word' && TABLE_INTRO.has(previous.text.toUpperCase())))) out.tables.push(name);
    else out.columns.push(name);
  }
  return out;
}

/** After AS, or right after a finished operand (a name, a literal, a closing parenthesis) with no operator between. */
function isAliasPosition(tokens: SqlToken[], i: number): boolean {
  const previous = tokens[i - 1];
  if (!previous) return false;
  if (previous.kind === 'word' && previous.text.toUpperCase() === 'AS') return true;
  if (previous.kind === 'word' && KEYWORDS.has(previous.text.toUpperCase())) return false;
  return previous.kind === 'word' || previous.kind === 'quoted-identifier' || previous.kind === 'string' || previous.kind === 'number' || previous.text === ')';
}
