import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { FileError } from './FileError';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

/**
 * `<target>.lock`, created exclusively: a second run writing the same output refuses instead of
 * interleaving with the first. A lock left by a process that no longer runs (killed, crashed) on
 * this machine is taken over.
 */
export class OutputLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(target: string, option: string): OutputLock {
    const path = `${target}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx');
        const owner: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
        writeSync(fd, JSON.stringify(owner));
        closeSync(fd);
        return new OutputLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const owner = readOwner(path);
        if (owner && isRunning(owner)) {
          throw new FileError(
            'output-locked',
            `${option} ${target} is being written by another Quarry run (pid ${owner.pid}, started ${owner.started}); wait for it, or give another path`,
          );
        }
        rmSync(path, { force: true });
      }
    }
    throw new FileError('output-locked', `${option} ${target}: could not take ${path}; delete it if no other Quarry run is writing there`);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(this.path, { force: true });
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
  } catch {
    // Being written this instant, or torn: treat as held, the safe side, unless it stays so.
    return null;
  }
}

function isRunning(owner: LockOwner): boolean {
  // A process on another machine (a shared folder) cannot be checked: its lock holds.
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
