import { statSync, type Stats } from 'node:fs';
import { FileError } from './FileError';

/**
 * An input must be a regular file: opening a FIFO for reading waits for a writer that may never
 * come, and a device or folder is never what the user meant.
 */
export function checkInputFile(path: string, what: string): void {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    throw new FileError('bad-input', `${what} not found: ${path}`);
  }
  if (!stat.isFile()) throw new FileError('bad-input', `${what} ${path} is ${describeFileKind(stat)}, not a regular file; give the file itself`);
}

export function describeFileKind(stat: Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFile()) return 'an existing file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  return 'a device';
}
