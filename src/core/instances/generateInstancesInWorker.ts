import { defaultWorkerScript, unwrap } from '../db/IsolatedDatabase';
import { ChildRpc } from '../ipc/ChildRpc';
import { DB_WORKER_ABORT_POLICIES, type DbWorkerMethods } from '../protocol/dbWorkerMethods';
import type { InstanceOptions } from '../types/InstanceOptions';

/** Generating a large database's instances takes a while; a stuck one should not hang an evaluation. */
const GENERATE_TIMEOUT_MS = 10 * 60_000;

/**
 * generateInstances in a database worker process: the engines' native code (and its memory) stays
 * out of the editor's extension host and the CLI, as it does for queries.
 */
export async function generateInstancesInWorker(
  source: string,
  options: InstanceOptions,
  worker: { workerScript?: string; signal?: AbortSignal } = {},
): Promise<string[]> {
  const rpc = ChildRpc.spawn<DbWorkerMethods>(worker.workerScript ?? defaultWorkerScript(), 'database worker', DB_WORKER_ABORT_POLICIES);
  try {
    return unwrap(await rpc.request('generateInstances', { source, options }, { timeoutMs: GENERATE_TIMEOUT_MS, signal: worker.signal })).paths;
  } finally {
    rpc.dispose();
  }
}
