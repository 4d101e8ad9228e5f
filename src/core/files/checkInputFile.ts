import { realpathSync, statSync, type Stats } from 'node:fs';
import { FileError } from './FileError';

/** Folders of the kernel's own files: they look like regular files (a size of 0, or of all memory) but are not data. */
const SYSTEM_FOLDERS = ['/proc/', '/sys/', '/dev/'];

/**
 * Where a path really is when that is one of the kernel's folders (`/proc/self/mem` stats as a
 * regular file and fails on read with EIO); null for an ordinary file.
 */
export function systemFolderOf(path: string): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  return SYSTEM_FOLDERS.find((folder) => real.startsWith(folder))?.slice(0, -1) ?? null;
}

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
  const system = systemFolderOf(path);
  if (system) throw new FileError('bad-input', `${what} ${path} is a special file of the system (${system}), not a file of yours; give the file itself`);
}

export function describeFileKind(stat: Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isFile()) return 'an existing file';
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  return 'a device';
}
