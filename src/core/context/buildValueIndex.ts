import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database } from '../db/Database';
import { writeAtomically } from '../files/writeAtomically';
import { quotedTableName, quoteIdentifier } from '../sql/quoteIdentifier';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import { qualifiedName } from './SchemaIndex';
import { DEFAULT_VALUE_INDEX_LIMITS, ValueIndex, type IndexedColumn, type ValueIndexData, type ValueIndexLimits } from './ValueIndex';

/** Column types whose values are text a question may name. SQLite columns may have no type at all. */
const TEXT_TYPE = /char|text|string|clob|enum|citext|name|uuid|^$/i;

export interface ValueIndexProgress {
  done: number;
  total: number;
  values: number;
}

export interface BuildValueIndexOptions {
  limits?: Partial<ValueIndexLimits>;
  signal?: AbortSignal;
  onProgress?: (progress: ValueIndexProgress) => void;
  /** Per column query (default 10 s): a slow column is skipped, not waited on. */
  timeoutMs?: number;
}

/** The schema's shape and sizes: a change to any table, column, type or row count means the index must be read again. */
export function schemaFingerprint(schema: DatabaseSchema): string {
  const shape = schema.tables.map((t) => [qualifiedName(t), t.rowCount, t.columns.map((c) => [c.name, c.type])]);
  return createHash('sha256').update(JSON.stringify([schema.dialect, shape])).digest('hex').slice(0, 32);
}

/**
 * Reads each text column's distinct values, up to the per-column bound and, for the whole
 * database, the per-database bound (where it stops, and says so in `stoppedAtBound`). Never called
 * in schema-only mode: the caller owns that rule, since this reads rows by design.
 */
export async function buildValueIndex(db: Database, schema: DatabaseSchema, options: BuildValueIndexOptions = {}): Promise<ValueIndexData> {
  const limits = { ...DEFAULT_VALUE_INDEX_LIMITS, ...options.limits };
  const started = performance.now();
  const targets = schema.tables.filter((t) => t.kind === 'table').flatMap((table) => table.columns.filter((c) => TEXT_TYPE.test(c.type)).map((column) => ({ table, column })));
  const columns: IndexedColumn[] = [];
  let values = 0;
  let stoppedAtBound: ValueIndexData['stoppedAtBound'];
  for (let i = 0; i < targets.length; i++) {
    options.signal?.throwIfAborted();
    const { table, column } = targets[i]!;
    const room = limits.perDatabase - values;
    if (room <= 0) {
      stoppedAtBound = { columnsLeft: targets.length - i };
      break;
    }
    const want = Math.min(limits.perColumn, room);
    const name = quoteIdentifier(column.name);
    let read: string[];
    try {
      const result = await db.query(`SELECT DISTINCT ${name} FROM ${quotedTableName(table)} WHERE ${name} IS NOT NULL LIMIT ${want + 1}`, {
        maxRows: want + 1,
        timeoutMs: options.timeoutMs ?? 10_000,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      read = result.rows.map((row) => row[0]).filter((v): v is string => typeof v === 'string');
    } catch (error) {
      if (options.signal?.aborted) throw error;
      read = [];
    }
    const truncated = read.length > want;
    const kept = read.slice(0, want).filter((v) => v.trim() !== '' && v.length <= limits.maxValueLength);
    if (truncated && want < limits.perColumn) stoppedAtBound = { columnsLeft: targets.length - i - 1 };
    if (kept.length > 0) columns.push({ table: qualifiedName(table), column: column.name, values: kept, truncated });
    values += kept.length;
    options.onProgress?.({ done: i + 1, total: targets.length, values });
    if (stoppedAtBound) break;
  }
  return { fingerprint: schemaFingerprint(schema), limits, columns, ...(stoppedAtBound ? { stoppedAtBound } : {}), buildMs: performance.now() - started };
}

/**
 * The value index of a database from its cache file when that was built for the same schema and
 * limits, else built and written there (atomically): built once per connection, rebuilt when the
 * schema changes.
 */
export async function loadOrBuildValueIndex(
  db: Database,
  schema: DatabaseSchema,
  cacheFile: string | undefined,
  options: BuildValueIndexOptions = {},
): Promise<{ index: ValueIndex; cached: boolean }> {
  const limits = { ...DEFAULT_VALUE_INDEX_LIMITS, ...options.limits };
  const fingerprint = schemaFingerprint(schema);
  if (cacheFile && existsSync(cacheFile)) {
    try {
      const data = JSON.parse(readFileSync(cacheFile, 'utf8')) as ValueIndexData;
      if (data.fingerprint === fingerprint && JSON.stringify(data.limits) === JSON.stringify(limits) && Array.isArray(data.columns)) return { index: new ValueIndex(data), cached: true };
    } catch {
      // A cache that cannot be read is rebuilt, like a stale one.
    }
  }
  const data = await buildValueIndex(db, schema, { ...options, limits });
  if (cacheFile) {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeAtomically(cacheFile, JSON.stringify(data));
  }
  return { index: new ValueIndex(data), cached: false };
}
