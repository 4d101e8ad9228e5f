import { join } from 'node:path';
import type { InstanceWriter, SchemaPlan } from './InstancePlan';
import type { InstanceOptions } from '../types/InstanceOptions';
import { columnsOf, generateRows } from './InstancePlan';
import { mulberry32 } from '../util/seededRandom';
import { instanceEngineOf } from './instanceEngines';
import { describeTarget, detectDialect } from '../db/databaseEngines';
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
  const engine = instanceEngineOf(detectDialect(sourcePath));
  if (!engine) {
    throw new DbError('refused', `generated database instances are made from SQLite and DuckDB files; ${describeTarget(sourcePath)} is a server (evaluate there without instances)`);
  }
  const plan = await engine.plan(sourcePath, options.sampleRealValues ?? true);
  const random = mulberry32(options.seed ?? 1);
  const paths: string[] = [];
  for (let k = 0; k < options.count; k++) {
    const path = join(options.directory, `instance-${k}.${engine.extension}`);
    const writer = await engine.create(path);
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
