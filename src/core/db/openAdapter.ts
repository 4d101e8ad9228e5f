import type { DatabaseAdapter } from './DatabaseAdapter';
import type { AdapterOptions } from './DatabaseEngine';
import { engineFor } from './databaseEngines';

export async function openAdapter(target: string, options: AdapterOptions): Promise<DatabaseAdapter> {
  return engineFor(target).open(target, options);
}
