import type { TailClause } from '../sql/buildNarrowGrammar';
import { CLAUSE_KEYWORDS, RESERVED_WORDS } from '../sql/keywords';
import { tokenizeSql, type SqlToken } from '../sql/tokenizeSql';

/** A table of the query the cursor is in, with the name its columns are qualified by there. */
export interface ScopedTable {
  name: string;
  /** The alias the statement gives it, as written; null when it has none. */
  alias: string | null;
}

export interface ClauseAtCursor {
  clause: TailClause;
  /** The FROM and JOIN tables of the query the cursor is in (not those of its subqueries or of other parts of a UNION). */
  tables: ScopedTable[];
  /** The query has a GROUP BY before the cursor: ORDER BY may name aggregates. */
  grouped: boolean;
  /** SELECT DISTINCT, or one part of a UNION/INTERSECT/EXCEPT: no ORDER BY of columns the result may not hold. */
  noOrderBy: boolean;
}

const SET_OPERATORS = new Set(['UNION', 'INTERSECT', 'EXCEPT']);
/** Words after which FROM's table list has ended. */
const AFTER_FROM = new Set([...CLAUSE_KEYWORDS].filter((word) => !['JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'OUTER', 'NATURAL', 'ON', 'USING'].includes(word)));

/**
 * The clause a statement prefix ends by opening (`… WHERE`, `… AND`, `… GROUP BY`, `… ORDER BY`,
 * `… HAVING`, or a whole FROM that no clause follows yet) and the tables in scope there, read with the tokenizer: however the statement
 * before it is written (aliases, joins, set operations the narrow grammar cannot follow), what may
 * come next depends only on these. Null when the prefix ends anywhere else, or when a table in
 * scope is not a plain table name (a subquery, a CTE): then nothing here knows its columns.
 */
export function clauseAtCursor(prefix: string): ClauseAtCursor | null {
  const tokens = tokenizeSql(prefix);
  const query = innermostQuery(tokens);
  if (!query) return null;
  const clause = openedClause(tokens) ?? (endsFromClause(query.tokens) ? 'from' : null);
  if (!clause) return null;
  const tables = fromTables(query.tokens);
  if (!tables) return null;
  const words = query.tokens.map((t) => (t.kind === 'word' ? t.text.toUpperCase() : ''));
  // The GROUP BY the prefix ends with is the clause being opened, not a grouping already there.
  const before = clause === 'group' ? words.slice(0, -2) : words;
  const grouped = before.some((word, i) => word === 'GROUP' && before[i + 1] === 'BY');
  return { clause, tables, grouped, noOrderBy: query.compound || words[1] === 'DISTINCT' };
}

function openedClause(tokens: SqlToken[]): TailClause | null {
  const upper = (from: number) => tokens.slice(from).map((t) => (t.kind === 'word' ? t.text.toUpperCase() : t.text)).join(' ');
  const last = upper(-1);
  const lastTwo = tokens.length >= 2 ? upper(-2) : '';
  if (lastTwo === 'GROUP BY') return 'group';
  if (lastTwo === 'ORDER BY') return 'order';
  if (last === 'WHERE') return 'where';
  if (last === 'HAVING') return 'having';
  // AND/OR join conditions, unless this AND is BETWEEN's.
  if ((last === 'AND' || last === 'OR') && !isBetweenAnd(tokens)) return inWhere(tokens) ? 'where' : null;
  return null;
}

/** The query's last clause is its FROM, and the prefix ends on a whole name or operand there (`… AS T2`, `… ON T1.a = T2.b`). */
function endsFromClause(tokens: SqlToken[]): boolean {
  const from = tokens.findIndex((t) => t.kind === 'word' && t.text.toUpperCase() === 'FROM');
  if (from === -1 || tokens.slice(from + 1).some((t) => t.kind === 'word' && AFTER_FROM.has(t.text.toUpperCase()))) return false;
  const last = tokens[tokens.length - 1]!;
  if (last.kind === 'word') return !RESERVED_WORDS.has(last.text.toUpperCase());
  return last.kind === 'quoted-identifier' || last.kind === 'number' || last.kind === 'string';
}

function isBetweenAnd(tokens: SqlToken[]): boolean {
  const before = tokens[tokens.length - 3];
  return tokens[tokens.length - 1]!.text.toUpperCase() === 'AND' && before?.kind === 'word' && before.text.toUpperCase() === 'BETWEEN';
}

/** Whether the last clause keyword at the cursor's depth is WHERE. */
function inWhere(tokens: SqlToken[]): boolean {
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (token.text === ')') depth++;
    else if (token.text === '(') depth--;
    if (depth < 0) return false;
    if (depth > 0 || token.kind !== 'word') continue;
    const word = token.text.toUpperCase();
    if (word === 'WHERE') return true;
    if (CLAUSE_KEYWORDS.has(word) || word === 'SELECT') return false;
  }
  return false;
}

/** The tokens of the SELECT the cursor is in: from its SELECT, at the cursor's parenthesis depth, after any set operator. */
function innermostQuery(tokens: SqlToken[]): { tokens: SqlToken[]; compound: boolean } | null {
  let depth = 0;
  let start = -1;
  let compound = false;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const token = tokens[i]!;
    if (token.text === ')') depth++;
    else if (token.text === '(') {
      if (depth === 0) break;
      depth--;
    }
    if (depth !== 0 || token.kind !== 'word') continue;
    const word = token.text.toUpperCase();
    if (word === 'SELECT' && start === -1) start = i;
    if (SET_OPERATORS.has(word)) compound = true;
  }
  return start === -1 ? null : { tokens: sameDepth(tokens.slice(start)), compound };
}

/** The tokens outside any parentheses (a subquery's FROM is not the query's). */
function sameDepth(tokens: SqlToken[]): SqlToken[] {
  let depth = 0;
  return tokens.filter((token) => {
    if (token.text === '(') depth++;
    const outside = depth === 0 && token.text !== ')';
    if (token.text === ')') depth--;
    return outside;
  });
}

/** `FROM a [AS] x JOIN b [AS] y ON … , c`: each table and its alias; null when one is not a plain name. */
function fromTables(tokens: SqlToken[]): ScopedTable[] | null {
  const from = tokens.findIndex((t) => t.kind === 'word' && t.text.toUpperCase() === 'FROM');
  if (from === -1) return null;
  const tables: ScopedTable[] = [];
  let expectTable = true;
  for (let i = from + 1; i < tokens.length; i++) {
    const token = tokens[i]!;
    const word = token.kind === 'word' ? token.text.toUpperCase() : null;
    if (word && AFTER_FROM.has(word)) break;
    if (expectTable) {
      if (token.kind !== 'word' && token.kind !== 'quoted-identifier') return null;
      const alias = aliasAt(tokens, i + 1);
      tables.push({ name: token.kind === 'quoted-identifier' ? token.text.slice(1, -1) : token.text, alias: alias?.name ?? null });
      i = alias ? alias.end : i;
      expectTable = false;
    } else if (word === 'JOIN' || token.text === ',') {
      expectTable = true;
    }
  }
  return tables.length && !expectTable ? tables : null;
}

function aliasAt(tokens: SqlToken[], i: number): { name: string; end: number } | null {
  const as = tokens[i]?.kind === 'word' && tokens[i]!.text.toUpperCase() === 'AS';
  const candidate = tokens[as ? i + 1 : i];
  if (candidate?.kind !== 'word' || CLAUSE_KEYWORDS.has(candidate.text.toUpperCase())) return null;
  return { name: candidate.text, end: as ? i + 1 : i };
}
