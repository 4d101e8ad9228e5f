import type { DatabaseSchema } from '../types/DatabaseSchema';
import { buildDialectGrammar } from './buildDialectGrammar';
import { schemaGrammar } from './buildSqlGrammar';

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
    grammar = buildDialectGrammar(schema);
    dialectGrammars.set(schema, grammar);
  }
  return grammar;
}
