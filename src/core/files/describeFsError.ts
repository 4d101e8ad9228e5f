/**
 * A file-system failure in words that name the real cause: Node's own message for a write into a
 * read-only folder can read "ENOENT", which sends the user looking for a missing file.
 */
export function describeFsError(error: unknown, folder: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `no permission to write in ${folder} (${code}); choose a folder you can write to`;
    case 'EROFS':
      return `${folder} is on a read-only file system (EROFS); choose a folder on a writable disk`;
    case 'ENOSPC':
    case 'EDQUOT':
      return `no space left on the disk that holds ${folder} (${code}); free some space or choose another disk`;
    case 'ENOENT':
      return `${folder} does not accept new files (ENOENT: a virtual file system such as /proc?); choose an ordinary folder`;
    case 'ENOTDIR':
      return `${folder} is not a folder (ENOTDIR)`;
    default:
      return `cannot write in ${folder}: ${(error as Error)?.message ?? String(error)}`;
  }
}
