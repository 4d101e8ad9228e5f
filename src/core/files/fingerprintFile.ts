import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface FileFingerprint {
  path: string;
  size: number;
  sha256: string;
}

/** Files up to this size are hashed whole; larger ones (models) by their size, head and tail. */
const WHOLE_HASH_LIMIT = 256 * 1024 * 1024;
const EDGE_BYTES = 8 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** What a resumed run compares to learn whether an input changed in place. */
export function fingerprintFile(file: string): FileFingerprint {
  const path = resolve(file);
  const { size } = statSync(path);
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const ranges: [number, number][] = size <= WHOLE_HASH_LIMIT ? [[0, size]] : [[0, EDGE_BYTES], [size - EDGE_BYTES, size]];
    const buffer = Buffer.alloc(CHUNK);
    for (const [start, end] of ranges) {
      for (let at = start; at < end; ) {
        const read = readSync(fd, buffer, 0, Math.min(CHUNK, end - at), at);
        if (read === 0) break;
        hash.update(buffer.subarray(0, read));
        at += read;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { path, size, sha256: hash.digest('hex') };
}
