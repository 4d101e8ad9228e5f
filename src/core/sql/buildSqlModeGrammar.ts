import type { DatabaseSchema } from '../types/DatabaseSchema';
import type { DialectProfile } from '../dialects/DialectProfile';
import { DIALECT_PROFILES } from '../dialects/dialectProfiles';
import type { Dialect } from '../types/QueryResult';
import { quotedForCase } from './quoteIdentifier';

/**
 * A GBNF grammar of the dialect's whole query language (SELECT with CTEs, joins of every kind,
 * subqueries anywhere, set operations, window functions, CASE, CAST, any literal) in which the only
 * thing constrained is names: a column is one of the schema's columns, bare or qualified by any
 * name (a table or an alias: a context-free grammar cannot bind an alias to its table), a table
 * is one of the schema's tables, and a function one the engine lists (`schema.functions`). Keywords
 * come in any case, identifiers in every quoting style the engine accepts, and whitespace is free
 * but bounded. A capable model is only ever kept from writing a name the database lacks, never from
 * writing SQL.
 *
 * Two readings escape the name check by design, because a grammar cannot see where a name was
 * defined: in a query with a WITH clause a table may be any name (its CTEs), and a name after `AS`
 * is any identifier. Validation against the database, and correction, catch what slips through.
 */
export function buildSqlModeGrammar(schema: DatabaseSchema, dialectId: Dialect = schema.dialect): string {
  // The grammar reads the dialect's features (src/core/dialects), never its name.
  const dialect = DIALECT_PROFILES[dialectId];
  const tables = unique(schema.tables.map((t) => t.name));
  // A table outside the default namespace is written schema.table (Postgres); its bare name alone would not be found.
  const bare = (name: string) => isBareName(name, dialect);
  const qualifiedTables = unique(schema.tables.flatMap((t) => (t.schema && bare(t.schema) && bare(t.name) ? [`${t.schema}.${t.name}`] : [])));
  const columns = unique(schema.tables.flatMap((t) => t.columns.map((c) => c.name)));
  if (tables.length === 0) throw new Error('the schema has no tables to write SQL against');
  if (schema.functions.length === 0) throw new Error('the schema has no function list (read it from the database)');
  const rules: string[] = [
    // A statement, optionally ended by `;`, with room for a model's leading or trailing newline.
    `root ::= ([ \\t\\n\\r] | line-comment){0,32} statement ws0 (";" ws0)?`,
    `statement ::= query | derived-query | ${kw('with')} ws (${kw('recursive')} ws)? cte (ws0 "," ws0 cte)* ws cte-query`,
    `cte ::= ident (ws0 "(" ws0 ident (ws0 "," ws0 ident)* ws0 ")")? ws ${kw('as')} (ws (${kw('not')} ws)? ${kw('materialized')})? ws0 "(" ws0 cte-query ws0 ")"`,
    ...queryFamily(dialect, { tables: [...tables.filter(bare), ...qualifiedTables], columns: columns.filter(bare), functions: schema.functions }),
    `any-table-name ::= table-name | ident`,
    `any-column-name ::= column-name | ident`,
    `table-name ::= ${names(tables, dialect)}`,
    `quoted-table-name ::= ${quotedNames(tables, dialect).join(' | ')}`,
    `column-name ::= ${names(columns, dialect)}`,
    // A bare column name is a term word; quoted, it is one of these (SQLite reads "x" as a dq-string, which covers it).
    `quoted-column-name ::= ${quotedNames(columns, dialect).filter((form) => !dialect.doubleQuotedStrings || !form.startsWith('"\\""')).join(' | ')}`,
    ...lexicalRules(dialect),
  ];
  return `${rules.join('\n')}\n`;
}

/** Expression rules that exist twice: as written, and inside a query with CTEs (`cte-…`), where names come loose (every query rule does too). */
const FAMILY_EXPRESSION_RULES = [
  'subquery', 'select-list', 'results', 'paren-results', 'result-list', 'result', 'order-item', 'row', 'expr-list', 'expr', 'tail', 'tail-symbol', 'tail-word', 'tail-arith', 'term', 'term-word', 'paren-term', 'column-ref', 'function-args', 'window', 'frame', 'frame-bound', 'case-rest', 'cast-rest', 'array-rest', 'paren-rest',
];

/**
 * The query rules, and two copies whose names come loose. A grammar cannot see which names a CTE or a
 * derived table defines, so in a query with a WITH clause (`cte-…`) a table may be any name (a CTE)
 * and a column any name (a CTE's column), and in a query whose FROM has a derived table (`dt-…`) a
 * column may be any name (the derived table's output, a window function's alias inside it) while
 * tables stay the schema's. In queries with neither, tables and columns are the schema's. ORDER BY
 * may also name an output alias (`ORDER BY n` after `count(*) AS n`).
 */
function queryFamily(dialect: DialectProfile, words: TermWords): string[] {
  const nameOf = (rule: string) => rule.slice(0, rule.indexOf(' ::='));
  const queries = queryRules(dialect, words);
  const family = [...queries.map(nameOf), ...FAMILY_EXPRESSION_RULES];
  const all = [...queries, ...expressionRules(dialect, words)];
  const base = all.filter((rule) => family.includes(nameOf(rule)));
  const shared = all.filter((rule) => !family.includes(nameOf(rule)));
  const pattern = new RegExp(`(?<![\\w-])(${family.join('|')})(?![\\w-])`, 'g');
  const looseColumns = (rule: string) =>
    rule.replace(/^((?:cte|dt)-column-ref ::= )(.*)$/, (_, head: string, body: string) => head + body.replace(/(?<![\w-])(quoted-)?column-name/g, 'any-column-name'));
  const cte = base.map((rule) => looseColumns(rule.replace(pattern, 'cte-$1').replace(/^(cte-table-ref ::= .*)quoted-table-name/, '$1any-table-name')));
  const derived = base.map((rule) => looseColumns(rule.replace(pattern, 'dt-$1')));
  return [...base, ...cte, ...derived, ...derivedQueryRules(), ...shared];
}

/**
 * A query whose FROM has at least one derived table, `(SELECT …) AS t`, anywhere among its tables
 * and joins: only such a query reads its columns loose. The derived table's own query is an
 * ordinary one (its names the schema's, unless it has a derived table or CTE of its own).
 */
function derivedQueryRules(): string[] {
  const using = `ws ${kw('using')} ws0 "(" ws0 ident (ws0 "," ws0 ident)* ws0 ")"`;
  return [
    `derived-query ::= ${kw('select')} dt-select-list ws ${kw('from')} ws derived-from`,
    `derived-from ::= derived-table dt-after-from | table-ref derived-pending`,
    `derived-pending ::= ws0 "," ws0 derived-from | ws (${kw('natural')} ws)? (join-kind ws)? ${kw('join')} ws derived-join`,
    // Before the derived table, a join's condition can only name the tables joined so far: the schema's names.
    `derived-join ::= derived-table dt-after-join | table-ref (ws ${kw('on')} ws expr | ${using})? derived-pending`,
    // SQLite needs no alias on a derived table.
    `derived-table ::= "(" ws0 subquery ws0 ")" alias?`,
  ];
}

/**
 * The rules of a query. Clauses come in SQL's order, and after
 * each one a single whitespace and one keyword trie decide what comes next (`after-…` rules), so
 * the parser keeps one branch per next letter rather than one per optional clause.
 */
function queryRules(dialect: DialectProfile, words: TermWords): string[] {
  const features = dialect.grammar;
  const standardLimit = features.limit === 'standard';
  const orderItems = features.byAll ? `(${kw('all')} (ws (${kw('asc')} | ${kw('desc')}))? | order-item (ws0 "," ws0 order-item)*)` : 'order-item (ws0 "," ws0 order-item)*';
  const joins = (rest: string): [string, string][] => [
    ['join', rest],
    ['natural', `ws (join-kind ws)? ${kw('join')} ${rest}`],
    ...['left', 'right', 'full'].map((kind): [string, string] => [kind, `(ws ${kw('outer')})? ws ${kw('join')} ${rest}`]),
    ...['inner', 'cross', ...features.extraJoinKinds].map((kind): [string, string] => [kind, `ws ${kw('join')} ${rest}`]),
  ];
  const joinConditions = (after: string): [string, string][] => [
    ['on', `ws expr ${after}`],
    ['using', `ws0 "(" ws0 ident (ws0 "," ws0 ident)* ws0 ")" ${after}`],
  ];
  const clauses: [string, string][] = [
    ['where', 'ws expr after-where'],
    ['group', `ws ${kw('by')} ws ${features.byAll ? `(${kw('all')} | expr-list)` : 'expr-list'} after-group`],
    ['having', 'ws expr after-having'],
    ...(features.qualify ? [['qualify', 'ws expr after-qualify'] as [string, string]] : []),
  ];
  const ending: [string, string][] = [
    ...['union', 'intersect', 'except'].map((word): [string, string] => [word, `(ws (${kw('all')} | ${kw('distinct')}))? ws core`]),
    ['order', `ws ${kw('by')} ws ${orderItems} after-order`],
    // Postgres has no LIMIT a, b; it has LIMIT ALL and OFFSET without LIMIT.
    standardLimit ? ['limit', `ws (${kw('all')} | expr) (ws ${kw('offset')} ws expr)?`] : ['limit', `ws expr (ws ${kw('offset')} ws expr | ws0 "," ws0 expr)?`],
    // The SQL standard's OFFSET n ROWS FETCH FIRST n ROWS ONLY, which Postgres reads too.
    ...(standardLimit
      ? [
          ['offset', `ws expr (ws (${kw('rows')} | ${kw('row')}))? (ws ${kw('limit')} ws expr | ws ${kw('fetch')} fetch-rest)?`] as [string, string],
          ['fetch', 'fetch-rest'] as [string, string],
        ]
      : []),
  ];
  // `afterComma`: where a table joined by a comma (FROM a, b) leads.
  const after = (name: string, entries: [string, string][], afterComma?: string) =>
    `${name} ::= (${afterComma ? `ws0 "," ws0 table-ref ${afterComma} | ` : ''}ws ${keywordChoice(entries)})?`;
  const rules = [
    `query ::= core`,
    `core ::= ${kw('select')} select-list after-results | ${kw('values')} ws0 row (ws0 "," ws0 row)* after-core | "(" ws0 query ws0 ")" after-core` +
      // DuckDB's FROM-first form: FROM t [SELECT …] [WHERE …].
      (features.fromFirst ? ` | ${kw('from')} ws table-ref first-after-from` : ''),
    after('after-results', [['from', 'ws table-ref after-from'], ...clauses, ...ending]),
    after('after-from', [...joins('join-rest'), ...clauses, ...ending], 'after-from'),
    `join-rest ::= ws table-ref after-join`,
    after('after-join', [...joinConditions('after-from'), ...joins('join-rest'), ...clauses, ...ending], 'after-from'),
    ...clauses.map(([word], i) => after(`after-${word}`, [...clauses.slice(i + 1), ...ending])),
    after('after-core', ending),
    after('after-order', ending.filter(([word]) => word === 'limit' || word === 'offset' || word === 'fetch')),
    ...(standardLimit ? [`fetch-rest ::= ws (${kw('first')} | ${kw('next')}) (ws expr)? ws (${kw('rows')} | ${kw('row')}) ws (${kw('only')} | ${kw('with')} ws ${kw('ties')})`] : []),
    `table-ref ::= ${features.lateral ? `(${kw('lateral')} ws0)? ` : ''}(table-word | quoted-table-name | "(" ws0 (subquery | table-ref join*) ws0 ")") alias?`,
    // Tables and table-valued functions (json_each, range, read_csv, …) in one trie, as term words are.
    `table-word ::= ${keywordChoice([...words.tables.map((name): [string, string] => [name, '']), ...words.functions.map((name): [string, string] => [name, 'function-args'])])}`,
    // Joins inside parentheses: FROM (a JOIN b ON …).
    `join ::= ws0 "," ws0 table-ref | ws (${kw('natural')} ws)? (join-kind ws)? ${kw('join')} ws table-ref (ws ${kw('on')} ws expr | ws ${kw('using')} ws0 "(" ws0 ident (ws0 "," ws0 ident)* ws0 ")")?`,
  ];
  if (features.fromFirst) {
    const afterSelect: [string, string][] = [...clauses, ...ending];
    const select: [string, string] = ['select', 'select-list first-after-select'];
    rules.push(
      after('first-after-from', [select, ...joins('first-join-rest'), ...afterSelect], 'first-after-from'),
      `first-join-rest ::= ws table-ref first-after-join`,
      after('first-after-join', [select, ...joinConditions('first-after-from'), ...joins('first-join-rest'), ...afterSelect], 'first-after-from'),
      after('first-after-select', afterSelect),
    );
  }
  return rules;
}

/** The schema's plain-word names (bare tables and columns) and the engine's functions. */
interface TermWords {
  tables: string[];
  columns: string[];
  functions: string[];
}

/** No bind parameters (`?`, `:name`): Quarry runs the SQL as written, with nothing to bind, so a query with one cannot run. */
function expressionRules(dialect: DialectProfile, words: TermWords): string[] {
  const features = dialect.grammar;
  const likeRest = `ws term (ws ${kw('escape')} ws term)?`;
  const likeWords = features.patternOperators.map((word): [string, string] => [word, word === 'similar' ? `ws ${kw('to')} ${likeRest}` : likeRest]);
  // Casts and subscripts: x::int, a[1], a[1:2].
  const castsAndSubscripts = !features.castsAndSubscripts ? '' : ` | "::" ws0 type-name | "[" ws0 expr? (ws0 ":" ws0 expr?)? ws0 "]"`;
  // What NOT may stand before: x NOT IN (…), x NOT BETWEEN a AND b, x NOT LIKE y.
  const negatable: [string, string][] = [
    ['in', 'ws0 "(" ws0 (subquery | expr-list)? ws0 ")"'],
    ['between', `ws term (tail-arith)* ws ${kw('and')} ws term`],
    ...likeWords,
  ];
  const andOr = '(ws term | ws0 paren-term)';
  return [
    `subquery ::= query | derived-query | ${kw('with')} ws (${kw('recursive')} ws)? cte (ws0 "," ws0 cte)* ws cte-query`,
    `join-kind ::= (${kw('left')} | ${kw('right')} | ${kw('full')}) (ws ${kw('outer')})? | ${kw('inner')} | ${kw('cross')}${features.extraJoinKinds.map((kind) => ` | ${kw(kind)}`).join('')}`,
    // A bare alias needs whitespace before it, or \`ab\` would read as \`a\` aliased \`b\`.
    `alias ::= ws (${kw('as')} ws)? ident`,
    // `SELECT DISTINCT(a)` needs no space before its parenthesis; a word after SELECT does.
    // One whitespace after SELECT whether DISTINCT follows or not.
    `select-list ::= ws ((${kw('distinct')}${features.distinctOn ? ` (ws ${kw('on')} ws0 "(" ws0 expr-list ws0 ")")?` : ''} | ${kw('all')}) results | result-list) | paren-results`,
    `results ::= ws result-list | paren-results`,
    `paren-results ::= paren-term (tail)* alias? (ws0 "," ws0 result)*`,
    `result-list ::= result (ws0 "," ws0 result)*`,
    `result ::= "*" | ident "." "*" | expr alias?`,
    `order-item ::= (expr | ident) (ws (${kw('asc')} | ${kw('desc')}))? (ws ${kw('nulls')} ws (${kw('first')} | ${kw('last')}))?`,
    `row ::= "(" ws0 expr-list ws0 ")"`,
    `expr-list ::= expr (ws0 "," ws0 expr)*`,
    // Precedence is the engine's business: a flat chain of terms and operators accepts every nesting without ambiguity.
    `expr ::= term (tail)*`,
    // Whatever follows a term after whitespace follows one whitespace: an operator or an operator word.
    `tail ::= tail-symbol | ws (tail-symbol | tail-word)`,
    `tail-symbol ::= binary-operator ws0 term${castsAndSubscripts}`,
    // One whitespace, then the operator word: its letters shared (IN, IS, ISNULL), so one parse branch per letter.
    `tail-word ::= ${keywordChoice([
      ['and', andOr],
      ['or', andOr],
      ['is', `ws (${kw('not')} ws)? (${kw('distinct')} ws ${kw('from')} ws)? term`],
      ['isnull', ''],
      ['notnull', ''],
      ['not', `ws ${keywordChoice([...negatable, ['null', '']])}`],
      ['collate', features.collations ? `ws (${names([...features.collations], dialect)})` : 'ws ident'],
      ...negatable,
    ])}`,
    `tail-arith ::= ws0 arithmetic-operator ws0 term`,
    // Every operator of the dialect (and a few strings of operator characters that are none, which the
    // database refuses) as one branch: llama.cpp checks the whole vocabulary against each branch.
    `binary-operator ::= ${features.binaryOperator}`,
    `arithmetic-operator ::= "+" | "-" | "*" | "/" | "%"`,
    `term ::= term-word | column-ref | number | string${dialect.doubleQuotedStrings ? ' | dq-string' : ''} | paren-term | [-+~] ws0 term${features.listLiterals ? ' | "[" ws0 expr-list? ws0 "]"' : ''}`,
    // Postgres's row and array constructors and its quantified comparisons: ROW(a, b), ARRAY[1, 2], x = ANY (…).
    ...(features.specialForms.includes('constructors') ? [`array-rest ::= ws0 ("[" ws0 expr-list? ws0 "]" | "(" ws0 subquery ws0 ")")`, `paren-rest ::= ws0 "(" ws0 (subquery | expr-list) ws0 ")"`] : []),
    // Every word a term can start with, in one trie: a column, a function, a keyword (NULL, CASE, EXISTS, …).
    // llama.cpp keeps one parse stack per alternative, so words that share a first letter share one.
    `term-word ::= ${keywordChoice(termWords(dialect, words))}`,
    `paren-term ::= "(" ws0 (subquery | expr-list) ws0 ")"`,
    // One qualifier branch for t.col and s.t.col.
    `column-ref ::= quoted-column-name | ident "." (column-name | ident "." column-name)`,
    `function-args ::= ws0 "(" ws0 (${kw('distinct')} ws0 | ${kw('all')} ws)? ("*" | expr-list (ws ${kw('order')} ws ${kw('by')} ws order-item (ws0 "," ws0 order-item)*)?)? ws0 ")"${features.withinGroup ? ` (ws ${kw('within')} ws ${kw('group')} ws0 "(" ws0 ${kw('order')} ws ${kw('by')} ws order-item (ws0 "," ws0 order-item)* ws0 ")")?` : ''} (ws ${kw('filter')} ws0 "(" ws0 ${kw('where')} ws expr ws0 ")")? (ws ${kw('over')} ws0 (window | ident))?`,
    `window ::= "(" ws0 (ident ws)? (${kw('partition')} ws ${kw('by')} ws expr-list ws0)? (${kw('order')} ws ${kw('by')} ws order-item (ws0 "," ws0 order-item)* ws0)? (frame ws0)? ")"`,
    `frame ::= (${kw('rows')} | ${kw('range')} | ${kw('groups')}) ws (${kw('between')} ws frame-bound ws ${kw('and')} ws frame-bound | frame-bound)`,
    `frame-bound ::= ${kw('unbounded')} ws (${kw('preceding')} | ${kw('following')}) | ${kw('current')} ws ${kw('row')} | term ws (${kw('preceding')} | ${kw('following')})`,
    `case-rest ::= (ws expr)? (ws ${kw('when')} ws expr ws ${kw('then')} ws expr)+ (ws ${kw('else')} ws expr)? ws ${kw('end')}`,
    `cast-rest ::= ws0 "(" ws0 expr ws ${kw('as')} ws type-name ws0 ")"`,
    `type-name ::= ident-word (ws ident-word)* (ws0 "(" ws0 number (ws0 "," ws0 number)? ws0 ")")?${features.arrayTypes ? ' ("[]")*' : ''}`,
  ];
}

function lexicalRules(dialect: DialectProfile): string[] {
  return [
    // Bounded, but wide enough for the way models lay SQL out: a line break and deep indentation, and
    // line comments (part of the language; a grammar without them would push a model off what it means to write).
    // Inside a statement a comment follows a space or a line break (\`x  -- why\`), so the parser keeps no comment
    // branch right after every word; a statement may begin with one.
    `ws ::= [ \\t\\n\\r] ([ \\t\\n\\r] | line-comment){0,31}`,
    `ws0 ::= ws?`,
    `line-comment ::= "--" [^\\n]{0,200} "\\n"`,
    // Hexadecimal under the digits' branch (so 5x1F passes too, and the database refuses it).
    `number ::= [0-9] ([0-9]* ("." [0-9]*)? ([eE] [+-]? [0-9]+)? | [xX] [0-9a-fA-F]+) | "." [0-9]+ ([eE] [+-]? [0-9]+)?`,
    `string ::= "'" ([^'] | "''")* "'"`,
    // SQLite reads a double-quoted word that names no column as a string, and Spider's gold queries rely on it.
    ...(dialect.doubleQuotedStrings ? [`dq-string ::= "\\"" ([^"] | "\\"\\"")* "\\""`] : []),
    `ident ::= ident-word | quoted-ident`,
    `ident-word ::= [a-zA-Z_] [a-zA-Z0-9_$]{0,63}`,
    `quoted-ident ::= "\\"" ([^"] | "\\"\\"")+ "\\""${dialect.extraIdentifierQuotes.includes('backtick') ? ' | "`" [^`]+ "`"' : ''}${dialect.extraIdentifierQuotes.includes('bracket') ? ' | "[" [^\\]]+ "]"' : ''}`,
  ];
}

/**
 * What follows each word a term may start with. Functions are the engine's own: a model that calls
 * YEAR() on SQLite invents a name as surely as one that invents a column.
 */
function termWords(dialect: DialectProfile, words: TermWords): [string, string][] {
  const forms = dialect.grammar.specialForms;
  const entries: [string, string][] = [
    ...words.columns.map((name): [string, string] => [name, '']),
    ...words.functions.map((name): [string, string] => [name, 'function-args']),
    ...['null', 'true', 'false', 'current_date', 'current_time', 'current_timestamp'].map((word): [string, string] => [word, '']),
    // NOT is a term word too: NOT x, NOT EXISTS (…), a = NOT b.
    ['not', 'ws term'],
    ['case', 'case-rest'],
    ['cast', 'cast-rest'],
    ['exists', 'ws0 "(" ws0 subquery ws0 ")"'],
    ['x', `"'" [0-9a-fA-F]* "'"`],
  ];
  if (forms.includes('try-cast')) entries.push(['try_cast', 'cast-rest']);
  if (forms.includes('interval-term')) entries.push(['interval', 'ws term (ws ident)?']);
  // SQL-standard forms that are grammar, not functions the engine lists: COALESCE, EXTRACT(YEAR FROM d), …
  if (forms.includes('standard-functions')) for (const word of ['coalesce', 'nullif', 'greatest', 'least']) entries.push([word, 'function-args']);
  if (forms.includes('session-words')) for (const word of ['localtime', 'localtimestamp', 'current_user', 'session_user', 'current_catalog', 'current_schema']) entries.push([word, '']);
  if (forms.includes('interval-string')) entries.push(['interval', 'ws string (ws ident-word)*']);
  if (forms.includes('keyword-arguments')) {
    entries.push(
      ['extract', `ws0 "(" ws0 ident-word ws ${kw('from')} ws expr ws0 ")"`],
      ['position', `ws0 "(" ws0 term ws ${kw('in')} ws expr ws0 ")"`],
      ['substring', `ws0 "(" ws0 expr ws ${kw('from')} ws expr (ws ${kw('for')} ws expr)? ws0 ")"`],
      ['trim', `ws0 "(" ws0 (((${kw('both')} | ${kw('leading')} | ${kw('trailing')}) ws)? (expr ws)? ${kw('from')} ws)? expr-list ws0 ")"`],
    );
  }
  if (forms.includes('constructors')) entries.push(['array', 'array-rest'], ['row', 'paren-rest'], ...['any', 'some', 'all'].map((word): [string, string] => [word, 'paren-rest']));
  for (const word of dialect.grammar.typedLiterals) entries.push([word, 'ws string']);
  return entries;
}

function isWord(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name);
}

/** A name the engine finds written bare: a plain word, and on Postgres one without capitals. */
function isBareName(name: string, dialect: DialectProfile): boolean {
  return isWord(name) && !quotedForCase(name, dialect.id);
}

/**
 * Schema names in every form the engine reads as them: bare (the names that are plain words) and
 * in each quoting style. Both engines match names without regard to letter case, quoted or not.
 */
function names(list: string[], dialect: DialectProfile): string {
  const words = list.filter((name) => isBareName(name, dialect));
  return [...(words.length ? [caselessChoice(words)] : []), ...quotedNames(list, dialect)].join(' | ');
}

/** The quoted forms of schema names: "x" in every engine, `x` and [x] in SQLite too. */
function quotedNames(list: string[], dialect: DialectProfile): string[] {
  const forms = [`"\\"" ${caselessChoice(list.map((name) => name.replace(/"/g, '""')))} "\\""`];
  const inner = dialect.extraIdentifierQuotes.length ? caselessChoice(list) : '';
  if (dialect.extraIdentifierQuotes.includes('backtick')) forms.push(`"\`" ${inner} "\`"`);
  if (dialect.extraIdentifierQuotes.includes('bracket')) forms.push(`"[" ${inner} "]"`);
  return forms;
}

/**
 * One of the words, in any letter case, as a trie: names that share a beginning share its
 * characters, so after each character the parser follows one branch, not one per name (llama.cpp
 * keeps a parse stack per live alternative, and a schema can have thousands of names).
 */
function caselessChoice(words: string[]): string {
  const sorted = words.map(foldCase).sort((a, b) => (a < b ? -1 : 1));
  return keywordChoice(sorted.map((word): [string, string] => [word, '']));
}

/**
 * Words, each followed by its own continuation, as one such trie: words that share a beginning
 * (IN, IS, ISNULL; a column and a function) share its branch. An empty continuation ends the word.
 */
function keywordChoice(entries: [word: string, continuation: string][]): string {
  const root: TrieNode = { ends: [], next: new Map() };
  for (const [word, continuation] of entries) {
    let node = root;
    for (const ch of foldCase(word)) {
      let child = node.next.get(ch);
      if (!child) node.next.set(ch, (child = { ends: [], next: new Map() }));
      node = child;
    }
    if (!node.ends.includes(continuation)) node.ends.push(continuation);
  }
  return `(${branches(root)})`;
}

/** The engines fold ASCII letters only (Postgres folds unquoted names to lower case; quoted, the database tells). */
function foldCase(word: string): string {
  return word.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

interface TrieNode {
  ends: string[];
  next: Map<string, TrieNode>;
}

function branches(node: TrieNode): string {
  const words = [...node.next].map(([ch, child]) => `${caselessChar(ch)}${rest(child)}`);
  return [...words, ...node.ends.filter((c) => c !== '')].join(' | ');
}

function rest(node: TrieNode): string {
  const alternatives = node.next.size + node.ends.filter((c) => c !== '').length;
  if (alternatives === 0) return '';
  const optional = node.ends.includes('') ? '?' : '';
  if (alternatives === 1 && !optional) return ` ${branches(node)}`;
  return ` (${branches(node)})${optional}`;
}

function caselessChar(ch: string): string {
  return /^[a-z]$/.test(ch) ? `[${ch}${ch.toUpperCase()}]` : literal(ch);
}

/** A word in any letter case, as SQL reads keywords and names. */
function caseless(word: string): string {
  return [...word.toLowerCase()].map(caselessChar).join(' ');
}

function kw(word: string): string {
  return `(${caseless(word)})`;
}

function literal(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function unique(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
