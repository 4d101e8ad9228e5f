import { join } from 'node:path';
import type { InstanceWriter, SchemaPlan } from './InstancePlan';
import type { InstanceOptions } from '../types/InstanceOptions';
import { columnsOf, generateRows } from './InstancePlan';
import { mulberry32 } from '../util/seededRandom';
import { createSqliteInstance, planSqliteSchema } from './sqliteInstances';
import { detectDialect, engineFor } from '../db/databaseEngines';
import { DbError } from '../db/DbError';

/**
 * Extra database instances for the strict mode, after the test-suite idea (Zhong et al., 2020):
 * the same tables, filled with rows that respect types, primary keys and foreign keys, and seeded
 * with the literals the queries use so that their filters select something. A wrong query that
 * happens to give the right answer on the real database rarely does so on all of these too.
 * The instances are files of the source's engine, so queries in its dialect run on them unchanged.
 */

const DEFAULT_ROWS = 30;

/** Writes `count` instances of a SQLite or DuckDB database's schema into `directory`; returns their paths. */
export async function generateInstances(sourcePath: string, options: InstanceOptions): Promise<string[]> {
  const dialect = detectDialect(sourcePath);
  if (dialect === 'postgres') {
    throw new DbError('refused', `generated database instances are made from SQLite and DuckDB files; ${engineFor(sourcePath).describe(sourcePath)} is a PostgreSQL server (evaluate there without instances)`);
  }
  const duckdb = dialect === 'duckdb';
  // DuckDB's native module loads only for DuckDB: a worker that evaluates SQLite starts faster without it.
  const duck = duckdb ? await import('./duckDbInstances.js') : null;
  const plan = duck ? await duck.planDuckDbSchema(sourcePath, options.sampleRealValues ?? true) : planSqliteSchema(sourcePath, options.sampleRealValues ?? true);
  const random = mulberry32(options.seed ?? 1);
  const paths: string[] = [];
  for (let k = 0; k < options.count; k++) {
    const path = join(options.directory, `instance-${k}.${duckdb ? 'duckdb' : 'sqlite'}`);
    const writer = duck ? await duck.createDuckDbInstance(path) : createSqliteInstance(path);
    try {
      await fillInstance(writer, plan, options, random);
    } finally {
      writer.dispose();
    }
    paths.push(path);
  }
  return paths;
}

async function fillInstance(writer: InstanceWriter, plan: SchemaPlan, options: InstanceOptions, random: () => number): Promise<void> {
  for (const statement of plan.setup) await writer.run(statement);
  const generated = new Map<string, Map<string, unknown[]>>();
  for (const table of plan.tables) {
    await writer.run(table.ddl);
    const rows = generateRows(table, options.rowsPerTable ?? DEFAULT_ROWS, generated, options.literals, random);
    generated.set(table.name.toLowerCase(), columnsOf(table, await writer.insert(table, rows)));
  }
  for (const view of plan.views) {
    try {
      await writer.run(view);
    } catch {
      // A view over something the instance lacks (another schema, an extension) is left out; queries on it fail there and are skipped.
    }
  }
  await writer.finish();
}
