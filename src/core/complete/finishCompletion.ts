import { SQL_WORDS } from '../sql/keywords';
import { tokenizeSql } from '../sql/tokenizeSql';

/** The end of the statement: a completion never runs past its `;` or into a blank line. */
export function finishCompletion(text: string): string | null {
  const semicolon = tokenizeSql(text).find((t) => t.kind === 'punct' && t.text === ';');
  let out = semicolon ? text.slice(0, semicolon.start) : text;
  const blank = out.search(/\n\s*\n/);
  if (blank !== -1) out = out.slice(0, blank);
  out = out.trimEnd();
  return out.trim() ? out : null;
}

/**
 * Without a grammar (SQL the grammar cannot follow on from), names are checked after the fact: the
 * completion is cut before the first word that is neither SQL nor a name of the schema or the statement.
 */
export function cutAtUnknownName(text: string, knownNames: Set<string>): string | null {
  for (const token of tokenizeSql(text)) {
    if (token.kind !== 'word' && token.kind !== 'quoted-identifier') continue;
    const name = token.kind === 'quoted-identifier' ? token.text.slice(1, -1) : token.text;
    if (token.kind === 'word' && SQL_WORDS.has(name.toUpperCase())) continue;
    if (knownNames.has(name.toLowerCase())) continue;
    // Cut at the start of the line's word, so no half statement is left dangling mid-name.
    const cut = text.slice(0, token.start).trimEnd();
    return cut.trim() ? cut : null;
  }
  return text;
}
