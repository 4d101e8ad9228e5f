import { tokenizeSql } from '../sql/tokenizeSql';
import type { DatabaseSchema } from '../types/DatabaseSchema';

/**
 * The gold query with one of its table or column names replaced by one the schema does not have,
 * the way small models go wrong (a plural, a dropped underscore, a name cut short): the wrong
 * first answer of a correction turn, whose database error Quarry then feeds back. Null when the
 * query names nothing from the schema.
 */
export function inventName(sql: string, schema: DatabaseSchema, random: () => number): string | null {
  const known = new Set(schema.tables.flatMap((t) => [t.name, ...t.columns.map((c) => c.name)]).map((name) => name.toLowerCase()));
  const names = tokenizeSql(sql).filter((token) => token.kind === 'word' && known.has(token.text.toLowerCase()));
  if (names.length === 0) return null;
  const target = names[Math.floor(random() * names.length)]!;
  const invented = variants(target.text).find((candidate) => !known.has(candidate.toLowerCase()));
  if (!invented) return null;
  return sql.slice(0, target.start) + invented + sql.slice(target.start + target.text.length);
}

function variants(name: string): string[] {
  const plural = /s$/i.test(name) ? name.slice(0, -1) : `${name}s`;
  const out = [plural];
  if (name.includes('_')) out.push(name.replaceAll('_', ''));
  if (name.length > 4) out.push(name.slice(0, -1));
  return out;
}
