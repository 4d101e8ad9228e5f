import { WRITE_KEYWORDS } from './keywords';
import { tokenizeSql, type SqlToken } from './tokenizeSql';

/**
 * The first line of defence against generated SQL: one statement, and a read.
 * The database adapters then ask their engine's own parser for the statement type, and the
 * connections are read-only underneath, so a statement must get past all three to do harm.
 */
export type ReadOnlyVerdict =
  | {
      ok: true;
      /** The statement to execute, without trailing semicolons. */
      statement: string;
      /** The statement EXPLAIN wraps, when it is an EXPLAIN; the adapters check its type too. */
      explained: string | null;
    }
  | {
      ok: false;
      /**
       * Why, as data: `write` (a statement that changes data, schema, files or settings), `multiple`
       * statements, `empty` text, or `other` (a statement that is no read and no known write, often not SQL at all).
       */
      kind: 'write' | 'multiple' | 'empty' | 'other';
      /** The statement's leading keyword (`DELETE`; `EXPLAIN DELETE` names `DELETE`), when there is one. */
      keyword: string | null;
      /** The same in words, for people. */
      reason: string;
    };

const READ_STARTS = new Set(['SELECT', 'VALUES', 'FROM']);
const EXPLAIN_MODIFIERS = new Set(['ANALYZE', 'ANALYSE', 'VERBOSE', 'QUERY', 'PLAN']);

export function checkReadOnlyStatement(sql: string): ReadOnlyVerdict {
  const tokens = tokenizeSql(sql);
  const separator = tokens.findIndex((t) => t.kind === 'punct' && t.text === ';');
  const body = separator === -1 ? tokens : tokens.slice(0, separator);
  if (separator !== -1 && tokens.slice(separator).some((t) => !(t.kind === 'punct' && t.text === ';'))) {
    return { ok: false, kind: 'multiple', keyword: null, reason: 'refused: multiple statements in one string are not allowed on this connection' };
  }
  if (body.length === 0) return { ok: false, kind: 'empty', keyword: null, reason: 'refused: there is no SQL statement to run' };

  const end = separator === -1 ? sql.length : tokens[separator]!.start;
  const statement = sql.slice(0, end).trim();
  const first = keyword(body[0]);
  if (first === 'EXPLAIN') {
    let at = 1;
    while (at < body.length && EXPLAIN_MODIFIERS.has(keyword(body[at]))) at++;
    const inner = body.slice(at);
    const innerVerdict = classify(inner);
    if (innerVerdict !== null) return refuse(innerVerdict, `EXPLAIN ${innerVerdict}`);
    return { ok: true, statement, explained: sql.slice(inner[0]!.start, end).trim() };
  }
  const verdict = classify(body);
  return verdict === null ? { ok: true, statement, explained: null } : refuse(verdict, verdict);
}

/** null for a read; otherwise the name of the statement that is not one. */
function classify(tokens: SqlToken[]): string | null {
  if (tokens.length === 0) return 'empty';
  const first = keyword(tokens[0]);
  if (tokens[0]!.kind === 'punct' && tokens[0]!.text === '(') return null;
  if (READ_STARTS.has(first)) return null;
  if (first === 'WITH') {
    const main = mainKeywordAfterWith(tokens);
    return main !== null && READ_STARTS.has(main) ? null : (main ?? 'WITH');
  }
  return first || tokens[0]!.text;
}

/** The keyword that starts the statement a WITH clause is attached to: the first word outside every parenthesis that is not part of the CTE list. */
function mainKeywordAfterWith(tokens: SqlToken[]): string | null {
  const CTE_WORDS = new Set(['WITH', 'RECURSIVE', 'AS', 'NOT', 'MATERIALIZED', 'USING', 'KEY']);
  let depth = 0;
  let expectName = true;
  for (const token of tokens) {
    if (token.kind === 'punct') {
      if (token.text === '(') depth++;
      else if (token.text === ')') depth--;
      else if (token.text === ',' && depth === 0) expectName = true;
      continue;
    }
    if (depth > 0) continue;
    const word = keyword(token);
    if (CTE_WORDS.has(word)) continue;
    if (expectName) {
      expectName = false;
      continue;
    }
    return word || token.text;
  }
  return null;
}

function keyword(token: SqlToken | undefined): string {
  return token?.kind === 'word' ? token.text.toUpperCase() : '';
}

function refuse(keyword: string, statement: string): ReadOnlyVerdict {
  const word = keyword.toUpperCase();
  return {
    ok: false,
    kind: WRITE_KEYWORDS.has(word) ? 'write' : 'other',
    keyword: /^\w+$/.test(keyword) ? word : null,
    reason: `refused: ${statement} statements are not allowed on this connection`,
  };
}
