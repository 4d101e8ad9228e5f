import type { Dialect } from '../types/QueryResult';

/**
 * Everything Quarry knows about one SQL dialect, in one place: how prompts name it, how names are
 * quoted and folded, how SQL is laid out, and which parts of the language its grammar has. Code
 * asks a profile for a feature, never which dialect it is; a dialect is a module in this folder
 * and a line in dialectProfiles.ts.
 */
export interface DialectProfile {
  id: Dialect;
  /** The engine's name as prompts write it ("You write DuckDB SQL"). */
  label: string;
  /** The namespace unqualified names find: tables there are written without a schema. */
  defaultSchema: string;
  /** Unquoted names fold to lower case (Postgres): a name with capitals is found only quoted. */
  foldsUnquotedToLower: boolean;
  /** Quoting styles read as identifiers besides "x". */
  extraIdentifierQuotes: readonly ('backtick' | 'bracket')[];
  /** A double-quoted word that names nothing is a string (SQLite; Spider's gold queries rely on it). */
  doubleQuotedStrings: boolean;
  /** sql-formatter's name for the dialect. */
  formatterLanguage: 'sqlite' | 'duckdb' | 'postgresql';
  grammar: GrammarFeatures;
}

/** The parts of the query language the `sql` grammar writes for a dialect beyond the common core. */
export interface GrammarFeatures {
  /** Join kinds besides LEFT/RIGHT/FULL [OUTER], INNER and CROSS. */
  extraJoinKinds: readonly string[];
  /** FROM t SELECT …: DuckDB's FROM-first queries. */
  fromFirst: boolean;
  qualify: boolean;
  /** GROUP BY ALL and ORDER BY ALL. */
  byAll: boolean;
  /** x::type casts and a[i], a[i:j] subscripts. */
  castsAndSubscripts: boolean;
  /** [1, 2] list literals. */
  listLiterals: boolean;
  /** type[] array types in casts. */
  arrayTypes: boolean;
  /** Pattern operators (LIKE and its kin); `similar` takes TO. */
  patternOperators: readonly ('like' | 'glob' | 'ilike' | 'similar' | 'regexp' | 'match')[];
  /** The characters a binary operator is made of, as a GBNF character-class pair. */
  binaryOperator: string;
  /** The collations COLLATE may name; null: any identifier. */
  collations: readonly string[] | null;
  /** LIMIT a, b and LIMIT … OFFSET (`comma`), or Postgres's LIMIT ALL, OFFSET … ROWS and FETCH FIRST (`standard`). */
  limit: 'comma' | 'standard';
  /** SELECT DISTINCT ON (…). */
  distinctOn: boolean;
  /** LATERAL before a table reference. */
  lateral: boolean;
  /** Aggregates with WITHIN GROUP (ORDER BY …). */
  withinGroup: boolean;
  /** Forms that are grammar rather than functions the engine lists. */
  specialForms: readonly SpecialForm[];
  /** DATE '…' and its kin. */
  typedLiterals: readonly string[];
}

export type SpecialForm =
  /** TRY_CAST(x AS t). */
  | 'try-cast'
  /** INTERVAL 3 DAY, INTERVAL (x) DAYS. */
  | 'interval-term'
  /** INTERVAL '3 days' [unit]. */
  | 'interval-string'
  /** COALESCE, NULLIF, GREATEST, LEAST as grammar (not in pg_proc). */
  | 'standard-functions'
  /** LOCALTIME, CURRENT_USER and the other bare session words. */
  | 'session-words'
  /** EXTRACT(f FROM x), POSITION(a IN b), SUBSTRING(x FROM a FOR b), TRIM(BOTH … FROM x). */
  | 'keyword-arguments'
  /** ARRAY[…], ARRAY(subquery), ROW(…), x = ANY (…). */
  | 'constructors';
