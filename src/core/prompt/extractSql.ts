import { tokenizeSql } from '../sql/tokenizeSql';

/**
 * The SQL in a model's answer: the first fenced block if there is one, else the text from the first
 * SQL keyword on, cut at the first statement end, without prose before or after.
 */
export function extractSql(answer: string): string {
  const fenced = /```(?:sql|sqlite|duckdb)?\s*\n?([\s\S]*?)(?:```|$)/i.exec(answer);
  let text = fenced ? fenced[1]! : answer;
  const start = text.search(/\b(SELECT|WITH|VALUES)\b/i);
  if (start > 0) text = text.slice(start);
  const end = tokenizeSql(text).find((token) => token.kind === 'punct' && token.text === ';');
  if (end) text = text.slice(0, end.start);
  return text
    .split('\n')
    .filter((line) => !/^\s*(--|#)/.test(line))
    .join('\n')
    .trim();
}
