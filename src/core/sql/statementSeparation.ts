import { tokenizeSql } from './tokenizeSql';

/**
 * How a statement inserted at a point of a SQL document stays a statement of its own: the text
 * before it may end in a statement without its `;` (`terminateAt`: where one goes, right after that
 * statement's last token), and a statement before it is kept a blank line apart (`prefix`). Comments
 * alone before the point (a file's header, a question) need neither: the insertion just starts a line.
 */
export function statementSeparation(before: string): { terminateAt: number | null; prefix: string } {
  const last = tokenizeSql(before).at(-1);
  if (!last) return { terminateAt: null, prefix: before === '' || before.endsWith('\n') ? '' : '\n' };
  const terminateAt = last.text === ';' ? null : last.start + last.text.length;
  const prefix = /\n[ \t]*\n[ \t]*$/.test(before) ? '' : before.endsWith('\n') ? '\n' : '\n\n';
  return { terminateAt, prefix };
}
