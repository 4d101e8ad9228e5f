import type { DialectProfile } from './DialectProfile';

export const duckdbDialect: DialectProfile = {
  id: 'duckdb',
  label: 'DuckDB',
  defaultSchema: 'main',
  foldsUnquotedToLower: false,
  extraIdentifierQuotes: [],
  doubleQuotedStrings: false,
  formatterLanguage: 'duckdb',
  grammar: {
    extraJoinKinds: ['semi', 'anti', 'positional', 'asof'],
    fromFirst: true,
    qualify: true,
    byAll: true,
    castsAndSubscripts: true,
    listLiterals: true,
    arrayTypes: true,
    patternOperators: ['like', 'glob', 'ilike', 'similar'],
    binaryOperator: '[-+*/%^=!<>|~] [*/=>~|]{0,2}',
    // ICU's locales among them.
    collations: null,
    limit: 'comma',
    distinctOn: false,
    lateral: false,
    withinGroup: false,
    specialForms: ['try-cast', 'interval-term'],
    typedLiterals: ['date', 'time', 'timestamp', 'timestamptz'],
  },
};
