import { tokenizeSql } from './tokenizeSql';

export interface StatementSpan {
  /** The statement's text, without its `;` and the blank space around it. */
  text: string;
  /** Offsets of that text in the whole document. */
  start: number;
  end: number;
}

/** The statements of a SQL document, split at `;` outside strings, names and comments; blank ones left out. */
export function statementsIn(document: string): StatementSpan[] {
  const spans: StatementSpan[] = [];
  let from = 0;
  const cut = (to: number) => {
    const raw = document.slice(from, to);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text && tokenizeSql(text).length) spans.push({ text, start: from + lead, end: from + lead + text.length });
  };
  for (const token of tokenizeSql(document)) {
    if (token.kind !== 'punct' || token.text !== ';') continue;
    cut(token.start);
    from = token.start + 1;
  }
  cut(document.length);
  return spans;
}

/** The statement the cursor is in, or the one just before it (the cursor after a `;` or on a blank line below). */
export function statementAt(document: string, offset: number): StatementSpan | null {
  const spans = statementsIn(document);
  return spans.find((s) => offset >= s.start && offset <= s.end + 1) ?? spans.filter((s) => s.end <= offset).at(-1) ?? spans[0] ?? null;
}
