import { defaultWorkerScript } from '../db/IsolatedDatabase';
import { ChildRpc } from '../ipc/ChildRpc';
import { DB_WORKER_ABORT_POLICIES, type DbWorkerMethods, type EvalItem, type EvalItemVerdict } from '../protocol/dbWorkerMethods';

export interface ScorerOptions {
  /** Worker processes, each serving any number of databases. */
  lanes: number;
  /** Per query; a query that runs longer stops its worker, which the next request replaces. */
  timeoutMs: number;
  maxRows: number;
  memoryLimitMb: number;
  workerScript?: string;
}

interface Lane {
  rpc: ChildRpc<DbWorkerMethods>;
  /** Whether the worker has answered once: until then a request's time includes starting it. */
  warm: boolean;
}

/** What starting a worker process costs (Node and the engines' native modules) before a database is touched. */
const WORKER_START_MS = 2000;

/**
 * Execution-accuracy scoring in a few worker processes. Items go to a worker in batches (one
 * message for many examples: the messages, not the queries, were most of the time); each distinct
 * gold query runs once per worker and its result stays there, and predictions are compared there,
 * so only verdicts come back. A batch that runs past the timeout stops its worker (the only way to
 * interrupt SQLite's native code); its items are then run one query at a time, gold first, so each
 * query gets the whole timeout and a runaway one is pinned on the query that ran away.
 */
export class EvalScorer {
  private readonly lanes: Lane[];

  constructor(private readonly options: ScorerOptions) {
    // Started at once, so the workers load while the first examples are being prepared.
    this.lanes = Array.from({ length: Math.max(1, options.lanes) }, () => ({ rpc: this.spawn(), warm: false }));
  }

  /** A verdict for each item, in order. */
  async score(lane: number, items: EvalItem[], signal?: AbortSignal): Promise<EvalItemVerdict[]> {
    const batch = await this.request(this.lanes[lane]!, items, signal);
    if (batch.ok) return batch.verdicts;
    if (items.length === 1 && items[0]!.prediction === null) return [{ goldError: `gold query fails: ${batch.message}` }];
    const verdicts: EvalItemVerdict[] = [];
    for (const item of items) verdicts.push(await this.scoreAlone(lane, item, signal));
    return verdicts;
  }

  dispose(): void {
    for (const lane of this.lanes) lane.rpc.dispose();
  }

  private async scoreAlone(lane: number, item: EvalItem, signal?: AbortSignal): Promise<EvalItemVerdict> {
    const gold = await this.request(this.lanes[lane]!, [{ ...item, prediction: null }], signal);
    if (!gold.ok) return { goldError: `gold query fails: ${gold.message}` };
    if (!('goldOk' in gold.verdicts[0]!) || item.prediction === null) return gold.verdicts[0]!;
    const scored = await this.request(this.lanes[lane]!, [item], signal);
    return scored.ok ? scored.verdicts[0]! : { predError: scored.message, ...(scored.timedOut ? { timedOut: true } : {}) };
  }

  private async request(state: Lane, items: EvalItem[], signal?: AbortSignal): Promise<{ ok: true; verdicts: EvalItemVerdict[] } | { ok: false; message: string; timedOut: boolean }> {
    if (!state.rpc.alive) {
      state.rpc = this.spawn();
      state.warm = false;
    }
    // VES times a right prediction and its gold query 2 × (runs + 1) times more: each run gets the whole limit.
    const timingRuns = Math.max(0, ...items.map((item) => item.timingRuns ?? 0));
    const timeoutMs = this.options.timeoutMs * (timingRuns ? 2 * timingRuns + 3 : 1) + (state.warm ? 0 : WORKER_START_MS);
    const params = { items, maxRows: this.options.maxRows, memoryLimitMb: this.options.memoryLimitMb };
    const outcome = await state.rpc.request('evalBatch', params, { timeoutMs, signal });
    signal?.throwIfAborted();
    if (state.rpc.alive) state.warm = true;
    return outcome.ok ? { ok: true, verdicts: outcome.value.verdicts } : { ok: false, message: outcome.error.message, timedOut: outcome.error.code === 'timeout' };
  }

  private spawn(): ChildRpc<DbWorkerMethods> {
    return ChildRpc.spawn<DbWorkerMethods>(this.options.workerScript ?? defaultWorkerScript(), 'evaluation worker', DB_WORKER_ABORT_POLICIES);
  }
}
