import type { Dialect } from '../types/QueryResult';
import type { InstanceWriter, SchemaPlan } from './InstancePlan';

/**
 * How one database engine writes generated instances of a database: its schema planned from the
 * source, then files of the engine's own (so the source's dialect runs on them unchanged). Kept
 * here rather than in db/databaseEngines.ts because instances build on the database layer.
 */
export interface InstanceEngine {
  /** The instance files' extension. */
  readonly extension: string;
  plan(source: string, sampleRealValues: boolean): Promise<SchemaPlan>;
  create(path: string): Promise<InstanceWriter>;
}

// Each engine's native module loads on first use: a worker that evaluates SQLite starts faster without DuckDB's.
const INSTANCE_ENGINES: Record<Dialect, InstanceEngine | null> = {
  sqlite: {
    extension: 'sqlite',
    plan: async (source, sample) => (await import('./sqliteInstances.js')).planSqliteSchema(source, sample),
    create: async (path) => (await import('./sqliteInstances.js')).createSqliteInstance(path),
  },
  duckdb: {
    extension: 'duckdb',
    plan: async (source, sample) => (await import('./duckDbInstances.js')).planDuckDbSchema(source, sample),
    create: async (path) => (await import('./duckDbInstances.js')).createDuckDbInstance(path),
  },
  // A server's instances would be databases created on it, which a read-only tool must not do.
  postgres: null,
};

export function instanceEngineOf(dialect: Dialect): InstanceEngine | null {
  return INSTANCE_ENGINES[dialect];
}
