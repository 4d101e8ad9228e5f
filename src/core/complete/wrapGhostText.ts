import { tokenizeSql } from '../sql/tokenizeSql';

/** Words a clause starts with: a line of SQL breaks before them and reads as well as before. */
const CLAUSE_WORDS = new Set(['SELECT', 'FROM', 'WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'UNION', 'INTERSECT', 'EXCEPT', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'NATURAL', 'WITH']);
/** Words after which JOIN is part of one clause (LEFT JOIN) and no break comes between. */
const JOIN_KINDS = new Set(['LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'NATURAL', 'OUTER']);

/**
 * Ghost text in lines no longer than `width`: a line that would run past it is broken before its
 * clauses (FROM, WHERE, JOIN …), at the line's own indentation, so a suggestion stays on screen in
 * an editor that the results panel has made narrow (issue 31, 8.10). `column` is where the first
 * line starts (the cursor's). Strings, quoted names and comments are never broken; a line with no
 * clause to break before stays as it is. `width` 0 leaves the text alone.
 */
export function wrapGhostText(text: string, width: number, column = 0): string {
  if (width <= 0) return text;
  return text
    .split('\n')
    .map((line, i) => wrapLine(line, width, i === 0 ? column : 0))
    .join('\n');
}

function wrapLine(line: string, width: number, column: number): string {
  if (column + line.length <= width) return line;
  const indent = /^\s*/.exec(line)![0];
  const breaks = clauseStarts(line).filter((at) => line.slice(0, at).trim() !== '');
  const pieces: string[] = [];
  let start = 0;
  let room = width - column;
  while (line.length - start > room) {
    // The last clause start that keeps this piece within the room, else the first one past it.
    const fitting = breaks.filter((at) => at > start && at - start <= room);
    const at = fitting.at(-1) ?? breaks.find((b) => b > start);
    if (at === undefined) break;
    pieces.push(line.slice(start, at).trimEnd());
    start = at;
    room = width - indent.length;
  }
  pieces.push(line.slice(start));
  return pieces.map((piece, i) => (i === 0 ? piece : indent + piece.trimStart())).join('\n');
}

/** Where each clause word starts, outside strings and comments; JOIN after LEFT (and the like) is not one. */
function clauseStarts(line: string): number[] {
  const starts: number[] = [];
  let previous = '';
  for (const token of tokenizeSql(line)) {
    if (token.kind !== 'word') continue;
    const word = token.text.toUpperCase();
    if (CLAUSE_WORDS.has(word) && !(word === 'JOIN' && JOIN_KINDS.has(previous)) && !(JOIN_KINDS.has(previous) && JOIN_KINDS.has(word))) starts.push(token.start);
    previous = word;
  }
  return starts;
}
