import { statSync } from 'node:fs';
import { DbError } from './DbError';
import { describeFileKind, systemFolderOf } from '../files/checkInputFile';

/**
 * Stat only, never open: a missing file, a folder or a FIFO (whose open would wait for a writer
 * forever) is refused with its own words. Safe in any process: opening and closing a file would
 * drop every POSIX lock this process holds on it, a DuckDB writer's included.
 */
export function checkDatabaseFile(path: string): void {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new DbError('file-missing', `database file not found: ${path}`);
  }
  if (!stat.isFile()) throw new DbError('not-a-database', `${path} is ${describeFileKind(stat)}, not a database file`);
  const system = systemFolderOf(path);
  if (system) throw new DbError('not-a-database', `${path} is a special file of the system (${system}), not a database file`);
}
