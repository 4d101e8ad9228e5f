/**
 * Where in a statement an engine's error points, as an offset and a length in that statement, for
 * highlighting it: SQLite names the token (`near "FROM": syntax error`, `no such column: nme`,
 * `no such table: x`), DuckDB draws a caret under `LINE n:` or names a `Referenced column "x"`.
 * Null when the message points nowhere that can be found.
 */
export function locateSqlError(statement: string, message: string): { offset: number; length: number } | null {
  const caret = duckDbCaret(statement, message);
  if (caret) return caret;
  const named =
    /near "([^"]+)": syntax error/.exec(message)?.[1] ??
    /no such (?:column|table|function): ([\w.$]+)/.exec(message)?.[1] ??
    /(?:Referenced column|Table with name|Catalog Error: \w+ with name) "?([\w.$]+)"?/.exec(message)?.[1];
  if (!named) return null;
  const offset = findWord(statement, named) ?? findWord(statement, named.split('.').at(-1)!);
  return offset === null ? null : { offset, length: named.length };
}

/** DuckDB: `LINE 1: SELECT nme FROM t` then spaces and `^` under the spot. */
function duckDbCaret(statement: string, message: string): { offset: number; length: number } | null {
  const match = /LINE (\d+): (.*)\n(\s*)\^/.exec(message);
  if (!match) return null;
  const line = Number(match[1]) - 1;
  const column = match[3]!.length - 'LINE '.length - match[1]!.length - 2;
  const lines = statement.split('\n');
  if (line >= lines.length || column < 0) return null;
  const offset = lines.slice(0, line).reduce((sum, text) => sum + text.length + 1, 0) + column;
  const word = /^[\w$]+/.exec(statement.slice(offset))?.[0];
  return { offset, length: Math.max(1, word?.length ?? 1) };
}

function findWord(statement: string, word: string): number | null {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?<![\\w$])${escaped}(?![\\w$])`, 'i').exec(statement) ?? new RegExp(escaped, 'i').exec(statement);
  return match ? match.index : null;
}
