import { CLAUSE_KEYWORDS, GRAMMAR_KEYWORDS } from '../sql/keywords';
import { tokenizeSql, type SqlToken } from '../sql/tokenizeSql';

/**
 * What the cursor is in, for inline completion: right under an English comment on an empty line
 * (propose a whole query for it), inside a statement (propose its continuation), or somewhere no
 * suggestion belongs (inside a string or a comment, on a line that already has text after the cursor).
 */
export type CompletionContext =
  | { kind: 'comment'; question: string }
  | {
      kind: 'continue';
      /** The statement from its first token to the cursor, as the user wrote it. */
      prefix: string;
      /** The rest of the statement after the cursor (for fill-in-the-middle). */
      suffix: string;
      /** The comment right above the statement, if any: what the statement is for. */
      comment: string | null;
      /** FROM and JOIN names of the whole statement, as written. */
      tables: string[];
    }
  | { kind: 'none'; reason: string };

/** Characters read on each side of the cursor: further away than this no statement of the cursor's reaches, and every keystroke pays for what is read. */
export const COMPLETION_WINDOW = 20_000;

export function analyzeCompletionContext(text: string, offset: number): CompletionContext {
  const windowStart = Math.max(0, offset - COMPLETION_WINDOW);
  const before = text.slice(windowStart, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.slice(lineStart);
  if (insideCommentOrString(line)) return { kind: 'none', reason: 'inside a comment or string' };
  const afterOnLine = text.slice(offset, text.indexOf('\n', offset) === -1 ? text.length : text.indexOf('\n', offset));
  if (/\S/.test(afterOnLine) && !/^\s*[),;]/.test(afterOnLine)) return { kind: 'none', reason: 'text after the cursor on this line' };

  const tokens = tokenizeSql(before);
  if (unclosedQuote(tokens, before)) return { kind: 'none', reason: 'inside a string' };
  const lastSemicolon = tokens.findLast((t) => t.kind === 'punct' && t.text === ';');
  const statementStart = lastSemicolon ? lastSemicolon.start + 1 : 0;
  const statementTokens = tokens.filter((t) => t.start >= statementStart);
  const commentAbove = commentBlockAbove(before, statementTokens[0]?.start ?? lineStart);

  if (statementTokens.length === 0) {
    if (line.trim() !== '') return { kind: 'none', reason: 'not after a comment' };
    return commentAbove ? { kind: 'comment', question: commentAbove } : { kind: 'none', reason: 'no comment above the cursor' };
  }
  const afterCursor = text.slice(offset, offset + COMPLETION_WINDOW);
  const end = tokenizeSql(afterCursor).find((t) => t.kind === 'punct' && t.text === ';');
  const suffix = afterCursor.slice(0, end ? end.start : afterCursor.length);
  return {
    kind: 'continue',
    prefix: before.slice(statementTokens[0]!.start),
    suffix,
    comment: commentAbove,
    tables: tablesNamed([...statementTokens, ...tokenizeSql(suffix)]),
  };
}

function insideCommentOrString(line: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '-' && line[i + 1] === '-') {
      return true;
    }
  }
  return false;
}

function unclosedQuote(tokens: SqlToken[], before: string): boolean {
  const last = tokens[tokens.length - 1];
  if (!last || (last.kind !== 'string' && last.kind !== 'quoted-identifier')) return false;
  if (last.start + last.text.length < before.length) return false;
  return last.text.length < 2 || last.text[last.text.length - 1] !== last.text[0];
}

/** The `--` lines directly above `position` (no blank line between), as one sentence. */
function commentBlockAbove(before: string, position: number): string | null {
  const lines = before.slice(0, position).split('\n');
  lines.pop(); // the line the statement (or the cursor) is on
  const comments: string[] = [];
  while (lines.length) {
    const line = lines.pop()!.trim();
    if (!line.startsWith('--')) break;
    comments.unshift(line.replace(/^--+\s?/, '').trim());
  }
  const question = comments.filter(Boolean).join(' ');
  return question || null;
}

/** Names right after FROM or JOIN (and after commas in a FROM list). */
function tablesNamed(tokens: SqlToken[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const word = tokens[i]!.text.toUpperCase();
    if (tokens[i]!.kind !== 'word' || (word !== 'FROM' && word !== 'JOIN')) continue;
    for (let j = i + 1; j < tokens.length; j++) {
      const token = tokens[j]!;
      if (token.kind === 'word' || token.kind === 'quoted-identifier') {
        names.push(token.kind === 'quoted-identifier' ? token.text.slice(1, -1) : token.text);
        // An alias may follow; a comma continues the list.
        let k = j + 1;
        if (tokens[k]?.kind === 'word' && tokens[k]!.text.toUpperCase() === 'AS') k++;
        if (tokens[k]?.kind === 'word' && !CLAUSE_KEYWORDS.has(tokens[k]!.text.toUpperCase())) k++;
        if (tokens[k]?.text === ',') {
          j = k;
          continue;
        }
      }
      break;
    }
  }
  return [...new Set(names)];
}


/**
 * The statement prefix in the form the schema grammar writes (keywords in capitals, one space
 * between tokens, no comments), so the grammar can follow on from it.
 */
export function canonicalPrefix(prefix: string, spellings: ReadonlyMap<string, string> = new Map()): string {
  const tokens = tokenizeSql(prefix);
  let out = '';
  for (const [i, token] of tokens.entries()) {
    const previous = tokens[i - 1];
    if (previous && spaceBetween(previous, token, prefix.slice(previous.start + previous.text.length, token.start) !== '')) out += ' ';
    out += token.kind === 'word' ? canonicalWord(token.text, spellings, tokens[i + 1]?.text === '(') : token.text;
  }
  const last = tokens[tokens.length - 1];
  // The grammar always spaces after a comma or a comparison; elsewhere the user's own trailing space counts.
  if (last && (last.text === ',' || OPERATOR.test(last.text) || (last.text !== '(' && /\s/.test(prefix.slice(last.start + last.text.length))))) out += ' ';
  return out;
}

/**
 * A table or column name as the schema spells it (SQL names ignore case, the grammar's do not), a
 * keyword in the grammar's upper case. A name that is also a keyword (a column `Year`) is the name,
 * unless a `(` follows: then it is a call (`count(`).
 */
function canonicalWord(word: string, spellings: ReadonlyMap<string, string>, call: boolean): string {
  const name = spellings.get(word.toLowerCase());
  if (name !== undefined && !call) return name;
  const upper = word.toUpperCase();
  return GRAMMAR_KEYWORDS.has(upper) ? upper : word;
}

const OPERATOR = /^[=<>!]$/;
const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);

/** The grammar's spacing: "a, b", "COUNT(*)", "x = 1", "x >= 1"; elsewhere a space where the user left one. */
function spaceBetween(previous: SqlToken, token: SqlToken, hadSpace: boolean): boolean {
  if (token.text === ',' || token.text === ')' || previous.text === '(') return false;
  if (token.text === '(' && previous.kind === 'word' && AGGREGATES.has(previous.text.toUpperCase())) return false;
  if (previous.text === ',') return true;
  const operatorBefore = OPERATOR.test(previous.text);
  const operatorNow = OPERATOR.test(token.text);
  if (operatorBefore !== operatorNow) return true;
  if (operatorBefore && operatorNow) return false;
  return hadSpace;
}
