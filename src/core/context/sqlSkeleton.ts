import { SQL_WORDS } from '../sql/keywords';
import { tokenizeSql } from '../sql/tokenizeSql';

/**
 * A query's shape, as DAIL-SQL compares queries: keywords, SQL's own functions and operators
 * kept; table and column names become `_`, literals `?`. `SELECT name FROM singer WHERE age > 30`
 * and `SELECT title FROM song WHERE year > 2000` have the same skeleton.
 */
export function sqlSkeleton(sql: string): string {
  const parts: string[] = [];
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'string' || token.kind === 'number') parts.push('?');
    else if (token.kind === 'quoted-identifier') parts.push('_');
    else if (token.kind === 'word') parts.push(SQL_WORDS.has(token.text.toUpperCase()) ? token.text.toUpperCase() : '_');
    else if (token.text !== ';') parts.push(token.text);
  }
  // `t1.name` is one name: the alias and the dot go with it.
  return parts.join(' ').replace(/_ \. _/g, '_').replace(/\s+/g, ' ').trim();
}
