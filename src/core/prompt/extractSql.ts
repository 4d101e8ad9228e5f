import { tokenizeSql } from '../sql/tokenizeSql';

/**
 * The SQL in a model's answer: the last fenced block marked as SQL (a model that reasons first may
 * show drafts before its answer, as OmniSQL's own parser assumes), else the first fenced block, else
 * the text from the first SQL keyword on; cut at the first statement end, without prose around it.
 */
export function extractSql(answer: string): string {
  const blocks = [...answer.matchAll(/```(sql|sqlite|duckdb)?[ \t]*\n?([\s\S]*?)(?:```|$)/gi)];
  const fenced = blocks.findLast((block) => block[1]) ?? blocks[0];
  let text = fenced ? fenced[2]! : answer;
  // A keyword inside a comment (`-- select the names`) is not where the statement starts.
  const start = text.replace(/--[^\n]*/g, (comment) => ' '.repeat(comment.length)).search(/\b(SELECT|WITH|VALUES)\b/i);
  if (start > 0) text = text.slice(start);
  const end = tokenizeSql(text).find((token) => token.kind === 'punct' && token.text === ';');
  if (end) text = text.slice(0, end.start);
  return text
    .split('\n')
    .filter((line) => !/^\s*(--|#)/.test(line))
    .join('\n')
    .trim();
}
