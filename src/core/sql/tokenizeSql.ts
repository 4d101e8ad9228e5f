/**
 * A lexer just deep enough to find statement boundaries and leading keywords: it knows
 * comments, quoted strings and identifiers so that a `;` or a keyword inside them is never
 * mistaken for structure. The engines' own parsers remain the authority on everything else.
 */

export type SqlTokenKind = 'word' | 'quoted-identifier' | 'string' | 'number' | 'punct';

export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
  start: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const DIGIT = /[0-9]/;

export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i]!;
    const next = sql[i + 1];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '-' && next === '-') {
      i = endOfLine(sql, i);
    } else if (ch === '/' && next === '*') {
      i = endOfBlockComment(sql, i);
    } else if (ch === "'") {
      i = pushQuoted(tokens, sql, i, "'", 'string');
    } else if (ch === '"' || ch === '`') {
      i = pushQuoted(tokens, sql, i, ch, 'quoted-identifier');
    } else if (ch === '[') {
      i = pushUntil(tokens, sql, i, ']', 'quoted-identifier');
    } else if (ch === '$' && dollarTag(sql, i) !== null) {
      const tag = dollarTag(sql, i)!;
      const close = sql.indexOf(tag, i + tag.length);
      const end = close === -1 ? sql.length : close + tag.length;
      tokens.push({ kind: 'string', text: sql.slice(i, end), start: i });
      i = end;
    } else if (WORD_START.test(ch)) {
      let end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end]!)) end++;
      tokens.push({ kind: 'word', text: sql.slice(i, end), start: i });
      i = end;
    } else if (DIGIT.test(ch) || (ch === '.' && next !== undefined && DIGIT.test(next))) {
      let end = i + 1;
      while (end < sql.length && /[0-9A-Za-z_.]/.test(sql[end]!)) end++;
      tokens.push({ kind: 'number', text: sql.slice(i, end), start: i });
      i = end;
    } else {
      tokens.push({ kind: 'punct', text: ch, start: i });
      i++;
    }
  }
  return tokens;
}

function endOfLine(sql: string, from: number): number {
  const newline = sql.indexOf('\n', from);
  return newline === -1 ? sql.length : newline + 1;
}

function endOfBlockComment(sql: string, from: number): number {
  const close = sql.indexOf('*/', from + 2);
  return close === -1 ? sql.length : close + 2;
}

/** Quoted text where the quote is escaped by doubling it ('it''s', "a""b"). */
function pushQuoted(tokens: SqlToken[], sql: string, from: number, quote: string, kind: SqlTokenKind): number {
  let i = from + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) {
        i += 2;
        continue;
      }
      i++;
      break;
    }
    i++;
  }
  tokens.push({ kind, text: sql.slice(from, i), start: from });
  return i;
}

function pushUntil(tokens: SqlToken[], sql: string, from: number, close: string, kind: SqlTokenKind): number {
  const at = sql.indexOf(close, from + 1);
  const end = at === -1 ? sql.length : at + 1;
  tokens.push({ kind, text: sql.slice(from, end), start: from });
  return end;
}

/** `$$` or `$tag$` opening a dollar-quoted string (DuckDB, PostgreSQL); null for `$1`-style parameters. */
function dollarTag(sql: string, from: number): string | null {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(from, from + 64));
  return match ? match[0] : null;
}
