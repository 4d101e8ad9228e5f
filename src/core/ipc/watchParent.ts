import { Worker } from 'node:worker_threads';

/** Where ChildRpc tells a child its parent's pid, so a parent that died before the child started is noticed too. */
export const PARENT_PID_ENV = 'QUARRY_PARENT_PID';

const POLL_MS = 250;

/**
 * Ends this process when its parent goes, even while the main thread is held by native code (a
 * better-sqlite3 query, a DuckDB scan, a llama.cpp decode) and cannot hear the IPC channel close:
 * a thread of its own polls the parent's pid and kills the process when it changes (an orphan is
 * adopted by init or a subreaper). Without it, a killed CLI left a DuckDB worker at 97% CPU
 * holding the file's lock.
 */
export function watchParent(): void {
  const expected = Number(process.env[PARENT_PID_ENV]) || process.ppid;
  const source = `
    const { workerData } = require('node:worker_threads');
    const check = () => { if (process.ppid !== workerData.parent) process.kill(workerData.self, 'SIGKILL'); };
    check();
    setInterval(check, ${POLL_MS});
  `;
  const watcher = new Worker(source, { eval: true, workerData: { parent: expected, self: process.pid } });
  // The watcher never keeps the process alive, and its own failure must not end it.
  watcher.unref();
  watcher.on('error', () => undefined);
}
