import { closeSync, openSync, readSync } from 'node:fs';

/** Whether a file's first bytes match `start`: how Quarry knows an output it wrote itself (and may replace). */
export function startsLike(path: string, start: RegExp): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(256);
    return start.test(head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}
