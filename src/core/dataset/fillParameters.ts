import type { Database } from '../db/Database';
import { tryQuery } from '../db/tryQuery';
import { markInternal } from '../db/internalQueryMark';
import { quotedTableName, quoteIdentifier } from '../sql/quoteIdentifier';
import { tokenizeSql, type SqlToken } from '../sql/tokenizeSql';
import type { DatabaseSchema, TableSchema } from '../types/DatabaseSchema';

/** Where a `$n` stands: compared with a column (its values are what fits there), or a LIMIT/OFFSET count. */
type ParameterUse = { kind: 'column'; column: string; qualifier: string | null } | { kind: 'count'; value: string };

const SQUASHED_LIST = /\s*\/\*, \.\.\. \*\//g;

const COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=', 'LIKE', 'ILIKE', 'IN', 'BETWEEN', 'AND']);

/** The `$n` placeholders of a statement (pg_stat_statements keeps every literal as one), by token. */
function placeholders(tokens: SqlToken[]): { number: number; start: number; end: number; at: number }[] {
  const found = [];
  for (let i = 0; i < tokens.length - 1; i++) {
    const token = tokens[i]!;
    const next = tokens[i + 1]!;
    if (token.kind === 'punct' && token.text === '$' && next.kind === 'number' && next.start === token.start + 1 && /^\d+$/.test(next.text)) {
      found.push({ number: Number(next.text), start: token.start, end: next.start + next.text.length, at: i });
    }
  }
  return found;
}

export function hasParameters(sql: string): boolean {
  return placeholders(tokenizeSql(sql)).length > 0;
}

/**
 * What each placeholder is compared with: the column before the operator (`a.col = $1`,
 * `col IN ($1, $2)`, `col BETWEEN $1 AND $2`), or after it (`$1 < col`); LIMIT and OFFSET take counts.
 */
function parameterUse(tokens: SqlToken[], at: number): ParameterUse | null {
  let i = at - 1;
  // Inside IN (…, $2) or BETWEEN $1 AND $2: step back over the other items to the operator.
  while (i >= 0 && (tokens[i]!.text === ',' || tokens[i]!.text === '(' || isPlaceholderPart(tokens, i))) i--;
  const word = tokens[i]?.text.toUpperCase();
  if (word === 'LIMIT') return { kind: 'count', value: '10' };
  if (word === 'OFFSET') return { kind: 'count', value: '0' };
  if (word === 'AND' && !betweenBefore(tokens, i)) return null;
  if (word !== undefined && COMPARISONS.has(word)) {
    const start = word === 'AND' ? betweenBefore(tokens, i)! : i;
    const column = columnBefore(tokens, start - (tokens[start - 1]?.text.toUpperCase() === 'NOT' ? 1 : 0));
    if (column) return column;
  }
  const after = tokens[at + 2];
  if (after && COMPARISONS.has(after.text.toUpperCase())) return columnAt(tokens, at + 3);
  return null;
}

function isPlaceholderPart(tokens: SqlToken[], i: number): boolean {
  const token = tokens[i]!;
  return (token.kind === 'number' && tokens[i - 1]?.text === '$') || (token.text === '$' && tokens[i + 1]?.kind === 'number');
}

/** The index of BETWEEN when `$1` after AND is BETWEEN's upper bound. */
function betweenBefore(tokens: SqlToken[], and: number): number | null {
  const between = and - 3;
  return tokens[between]?.text.toUpperCase() === 'BETWEEN' ? between : null;
}

function columnBefore(tokens: SqlToken[], operator: number): ParameterUse | null {
  const name = tokens[operator - 1];
  if (!name || (name.kind !== 'word' && name.kind !== 'quoted-identifier')) return null;
  const qualified = tokens[operator - 2]?.text === '.' ? tokens[operator - 3] : undefined;
  return { kind: 'column', column: unquote(name), qualifier: qualified ? unquote(qualified) : null };
}

function columnAt(tokens: SqlToken[], at: number): ParameterUse | null {
  const first = tokens[at];
  if (!first || (first.kind !== 'word' && first.kind !== 'quoted-identifier')) return null;
  if (tokens[at + 1]?.text === '.' && tokens[at + 2]) return { kind: 'column', column: unquote(tokens[at + 2]!), qualifier: unquote(first) };
  return { kind: 'column', column: unquote(first), qualifier: null };
}

function unquote(token: SqlToken): string {
  return token.kind === 'quoted-identifier' ? token.text.slice(1, -1).replace(/""/g, '"') : token.text;
}

/** The tables a column may belong to: the qualifier's table, else the query's tables that have the column. */
function tablesFor(use: Extract<ParameterUse, { kind: 'column' }>, schema: DatabaseSchema, words: Set<string>): TableSchema[] {
  const withColumn = schema.tables.filter((t) => t.kind === 'table' && t.columns.some((c) => c.name.toLowerCase() === use.column.toLowerCase()));
  const named = use.qualifier ? withColumn.filter((t) => t.name.toLowerCase() === use.qualifier!.toLowerCase()) : [];
  if (named.length > 0) return named;
  return withColumn.filter((t) => words.has(t.name.toLowerCase()));
}

/**
 * A statement from a normalized history (pg_stat_statements writes `$1` for every literal) made
 * runnable again: the placeholders compared with one table's columns get the values of that
 * table's most frequent combination of them (one real row, so `a = $1 AND b = $2` finds it), and
 * LIMIT/OFFSET a small count. Returns null when some placeholder's column cannot be told (the
 * statement is then dropped rather than guessed).
 */
export async function fillParameters(db: Database, schema: DatabaseSchema, template: string, signal?: AbortSignal): Promise<string | null> {
  // Postgres 18 squashes a list of constants to its first: `IN ($1 /*, ... */)`.
  const sql = template.replace(SQUASHED_LIST, '');
  const tokens = tokenizeSql(sql);
  const found = placeholders(tokens);
  if (found.length === 0) return sql;
  const words = new Set(tokens.filter((t) => t.kind === 'word' || t.kind === 'quoted-identifier').map((t) => unquote(t).toLowerCase()));
  const values = new Map<number, string>();
  const wanted = new Map<TableSchema, Map<string, number[]>>();
  for (const placeholder of found) {
    const use = parameterUse(tokens, placeholder.at);
    if (!use) return null;
    if (use.kind === 'count') {
      values.set(placeholder.number, use.value);
      continue;
    }
    const table = tablesFor(use, schema, words)[0];
    if (!table) return null;
    const column = table.columns.find((c) => c.name.toLowerCase() === use.column.toLowerCase())!.name;
    const columns = wanted.get(table) ?? new Map<string, number[]>();
    columns.set(column, [...(columns.get(column) ?? []), placeholder.number]);
    wanted.set(table, columns);
  }
  for (const [table, columns] of wanted) {
    const row = await mostFrequentRow(db, table, [...columns.keys()], signal);
    if (row === null) return null;
    [...columns.values()].forEach((numbers, i) => numbers.forEach((n) => values.set(n, row[i]!)));
  }
  return substituteParameters(sql, values);
}

/** `$n` replaced by values.get(n) (SQL literals); a placeholder without a value stays. */
export function substituteParameters(sql: string, values: Map<number, string>): string {
  let filled = sql;
  for (const placeholder of placeholders(tokenizeSql(sql)).reverse()) {
    const value = values.get(placeholder.number);
    if (value !== undefined) filled = `${filled.slice(0, placeholder.start)}${value}${filled.slice(placeholder.end)}`;
  }
  return filled;
}

/** As string literals: Postgres gives an untyped literal the type of what it is compared with, and SQLite and DuckDB convert too. */
async function mostFrequentRow(db: Database, table: TableSchema, columns: string[], signal?: AbortSignal): Promise<string[] | null> {
  const quoted = columns.map(quoteIdentifier);
  const sql =
    `SELECT ${quoted.map((c) => `CAST(${c} AS TEXT)`).join(', ')} FROM ${quotedTableName(table)} ` +
    `WHERE ${quoted.map((c) => `${c} IS NOT NULL`).join(' AND ')} GROUP BY ${quoted.join(', ')} ORDER BY count(*) DESC, 1 LIMIT 1`;
  const outcome = await tryQuery(db, markInternal(sql), { maxRows: 1, signal });
  if (!outcome.ok || outcome.value.rows.length === 0) return null;
  return outcome.value.rows[0]!.map((value) => `'${String(value).replace(/'/g, "''")}'`);
}
