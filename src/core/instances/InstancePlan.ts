import type { Literals } from '../types/InstanceOptions';

/**
 * What an instance generator needs to know of a source database, whatever its engine: the statements
 * that recreate its schema, and per column the kind of value it takes, its bounds, keys and samples.
 */
export type ValueKind = 'integer' | 'real' | 'text' | 'boolean' | 'date' | 'timestamp' | 'time' | 'uuid' | 'opaque';

export interface ColumnPlan {
  name: string;
  kind: ValueKind;
  /** Inclusive bounds for typed engines (TINYINT, DECIMAL(4,1)); a value outside would fail the insert. */
  bounds: [number, number] | null;
  /** An ENUM's labels: the only values the column takes. */
  choices: string[] | null;
  /** The table's only key column, an integer: numbered 1, 2, 3… so keys never collide. */
  sequentialKey: boolean;
  notNull: boolean;
  /** Values from the source's rows (none in schema-only mode): numbers for numeric kinds, text otherwise. */
  samples: unknown[];
  reference: { table: string; column: string } | null;
}

export interface TablePlan {
  name: string;
  ddl: string;
  columns: ColumnPlan[];
  /** Primary key and UNIQUE column sets: rows that would repeat one are not generated. */
  uniqueKeys: string[][];
}

export interface SchemaPlan {
  /** Run before the tables (DuckDB sequences that column defaults name). */
  setup: string[];
  /** Referenced tables first. */
  tables: TablePlan[];
  views: string[];
}

/** A new database file being filled; `insert` returns the rows that went in. */
export interface InstanceWriter {
  run(sql: string): Promise<void>;
  insert(table: TablePlan, rows: unknown[][]): Promise<unknown[][]>;
  finish(): Promise<void>;
  dispose(): void;
}

/** The rows an instance writer could insert, by column name, so foreign keys can point at them. */
export type GeneratedColumns = Map<string, Map<string, unknown[]>>;

/** Referenced tables first, so foreign keys can point at rows that exist; cycles keep catalog order. */
export function orderByReferences(plans: TablePlan[]): TablePlan[] {
  const ordered: TablePlan[] = [];
  const visiting = new Set<string>();
  const byName = new Map(plans.map((p) => [p.name.toLowerCase(), p]));
  const visit = (plan: TablePlan) => {
    if (ordered.includes(plan) || visiting.has(plan.name)) return;
    visiting.add(plan.name);
    for (const column of plan.columns) {
      const target = column.reference && byName.get(column.reference.table.toLowerCase());
      if (target && target !== plan) visit(target);
    }
    ordered.push(plan);
  };
  plans.forEach(visit);
  return ordered;
}

/** Up to `count` rows for one table; a row that would repeat a unique key is left out, as INSERT OR IGNORE would. */
export function generateRows(table: TablePlan, count: number, generated: GeneratedColumns, literals: Literals, random: () => number): unknown[][] {
  const seen = table.uniqueKeys.map(() => new Set<string>());
  const keyIndexes = table.uniqueKeys.map((key) => key.map((name) => table.columns.findIndex((c) => c.name === name)));
  const rows: unknown[][] = [];
  for (let r = 0; r < count; r++) {
    const row = table.columns.map((column) => valueFor(column, r, generated, literals, random));
    const keys = keyIndexes.map((indexes) => (indexes.some((i) => i < 0 || row[i] === null) ? null : JSON.stringify(indexes.map((i) => row[i]))));
    if (keys.some((key, k) => key !== null && seen[k]!.has(key))) continue;
    keys.forEach((key, k) => key !== null && seen[k]!.add(key));
    rows.push(row);
  }
  return rows;
}

export function columnsOf(table: TablePlan, rows: unknown[][]): Map<string, unknown[]> {
  return new Map(table.columns.map((column, i) => [column.name, rows.map((row) => row[i])]));
}

function valueFor(column: ColumnPlan, row: number, generated: GeneratedColumns, literals: Literals, random: () => number): unknown {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  if (column.sequentialKey) return row + 1;
  if (column.reference) {
    const parent = generated.get(column.reference.table.toLowerCase())?.get(column.reference.column)?.filter((v) => v !== null);
    if (parent?.length) return pick(parent);
  }
  if (!column.notNull && random() < 0.05) return null;
  const roll = random();
  const fromLiterals = literalsFor(column, literals);
  if (roll < 0.3 && fromLiterals.length) return pick(fromLiterals);
  if (roll < 0.85 && column.samples.length) return pick(column.samples);
  return randomValue(column, random);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/;
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The query literals this column could hold, so that filters on it select rows. */
function literalsFor(column: ColumnPlan, literals: Literals): unknown[] {
  switch (column.kind) {
    // Numbers compared with a text column (Year = 2014) are literals for it too.
    case 'text':
      return [...literals.strings, ...literals.numbers.map(String)].filter((s) => !column.choices || column.choices.includes(s));
    case 'integer':
      // Near the literal as well as on it, so that both sides of a comparison have rows.
      return literals.numbers.flatMap((n) => [Math.round(n) - 1, Math.round(n), Math.round(n), Math.round(n) + 1]).filter((n) => within(column, n));
    case 'real':
      return literals.numbers.filter((n) => within(column, n));
    case 'date':
      return literals.strings.filter((s) => DATE.test(s));
    case 'timestamp':
      return literals.strings.filter((s) => TIMESTAMP.test(s));
    case 'time':
      return literals.strings.filter((s) => TIME.test(s));
    case 'boolean':
      return [true, false];
    case 'uuid':
    case 'opaque':
      return [];
  }
}

function randomValue(column: ColumnPlan, random: () => number): unknown {
  if (column.choices?.length) return column.choices[Math.floor(random() * column.choices.length)];
  const two = (n: number) => String(n).padStart(2, '0');
  const date = () => `${2000 + Math.floor(random() * 30)}-${two(1 + Math.floor(random() * 12))}-${two(1 + Math.floor(random() * 28))}`;
  const time = () => `${two(Math.floor(random() * 24))}:${two(Math.floor(random() * 60))}:${two(Math.floor(random() * 60))}`;
  switch (column.kind) {
    case 'text':
      return `v${Math.floor(random() * 1000)}`;
    case 'integer':
    case 'real':
      return randomNumber(column, random);
    case 'boolean':
      return random() < 0.5;
    case 'date':
      return date();
    case 'timestamp':
      return `${date()} ${time()}`;
    case 'time':
      return time();
    case 'uuid':
      return [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('')).join('-');
    case 'opaque':
      return null;
  }
}

/** Within the range of the real values when there are some, else a small range the column's type can hold. */
function randomNumber(column: ColumnPlan, random: () => number): number {
  const numbers = column.samples.filter((v): v is number => typeof v === 'number');
  const [low, high] = numbers.length ? [Math.min(...numbers), Math.max(...numbers)] : [Math.max(0, column.bounds?.[0] ?? 0), Math.min(100, column.bounds?.[1] ?? 100)];
  const value = low + random() * (high - low);
  return column.kind === 'integer' ? Math.round(value) : Math.round(value * 100) / 100;
}

function within(column: ColumnPlan, n: number): boolean {
  return !column.bounds || (n >= column.bounds[0] && n <= column.bounds[1]);
}
