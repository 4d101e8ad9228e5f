import { renameSync, rmSync, writeFileSync } from 'node:fs';

/** The file appears whole or not at all: a crash mid-write leaves the old one in place. */
export function writeAtomically(path: string, text: string | Uint8Array): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
