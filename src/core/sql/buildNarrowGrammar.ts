import type { Dialect } from '../types/QueryResult';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../types/DatabaseSchema';
import { identifier, tableIdentifier } from './quoteIdentifier';

/**
 * A GBNF grammar for the SQL Quarry writes, with the schema's own table and column names as the
 * only names it can produce. Which columns may appear depends on which tables are in FROM, so the
 * grammar has one family of rules per "table set" (one table, or tables joined along a foreign
 * key), and a query commits to its set as it is generated. Everything is bounded (list lengths,
 * subquery depth, literal length), so every sentence ends within a known length, and type classes
 * keep comparisons valid for DuckDB, which refuses to compare a number with arbitrary text.
 */
export interface NarrowGrammarOptions {
  dialect: Dialect;
  /** Most table sets (single tables first, then joins) the grammar offers. */
  maxTableSets?: number;
}

type TypeClass = 'num' | 'text' | 'other';

interface TableSet {
  tables: TableSchema[];
  from: string;
  /** Columns as written in this set: bare for one table, qualified in joins. */
  columns: { sql: string; type: TypeClass }[];
}

const DEFAULT_MAX_TABLE_SETS = 48;

export function buildNarrowGrammar(schema: DatabaseSchema, options: NarrowGrammarOptions): string {
  const tables = schema.tables.filter((t) => t.columns.length > 0);
  if (tables.length === 0) throw new Error('the schema has no tables with columns to write SQL against');
  const sets = tableSets(tables, options.maxTableSets ?? DEFAULT_MAX_TABLE_SETS, options.dialect);
  const rules: string[] = [];
  const queries: string[] = [];
  sets.forEach((set, i) => {
    rules.push(...setRules(set, `s${i}`));
    queries.push(`s${i}-query`);
  });
  const singles = tables.map((table, i) => ({ table, name: `t${i}` }));
  for (const { table, name } of singles) rules.push(...subqueryRules(table, name, options.dialect));
  rules.push(...setOperationRules(singles));
  rules.push(...literalRules(schema));
  return [`root ::= ${['set-operation', ...queries].join(' | ')}`, ...rules].join('\n') + '\n';
}

const grammars = new WeakMap<DatabaseSchema, string>();

/** The grammar of a schema with the default options, built once per schema object (Ask and inline completion share it). */
export function schemaGrammar(schema: DatabaseSchema): string {
  let grammar = grammars.get(schema);
  if (grammar === undefined) {
    grammar = buildNarrowGrammar(schema, { dialect: schema.dialect });
    grammars.set(schema, grammar);
  }
  return grammar;
}

/** A clause a statement has just opened, which a clause grammar writes the rest of the statement from; `from`: its FROM clause is whole, and no clause follows yet. */
export type TailClause = 'from' | 'where' | 'group' | 'order' | 'having';

export interface ClauseGrammarRequest {
  clause: TailClause;
  /** The query's tables, each with the name its columns are written after (its alias); null to write them bare (one table). */
  tables: { table: TableSchema; qualifier: string | null }[];
  /** ORDER BY may name aggregates (the query groups). */
  grouped: boolean;
  /** No ORDER BY (SELECT DISTINCT, a part of a set operation). */
  noOrderBy: boolean;
  /** The prefix ends without whitespace, so the grammar writes the space first. */
  leadingSpace: boolean;
}

/**
 * The narrow grammar's sentences from inside a statement: what may follow a clause the statement has
 * opened (WHERE, GROUP BY, ORDER BY, HAVING), over the query's own tables under the names the
 * statement gives them. A statement the narrow grammar could not have written (aliases, joins of its
 * own, set operations) still gets a continuation, because what follows the clause depends only on these.
 */
export function buildClauseGrammar(schema: DatabaseSchema, request: ClauseGrammarRequest): string {
  const set: TableSet = {
    tables: request.tables.map((t) => t.table),
    from: '',
    columns: request.tables.flatMap(({ table, qualifier }) =>
      table.columns.map((c) => ({ sql: qualifier === null ? identifier(c.name, schema.dialect) : `${qualifier}.${identifier(c.name, schema.dialect)}`, type: typeClass(c) })),
    ),
  };
  if (set.columns.length === 0) throw new Error('the tables in scope have no columns');
  const order = (items: string) => (request.noOrderBy ? '' : ` (" ORDER BY " ${items})?`);
  const orderItems = request.grouped ? '(c-agg | c-col) direction' : 'c-col direction (", " c-col direction){0,1}';
  const tails: Record<Exclude<TailClause, 'from'>, string> = {
    where: `c-cond ((" AND " | " OR ") c-cond){0,2}${order('c-col direction')} limit?`,
    group: `c-col (" HAVING " c-num-agg comparison number)?${order('(c-agg | c-col) direction')} limit?`,
    having: `c-num-agg comparison number${order('(c-agg | c-col) direction')} limit?`,
    order: `${orderItems} limit?`,
  };
  const singles = schema.tables.filter((t) => t.columns.length > 0).map((table, i) => ({ table, name: `t${i}` }));
  const space = request.leadingSpace ? ' ' : '';
  // After a whole FROM: the clauses it may lead to, each written on as above.
  const fromTail = [`"${space}WHERE " where-tail`, `"${space}GROUP BY " group-tail`, ...(request.noOrderBy ? [] : [`"${space}ORDER BY " order-tail`]), `"${space}LIMIT " [1-9] [0-9]?`];
  return [
    request.clause === 'from' ? `root ::= ${fromTail.join(' | ')}` : `root ::= ${space ? '" " ' : ''}${tails[request.clause]}`,
    ...(request.clause === 'from' ? Object.entries(tails).map(([clause, tail]) => `${clause}-tail ::= ${tail}`) : []),
    ...setRules(set, 'c'),
    ...singles.flatMap(({ table, name }) => subqueryRules(table, name, schema.dialect)),
    ...setOperationRules(singles),
    ...literalRules(schema),
  ].join('\n') + '\n';
}

function typeClass(column: ColumnSchema): TypeClass {
  const type = column.type.toUpperCase();
  if (/INT|REAL|FLOA|DOUB|DEC|NUM|NUMBER|HUGEINT/.test(type)) return 'num';
  if (type === '' || /CHAR|CLOB|TEXT|STRING|VARCHAR/.test(type)) return 'text';
  return 'other';
}

/** Names as the dialect finds them: Postgres's with capitals quoted, its other namespaces' tables qualified. */
function tableSets(tables: TableSchema[], max: number, dialect: Dialect): TableSet[] {
  const table = (t: TableSchema) => tableIdentifier(t, dialect);
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  const sets: TableSet[] = tables.map((t) => ({
    tables: [t],
    from: table(t),
    columns: t.columns.map((c) => ({ sql: identifier(c.name, dialect), type: typeClass(c) })),
  }));
  const joins: { a: TableSchema; b: TableSchema; on: string }[] = [];
  for (const owner of tables) {
    for (const fk of owner.foreignKeys) {
      const target = byName.get(fk.refTable.toLowerCase());
      if (!target || target === owner || fk.columns.length !== 1 || !fk.refColumns[0]) continue;
      if (!target.columns.some((c) => c.name === fk.refColumns[0])) continue;
      joins.push({ a: owner, b: target, on: `${qualified(owner, fk.columns[0]!, dialect)} = ${qualified(target, fk.refColumns[0], dialect)}` });
    }
  }
  for (const join of joins) sets.push(joinedSet([join.a, join.b], `${table(join.a)} JOIN ${table(join.b)} ON ${join.on}`, dialect));
  // Three tables along two foreign keys sharing a table: how many-to-many questions are answered.
  for (const [i, first] of joins.entries()) {
    for (const second of joins.slice(i + 1)) {
      const shared = [first.a, first.b].find((t) => t === second.a || t === second.b);
      if (!shared) continue;
      const third = second.a === shared ? second.b : second.a;
      if (third === first.a || third === first.b) continue;
      sets.push(
        joinedSet(
          [first.a, first.b, third],
          `${table(first.a)} JOIN ${table(first.b)} ON ${first.on} JOIN ${table(third)} ON ${second.on}`,
          dialect,
        ),
      );
    }
  }
  return sets.slice(0, Math.max(tables.length, max));
}

function joinedSet(tables: TableSchema[], from: string, dialect: Dialect): TableSet {
  return {
    tables,
    from,
    columns: tables.flatMap((t) => t.columns.map((c) => ({ sql: qualified(t, c.name, dialect), type: typeClass(c) }))),
  };
}

function qualified(table: TableSchema, column: string, dialect: Dialect): string {
  return `${tableIdentifier(table, dialect)}.${identifier(column, dialect)}`;
}

/** A GBNF string literal. */
function lit(text: string): string {
  return JSON.stringify(text);
}

function alternatives(texts: string[]): string {
  return texts.map(lit).join(' | ');
}

function setRules(set: TableSet, p: string): string[] {
  const nums = set.columns.filter((c) => c.type === 'num');
  const texts = set.columns.filter((c) => c.type === 'text');
  const rules = [
    `${p}-col ::= ${alternatives(set.columns.map((c) => c.sql))}`,
    `${p}-from ::= ${lit(` FROM ${set.from}`)}`,
    `${p}-agg ::= "COUNT(*)" | "COUNT(" ${p}-col ")" | "COUNT(DISTINCT " ${p}-col ")"` +
      (nums.length ? ` | ("SUM(" | "AVG(" | "MIN(" | "MAX(") ${p}-num ")"` : '') +
      (texts.length ? ` | ("MIN(" | "MAX(") ${p}-text ")"` : ''),
    // Aggregates with a numeric value: the only ones a number may be compared with (DuckDB is strict).
    `${p}-num-agg ::= "COUNT(*)" | "COUNT(" ${p}-col ")"` + (nums.length ? ` | ("SUM(" | "AVG(" | "MIN(" | "MAX(") ${p}-num ")"` : ''),
    `${p}-where ::= " WHERE " ${p}-cond ((" AND " | " OR ") ${p}-cond){0,2}`,
    `${p}-cond ::= ${conditionAlternatives(p, nums.length > 0, texts.length > 0, true)}`,
    `${p}-order ::= " ORDER BY " ${p}-col direction (", " ${p}-col direction){0,1}`,
    `${p}-query ::= ${p}-plain | ${p}-distinct | ${p}-aggregate | ${p}-grouped`,
    `${p}-plain ::= "SELECT " ${p}-col (", " ${p}-col){0,3} ${p}-from ${p}-where? ${p}-order? limit?`,
    // DISTINCT with ORDER BY of an unselected column is an error in DuckDB: no ORDER BY here.
    `${p}-distinct ::= "SELECT DISTINCT " ${p}-col (", " ${p}-col){0,2} ${p}-from ${p}-where?`,
    `${p}-aggregate ::= "SELECT " ${p}-agg (", " ${p}-agg){0,2} ${p}-from ${p}-where?`,
    // One alternative per grouping column, so SELECT and GROUP BY name the same column.
    `${p}-grouped ::= ${set.columns.map((_, i) => `${p}-group${i}`).join(' | ')}`,
    ...set.columns.map(
      (c, i) =>
        `${p}-group${i} ::= ${lit(`SELECT ${c.sql}, `)} ${p}-agg ${p}-from ${p}-where? ${lit(` GROUP BY ${c.sql}`)} ` +
        `(" HAVING " ${p}-num-agg comparison number)? (" ORDER BY " (${p}-agg | ${lit(c.sql)}) direction)? limit?`,
    ),
  ];
  if (nums.length) rules.push(`${p}-num ::= ${alternatives(nums.map((c) => c.sql))}`);
  if (texts.length) rules.push(`${p}-text ::= ${alternatives(texts.map((c) => c.sql))}`);
  return rules;
}

/**
 * Conditions by type class; `nested` adds subqueries over single tables, whose own conditions are
 * not nested again, which bounds the depth.
 */
function conditionAlternatives(p: string, hasNum: boolean, hasText: boolean, nested: boolean): string {
  const alts = [`${p}-col " IS " ("NOT ")? "NULL"`];
  if (hasNum) {
    alts.push(`${p}-num comparison number`, `${p}-num " BETWEEN " number " AND " number`);
    if (nested) alts.push(`${p}-num (" IN " | " NOT IN ") "(" num-subquery ")"`, `${p}-num comparison "(" num-aggregate-subquery ")"`);
  }
  if (hasText) {
    alts.push(`${p}-text (" = " | " != " | " LIKE " | " NOT LIKE ") string`, `${p}-text " IN (" string (", " string){0,2} ")"`);
    if (nested) alts.push(`${p}-text (" IN " | " NOT IN ") "(" text-subquery ")"`);
  }
  if (nested) alts.push(`("EXISTS" | "NOT EXISTS") " (" any-subquery ")"`);
  return alts.join(' | ');
}

function subqueryRules(table: TableSchema, p: string, dialect: Dialect): string[] {
  const columns = table.columns.map((c) => ({ sql: identifier(c.name, dialect), type: typeClass(c) }));
  const nums = columns.filter((c) => c.type === 'num');
  const texts = columns.filter((c) => c.type === 'text');
  const from = lit(` FROM ${tableIdentifier(table, dialect)}`);
  const rules = [
    `${p}-col ::= ${alternatives(columns.map((c) => c.sql))}`,
    `${p}-where ::= " WHERE " ${p}-cond`,
    `${p}-cond ::= ${conditionAlternatives(p, nums.length > 0, texts.length > 0, false)}`,
    `${p}-any ::= "SELECT " ${p}-col ${from} ${p}-where?`,
  ];
  if (nums.length) {
    rules.push(
      `${p}-num ::= ${alternatives(nums.map((c) => c.sql))}`,
      `${p}-num-select ::= "SELECT " ${p}-num ${from} ${p}-where?`,
      `${p}-num-aggregate ::= "SELECT " ("MIN(" | "MAX(" | "AVG(") ${p}-num ")" ${from} ${p}-where?`,
    );
  }
  if (texts.length) {
    rules.push(`${p}-text ::= ${alternatives(texts.map((c) => c.sql))}`, `${p}-text-select ::= "SELECT " ${p}-text ${from} ${p}-where?`);
  }
  return rules;
}

/** Subquery and set-operation entry points, collected over every table that has such columns. */
function setOperationRules(singles: { table: TableSchema; name: string }[]): string[] {
  const withNum = singles.filter((s) => s.table.columns.some((c) => typeClass(c) === 'num')).map((s) => s.name);
  const withText = singles.filter((s) => s.table.columns.some((c) => typeClass(c) === 'text')).map((s) => s.name);
  const rules = [`any-subquery ::= ${singles.map((s) => `${s.name}-any`).join(' | ')}`];
  const operator = `(" UNION " | " UNION ALL " | " INTERSECT " | " EXCEPT ")`;
  const operations: string[] = [];
  if (withNum.length) {
    rules.push(
      `num-subquery ::= ${withNum.map((n) => `${n}-num-select`).join(' | ')}`,
      `num-aggregate-subquery ::= ${withNum.map((n) => `${n}-num-aggregate`).join(' | ')}`,
    );
    operations.push(`num-subquery ${operator} num-subquery`);
  } else {
    rules.push('num-subquery ::= "SELECT 0"', 'num-aggregate-subquery ::= "SELECT 0"');
  }
  if (withText.length) {
    rules.push(`text-subquery ::= ${withText.map((n) => `${n}-text-select`).join(' | ')}`);
    operations.push(`text-subquery ${operator} text-subquery`);
  } else {
    rules.push(`text-subquery ::= "SELECT ''"`);
  }
  rules.push(`set-operation ::= ${operations.length ? operations.join(' | ') : 'any-subquery'}`);
  return rules;
}

function literalRules(schema: DatabaseSchema): string[] {
  // Example values from the schema make the likely literals easy to write; any short string stays possible.
  const examples = [...new Set(schema.tables.flatMap((t) => t.columns.flatMap((c) => c.examples)))]
    .filter((v) => v.length <= 40 && !v.includes('…'))
    .slice(0, 200);
  const quoted = examples.map((v) => lit(`'${v.replace(/'/g, "''")}'`));
  return [
    `string ::= ${[...quoted, `"'" "%"? string-char{0,12} "%"? "'"`].join(' | ')}`,
    `string-char ::= [a-zA-Z0-9 _.,-]`,
    `number ::= "-"? [0-9] [0-9]{0,3} ("." [0-9] [0-9]?)?`,
    `comparison ::= " = " | " != " | " > " | " < " | " >= " | " <= "`,
    `direction ::= (" ASC" | " DESC")?`,
    `limit ::= " LIMIT " [1-9] [0-9]?`,
  ];
}
