import type { Literals } from '../types/InstanceOptions';
import { tokenizeSql } from '../sql/tokenizeSql';

/** String and number literals of queries: LIKE patterns without their wildcards. */
export function extractLiterals(queries: string[]): Literals {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const sql of queries) {
    for (const token of tokenizeSql(sql)) {
      if (token.kind === 'string' && token.text.startsWith("'")) strings.add(token.text.slice(1, -1).replace(/''/g, "'").replace(/^%|%$/g, ''));
      if (token.kind === 'quoted-identifier' && token.text.startsWith('"')) strings.add(token.text.slice(1, -1).replace(/^%|%$/g, ''));
      if (token.kind === 'number' && Number.isFinite(Number(token.text))) numbers.add(Number(token.text));
    }
  }
  return { strings: [...strings].filter(Boolean), numbers: [...numbers] };
}
