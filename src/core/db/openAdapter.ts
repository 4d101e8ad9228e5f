import type { DatabaseAdapter } from './DatabaseAdapter';
import { detectDialect } from './detectDialect';
import { SqliteAdapter } from './SqliteAdapter';

export interface AdapterOptions {
  /** DuckDB's memory_limit for this connection, in MB. */
  memoryLimitMb: number;
}

export async function openAdapter(path: string, options: AdapterOptions): Promise<DatabaseAdapter> {
  if (detectDialect(path) === 'sqlite') return SqliteAdapter.open(path);
  // Loaded on first use: DuckDB's native module takes longer to load than a SQLite worker takes to start.
  const { DuckDbAdapter } = await import('./DuckDbAdapter.js');
  return DuckDbAdapter.open(path, options.memoryLimitMb);
}
