import type { DialectProfile } from './DialectProfile';

export const postgresDialect: DialectProfile = {
  id: 'postgres',
  label: 'PostgreSQL',
  defaultSchema: 'public',
  foldsUnquotedToLower: true,
  extraIdentifierQuotes: [],
  doubleQuotedStrings: false,
  formatterLanguage: 'postgresql',
  grammar: {
    extraJoinKinds: [],
    fromFirst: false,
    qualify: false,
    byAll: false,
    castsAndSubscripts: true,
    listLiterals: false,
    arrayTypes: true,
    patternOperators: ['like', 'ilike', 'similar'],
    binaryOperator: '[-+*/%^=!<>|~&#@] [*/=<>~|&@#!]{0,2}',
    collations: null,
    limit: 'standard',
    distinctOn: true,
    lateral: true,
    withinGroup: true,
    specialForms: ['standard-functions', 'session-words', 'interval-string', 'keyword-arguments', 'constructors'],
    typedLiterals: ['date', 'time', 'timestamp', 'timestamptz'],
  },
};
