import type { DialectProfile } from './DialectProfile';

export const sqliteDialect: DialectProfile = {
  id: 'sqlite',
  label: 'SQLite',
  defaultSchema: 'main',
  foldsUnquotedToLower: false,
  extraIdentifierQuotes: ['backtick', 'bracket'],
  doubleQuotedStrings: true,
  formatterLanguage: 'sqlite',
  grammar: {
    extraJoinKinds: [],
    fromFirst: false,
    qualify: false,
    byAll: false,
    castsAndSubscripts: false,
    listLiterals: false,
    arrayTypes: false,
    patternOperators: ['like', 'glob', 'regexp', 'match'],
    binaryOperator: '[-+*/%&=!<>|] [=<>|]{0,2}',
    // Its three built-in collations: Quarry registers none.
    collations: ['binary', 'nocase', 'rtrim'],
    limit: 'comma',
    distinctOn: false,
    lateral: false,
    withinGroup: false,
    specialForms: [],
    typedLiterals: [],
  },
};
