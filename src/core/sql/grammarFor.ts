import type { DatabaseSchema } from '../types/DatabaseSchema';
import { buildSqlModeGrammar } from './buildSqlModeGrammar';
import { schemaGrammar } from './buildNarrowGrammar';

/**
 * How decoding is constrained: `sql`, the dialect's whole query language with the schema's names
 * (what a capable model needs: only invented names are kept out); `narrow`, the small grammar of
 * simple queries that makes even a model that cannot write SQL write SQL that runs; `off`.
 */
export type GrammarMode = 'sql' | 'narrow' | 'off';

export const GRAMMAR_MODES: readonly GrammarMode[] = ['sql', 'narrow', 'off'];

const dialectGrammars = new WeakMap<DatabaseSchema, string>();

/** The GBNF for a schema in a mode, built once per schema object; null for `off`. */
export function grammarFor(schema: DatabaseSchema, mode: GrammarMode): string | null {
  if (mode === 'off') return null;
  if (mode === 'narrow') return schemaGrammar(schema);
  let grammar = dialectGrammars.get(schema);
  if (grammar === undefined) {
    grammar = buildSqlModeGrammar(schema);
    dialectGrammars.set(schema, grammar);
  }
  return grammar;
}

/** The fence that opens a model's SQL block, and the one that closes it. */
export const SQL_FENCE = { open: '```sql', close: '```' } as const;

/**
 * The grammar of an SQL block from the line after its opening fence: the statement, then the
 * closing fence (on its own line or not). For models that reason first and open the fence themselves.
 */
export function fencedGrammar(grammar: string): string {
  return `root ::= fenced-sql "\\n"? ${JSON.stringify(SQL_FENCE.close)}\n${grammar.replace(/^root ::=/m, 'fenced-sql ::=')}`;
}
