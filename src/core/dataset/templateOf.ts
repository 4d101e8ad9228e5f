import { createHash } from 'node:crypto';
import { tokenizeSql } from '../sql/tokenizeSql';

/**
 * A query's template: the same SQL up to whitespace, keyword case, comments, literal values and
 * parameter placeholders (`$1`, `?`, `:name`). Queries with one template are one training example.
 */
export interface Template {
  id: string;
  text: string;
  /** The literal values, in order: which set of them an instance used. */
  literals: string[];
}

export function templateOf(sql: string): Template {
  const parts: string[] = [];
  const literals: string[] = [];
  const tokens = tokenizeSql(sql);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'string' || token.kind === 'number') {
      literals.push(token.text);
      parts.push('?');
    } else if (token.kind === 'punct' && (token.text === '?' || token.text === '$' || token.text === ':') && isPlaceholder(tokens, i)) {
      parts.push('?');
      if (token.text !== '?') i++;
    } else if (token.kind === 'word') {
      parts.push(token.text.toUpperCase());
    } else if (!(token.kind === 'punct' && token.text === ';')) {
      parts.push(token.text);
    }
  }
  const text = parts.join(' ').replace(/ ?([(),.]) ?/g, '$1');
  return { id: createHash('sha256').update(text).digest('hex').slice(0, 12), text, literals };
}

/** `?` alone, `$1`, or `:name` (but not the `::` of a cast). */
function isPlaceholder(tokens: ReturnType<typeof tokenizeSql>, at: number): boolean {
  const token = tokens[at]!;
  if (token.text === '?') return true;
  const next = tokens[at + 1];
  if (!next || next.start !== token.start + 1) return false;
  if (token.text === '$') return next.kind === 'number';
  const previous = tokens[at - 1];
  const isCast = previous?.kind === 'punct' && previous.text === ':' && previous.start === token.start - 1;
  return next.kind === 'word' && !isCast;
}
