import type { DatabaseAdapter } from './DatabaseAdapter';
import { detectDialect } from './detectDialect';
import { DuckDbAdapter } from './DuckDbAdapter';
import { SqliteAdapter } from './SqliteAdapter';

export interface AdapterOptions {
  /** DuckDB's memory_limit for this connection, in MB. */
  memoryLimitMb: number;
}

export async function openAdapter(path: string, options: AdapterOptions): Promise<DatabaseAdapter> {
  return detectDialect(path) === 'sqlite' ? SqliteAdapter.open(path) : DuckDbAdapter.open(path, options.memoryLimitMb);
}
