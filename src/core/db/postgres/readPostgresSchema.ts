import type { ColumnSchema, DatabaseSchema, ForeignKeySchema, SchemaOptions, TableSchema } from '../../types/DatabaseSchema';
import { exampleText, mostFrequentValues } from '../../schema/exampleValuesSql';
import { quotedTableName, quoteIdentifier } from '../../sql/quoteIdentifier';
import { callableNames } from '../callableNames';
import { isRefusedFunction } from './routineSafety';

/** Runs one catalog query; every value comes back as Postgres's text. */
export type CatalogQuery = (sql: string, params?: unknown[]) => Promise<(string | null)[][]>;

/** Rows read per table for example values: a large table is sampled down to about this many first. */
const SAMPLE_ROWS = 1000;
/** Tables of up to this many pages (8 kB each) are counted exactly when Postgres has no statistics for them yet. */
const COUNT_UNANALYZED_PAGES = 1280;
const TABLES_PER_QUERY = 50;

interface CatalogTable {
  table: TableSchema;
  oid: string;
  /** pg_class.reltuples: -1 when the table was never vacuumed or analyzed (Postgres 14+). */
  estimate: number;
  pages: number;
  attnums: Map<string, ColumnSchema>;
  /** Columns whose values are text (string and enum type categories): the ones given example values. */
  textColumns: ColumnSchema[];
}

/** The user's namespaces: every one but the system's, temporary and TOAST ones. */
const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'`;

/**
 * Tables, views, materialized views and foreign tables the user may read, in every namespace of
 * theirs (`public` first), with columns, keys, COMMENT ON text, and rows as pg_class estimates them
 * (exact counts on request); objects an extension created (pg_stat_statements' view) are left out.
 */
export async function readPostgresSchema(query: CatalogQuery, options: Required<SchemaOptions>): Promise<DatabaseSchema> {
  const tables = await readTables(query);
  await readColumns(query, tables);
  await readConstraints(query, tables);
  await addRowCounts(query, tables, options.exactCounts);
  if (options.sampleValues > 0) await addExamples(query, tables, options);
  return { dialect: 'postgres', tables: tables.map((t) => t.table), functions: await functionNames(query) };
}

async function readTables(query: CatalogQuery): Promise<CatalogTable[]> {
  const rows = await query(
    `SELECT c.oid::int8::text, n.nspname, c.relname, c.relkind::text, c.reltuples::float8::text, c.relpages::text, obj_description(c.oid, 'pg_class')
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND NOT c.relispartition AND ${USER_NAMESPACE}
       AND has_table_privilege(c.oid, 'SELECT')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
     ORDER BY n.nspname <> 'public', n.nspname, c.oid`,
  );
  return rows.map(([oid, namespace, name, kind, estimate, pages, comment]) => {
    const table: TableSchema = { name: name!, kind: kind === 'v' || kind === 'm' ? 'view' : 'table', columns: [], foreignKeys: [], rowCount: null };
    if (namespace !== 'public') table.schema = namespace!;
    if (comment) table.comment = comment;
    return { table, oid: oid!, estimate: Number(estimate), pages: Number(pages), attnums: new Map(), textColumns: [] };
  });
}

async function readColumns(query: CatalogQuery, tables: CatalogTable[]): Promise<void> {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const rows = await query(
    `SELECT a.attrelid::int8::text, a.attnum::text, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
            col_description(a.attrelid, a.attnum), (t.typcategory IN ('S', 'E'))::text
     FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
     WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
     ORDER BY a.attrelid, a.attnum`,
    [[...byOid.keys()]],
  );
  for (const [oid, attnum, name, type, notNull, comment, textual] of rows) {
    const owner = byOid.get(oid!)!;
    const column: ColumnSchema = { name: name!, type: type!, primaryKey: false, notNull: notNull === 'true', examples: [] };
    if (comment) column.comment = comment;
    owner.table.columns.push(column);
    owner.attnums.set(attnum!, column);
    if (textual === 'true') owner.textColumns.push(column);
  }
}

async function readConstraints(query: CatalogQuery, tables: CatalogTable[]): Promise<void> {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const rows = await query(
    `SELECT c.conrelid::int8::text, c.contype::text, c.conkey::text[], c.confrelid::int8::text, c.confkey::text[], n.nspname, r.relname,
            (SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, i)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)::text[]
     FROM pg_constraint c LEFT JOIN pg_class r ON r.oid = c.confrelid LEFT JOIN pg_namespace n ON n.oid = r.relnamespace
     WHERE c.contype IN ('p', 'f') AND c.conrelid = ANY($1::oid[])
     ORDER BY c.conrelid, c.conname`,
    [[...byOid.keys()]],
  );
  for (const [oid, kind, keys, , , namespace, refName, refColumns] of rows) {
    const owner = byOid.get(oid!)!;
    const columns = parseTextArray(keys).map((attnum) => owner.attnums.get(attnum)!);
    if (kind === 'p') {
      for (const column of columns) column.primaryKey = true;
    } else {
      const foreignKey: ForeignKeySchema = { columns: columns.map((c) => c.name), refTable: refName!, refColumns: parseTextArray(refColumns) };
      if (namespace !== 'public') foreignKey.refSchema = namespace!;
      owner.table.foreignKeys.push(foreignKey);
    }
  }
}

/** `{a,b}` or `{"a b",c}` (how the raw text protocol gives text[]) to its elements. */
function parseTextArray(text: string | null | undefined): string[] {
  if (!text || text === '{}') return [];
  const items: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|([^,{}]+)/g;
  for (const match of text.slice(1, -1).matchAll(pattern)) items.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2]!);
  return items;
}

/**
 * pg_class.reltuples, kept up to date by autovacuum and ANALYZE, costs nothing to read; a table that
 * has no statistics yet is counted when small, and every table is counted when asked for.
 */
async function addRowCounts(query: CatalogQuery, tables: CatalogTable[], exact: boolean): Promise<void> {
  const toCount: CatalogTable[] = [];
  for (const entry of tables) {
    if (entry.table.kind === 'view' && entry.pages === 0) continue;
    if (!exact && entry.estimate >= 0) {
      entry.table.rowCount = Math.round(entry.estimate);
      entry.table.rowCountEstimated = true;
    } else if (exact || entry.pages <= COUNT_UNANALYZED_PAGES) {
      toCount.push(entry);
    }
  }
  for (let start = 0; start < toCount.length; start += TABLES_PER_QUERY) {
    const batch = toCount.slice(start, start + TABLES_PER_QUERY);
    const sql = batch.map((entry, i) => `SELECT ${i}, count(*)::text FROM ${fullyQualified(entry.table)}`).join('\nUNION ALL\n');
    for (const [i, count] of await query(sql)) {
      const table = batch[Number(i)]!.table;
      table.rowCount = Number(count);
      delete table.rowCountEstimated;
    }
  }
}

/**
 * A table's example values come from at most about SAMPLE_ROWS rows: all of a small table's,
 * a large one's through TABLESAMPLE SYSTEM (whole pages, REPEATABLE so prompts stay the same),
 * so reading a large table costs no more than a small one. Many tables share one query.
 */
async function addExamples(query: CatalogQuery, tables: CatalogTable[], options: Required<SchemaOptions>): Promise<void> {
  const sampled = tables.filter((t) => t.table.kind === 'table' && t.textColumns.length > 0);
  for (let start = 0; start < sampled.length; start += TABLES_PER_QUERY) {
    const batch = sampled.slice(start, start + TABLES_PER_QUERY);
    const branches = batch.map((entry, i) => {
      const columns = entry.textColumns.map((c) => `${quoteIdentifier(c.name)}::text`);
      // Whole pages, about four times the rows wanted: a table's rows are not spread evenly over them.
      const percent = entry.estimate > SAMPLE_ROWS ? Math.min(100, (100 * 4 * SAMPLE_ROWS) / entry.estimate) : null;
      const sample = percent === null ? '' : ` TABLESAMPLE SYSTEM (${percent.toFixed(6)}) REPEATABLE (0)`;
      return `(SELECT ${i} AS t, to_json(ARRAY[${columns.join(', ')}])::text AS vs FROM ${fullyQualified(entry.table)}${sample} LIMIT ${SAMPLE_ROWS})`;
    });
    const valuesByTable = batch.map((entry) => entry.textColumns.map(() => [] as string[]));
    for (const [t, vs] of await query(branches.join('\nUNION ALL\n'))) {
      (JSON.parse(vs!) as (string | null)[]).forEach((value, c) => {
        if (value !== null && value.trim() !== '') valuesByTable[Number(t)]![c]!.push(value);
      });
    }
    batch.forEach((entry, t) =>
      entry.textColumns.forEach((column, c) => {
        column.examples = mostFrequentValues(valuesByTable[t]![c]!, options.sampleValues).map((v) => exampleText(v, options.maxValueLength));
      }),
    );
  }
}

/**
 * Functions a query may call: pg_catalog's and the user's, without the refused ones and without
 * the ones only the server calls (type input/output, triggers, handlers: internal or cstring types).
 */
async function functionNames(query: CatalogQuery): Promise<string[]> {
  const rows = await query(
    `SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE (n.nspname = 'pg_catalog' OR ${USER_NAMESPACE}) AND p.prokind IN ('f', 'a', 'w')
       AND p.prorettype NOT IN ('internal'::regtype, 'cstring'::regtype, 'trigger'::regtype, 'event_trigger'::regtype,
                                'language_handler'::regtype, 'fdw_handler'::regtype, 'index_am_handler'::regtype,
                                'tsm_handler'::regtype, 'table_am_handler'::regtype)
       AND NOT ('internal'::regtype = ANY(p.proargtypes::oid[]) OR 'cstring'::regtype = ANY(p.proargtypes::oid[]))`,
  );
  return callableNames(rows.map(([name]) => name!.toLowerCase()).filter((name) => !isRefusedFunction(name)));
}

/** Qualified even in `public`: a user's search_path may put another schema's table of that name first. */
function fullyQualified(table: TableSchema): string {
  return quotedTableName({ name: table.name, schema: table.schema ?? 'public' });
}
