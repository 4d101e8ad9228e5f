import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { tokenizeSql } from '../sql/tokenizeSql';

/**
 * Extra database instances for the strict mode, after the test-suite idea (Zhong et al., 2020):
 * the same tables, filled with rows that respect types, primary keys and foreign keys, and seeded
 * with the literals the queries use so that their filters select something. A wrong query that
 * happens to give the right answer on the real database rarely does so on all of these too.
 */
export interface Literals {
  strings: string[];
  numbers: number[];
}

export interface InstanceOptions {
  count: number;
  directory: string;
  literals: Literals;
  rowsPerTable?: number;
  seed?: number;
  /** false: draw no values from the source's rows (schema-only mode); only literals and random values. */
  sampleRealValues?: boolean;
}

interface ColumnPlan {
  name: string;
  text: boolean;
  integer: boolean;
  rowidKey: boolean;
  notNull: boolean;
  samples: unknown[];
  reference: { table: string; column: string } | null;
}

interface TablePlan {
  name: string;
  ddl: string;
  columns: ColumnPlan[];
}

const DEFAULT_ROWS = 30;

/** String and number literals of queries: LIKE patterns without their wildcards. */
export function extractLiterals(queries: string[]): Literals {
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const sql of queries) {
    for (const token of tokenizeSql(sql)) {
      if (token.kind === 'string' && token.text.startsWith("'")) strings.add(token.text.slice(1, -1).replace(/''/g, "'").replace(/^%|%$/g, ''));
      if (token.kind === 'quoted-identifier' && token.text.startsWith('"')) strings.add(token.text.slice(1, -1).replace(/^%|%$/g, ''));
      if (token.kind === 'number' && Number.isFinite(Number(token.text))) numbers.add(Number(token.text));
    }
  }
  return { strings: [...strings].filter(Boolean), numbers: [...numbers] };
}

/** Writes `count` instances of a SQLite database's schema into `directory`; returns their paths. */
export function generateInstances(sourcePath: string, options: InstanceOptions): string[] {
  const plans = planTables(sourcePath, options.sampleRealValues ?? true);
  const random = mulberry32(options.seed ?? 1);
  const paths: string[] = [];
  for (let k = 0; k < options.count; k++) {
    const path = join(options.directory, `instance-${k}.sqlite`);
    const db = new BetterSqlite3(path);
    try {
      // Foreign keys are filled from parent rows by hand: many real schemas (Spider's among them)
      // declare keys SQLite would reject at insert time ("foreign key mismatch"), so it does not check them.
      db.exec('PRAGMA foreign_keys = OFF; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN');
      const generated = new Map<string, Map<string, unknown[]>>();
      for (const table of plans) {
        db.exec(table.ddl);
        fillTable(db, table, generated, options, random);
      }
      db.exec('COMMIT');
    } finally {
      db.close();
    }
    paths.push(path);
  }
  return paths;
}

function planTables(sourcePath: string, sampleRealValues: boolean): TablePlan[] {
  const source = new BetterSqlite3(sourcePath, { readonly: true, fileMustExist: true });
  try {
    const tables = source
      .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND sql IS NOT NULL ORDER BY rowid")
      .all() as { name: string; sql: string }[];
    const plans = tables.map(({ name, sql }) => {
      const info = source.prepare('SELECT name, type, "notnull" AS "notNull", pk FROM pragma_table_info(?)').all(name) as {
        name: string;
        type: string;
        notNull: number;
        pk: number;
      }[];
      const keys = source.prepare('SELECT "from" AS col, "table" AS refTable, "to" AS refCol FROM pragma_foreign_key_list(?)').all(name) as {
        col: string;
        refTable: string;
        refCol: string | null;
      }[];
      const singleKey = info.filter((c) => c.pk > 0).length === 1;
      const columns = info.map((c): ColumnPlan => {
        const type = c.type.toUpperCase();
        const fk = keys.find((k) => k.col === c.name);
        const refColumn = fk ? (fk.refCol ?? primaryKeyOf(source, fk.refTable)) : null;
        return {
          name: c.name,
          text: /CHAR|CLOB|TEXT/.test(type) || type === '',
          integer: type.includes('INT'),
          rowidKey: singleKey && c.pk > 0 && type.includes('INT'),
          notNull: c.notNull === 1 || c.pk > 0,
          samples: sampleRealValues
            ? source.prepare(`SELECT DISTINCT ${quote(c.name)} FROM ${quote(name)} WHERE ${quote(c.name)} IS NOT NULL LIMIT 50`).pluck().all()
            : [],
          reference: fk && refColumn ? { table: fk.refTable, column: refColumn } : null,
        };
      });
      return { name, ddl: sql, columns };
    });
    return orderByReferences(plans);
  } finally {
    source.close();
  }
}

function primaryKeyOf(db: BetterSqlite3.Database, table: string): string | null {
  const row = db.prepare('SELECT name FROM pragma_table_info(?) WHERE pk = 1').pluck().get(table) as string | undefined;
  return row ?? null;
}

/** Referenced tables first, so foreign keys can point at rows that exist; cycles keep catalog order. */
function orderByReferences(plans: TablePlan[]): TablePlan[] {
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

function fillTable(
  db: BetterSqlite3.Database,
  table: TablePlan,
  generated: Map<string, Map<string, unknown[]>>,
  options: InstanceOptions,
  random: () => number,
): void {
  const rows = options.rowsPerTable ?? DEFAULT_ROWS;
  const insert = db.prepare(
    `INSERT OR IGNORE INTO ${quote(table.name)} (${table.columns.map((c) => quote(c.name)).join(', ')}) VALUES (${table.columns.map(() => '?').join(', ')})`,
  );
  const values = new Map<string, unknown[]>(table.columns.map((c) => [c.name, []]));
  for (let r = 0; r < rows; r++) {
    const row = table.columns.map((column) => valueFor(column, r, generated, options.literals, random));
    if (insert.run(...row).changes > 0) table.columns.forEach((c, i) => values.get(c.name)!.push(row[i]));
  }
  generated.set(table.name.toLowerCase(), values);
}

function valueFor(
  column: ColumnPlan,
  row: number,
  generated: Map<string, Map<string, unknown[]>>,
  literals: Literals,
  random: () => number,
): unknown {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  if (column.rowidKey) return row + 1;
  if (column.reference) {
    const parent = generated.get(column.reference.table.toLowerCase())?.get(column.reference.column);
    if (parent?.length) return pick(parent);
  }
  if (!column.notNull && random() < 0.05) return null;
  const roll = random();
  if (column.text) {
    // Numbers compared with a text column (Year = 2014) are literals for it too.
    const texts = [...literals.strings, ...literals.numbers.map(String)];
    if (roll < 0.3 && texts.length) return pick(texts);
    if (roll < 0.85 && column.samples.length) return pick(column.samples);
    return `v${Math.floor(random() * 1000)}`;
  }
  const numericSamples = column.samples.filter((v): v is number => typeof v === 'number');
  if (roll < 0.3 && literals.numbers.length) {
    const base = pick(literals.numbers)!;
    return column.integer ? Math.round(base) + pick([-1, 0, 0, 1])! : base;
  }
  if (roll < 0.85 && column.samples.length) return pick(column.samples);
  const low = numericSamples.length ? Math.min(...numericSamples) : 0;
  const high = numericSamples.length ? Math.max(...numericSamples) : 100;
  const value = low + random() * (high - low);
  return column.integer ? Math.round(value) : Math.round(value * 100) / 100;
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A small seeded generator: the same seed gives the same instances. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
