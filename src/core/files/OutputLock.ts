import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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
        if (owner === null ? isFresh(path) : isRunning(owner)) {
          throw new FileError(
            'output-locked',
            `${option} ${target} is being written by another Quarry run${owner ? ` (pid ${owner.pid}, started ${owner.started})` : ''}; wait for it, or give another path`,
          );
        }
        // Only a lock Quarry wrote, whose run is gone, is taken over; anything else at that path is somebody's file.
        if (owner === null) {
          throw new FileError('output-locked', `${option} ${target}: ${path} exists and is not a lock Quarry wrote; delete it if nothing is writing there, or give another path`);
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

/** How long a lock whose owner cannot be read yet (created, not yet written) counts as held. */
const UNREADABLE_LOCK_GRACE_MS = 5000;

/** The owner a lock Quarry wrote names; null for anything else (not yet written, or not Quarry's). */
function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner> | null;
    const ours = owner !== null && typeof owner === 'object' && Number.isInteger(owner.pid) && typeof owner.host === 'string' && typeof owner.started === 'string';
    return ours ? (owner as LockOwner) : null;
  } catch {
    return null;
  }
}

/** A lock with no readable owner is another run's that has not written it yet, unless it stays so. */
function isFresh(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < UNREADABLE_LOCK_GRACE_MS;
  } catch {
    return false;
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
