import type { DatabaseAdapter } from './DatabaseAdapter';
import { detectDialect } from './detectDialect';
import { DuckDbAdapter } from './DuckDbAdapter';
import { SqliteAdapter } from './SqliteAdapter';

export async function openAdapter(path: string): Promise<DatabaseAdapter> {
  return detectDialect(path) === 'sqlite' ? SqliteAdapter.open(path) : DuckDbAdapter.open(path);
}
