import { join } from 'node:path';
import { ChildRpc } from '../ipc/ChildRpc';
import { MODEL_SERVER_ABORT_POLICIES, type BatchItemOutcome, type GenerateParams, type GenerateResult, type LoadParams, type ModelServerMethods, type ModelStatus } from '../protocol/modelServerMethods';
import type { Outcome } from '../protocol/rpc';
import { checkGgufFile, type GgufSummary } from './checkGgufFile';
import { EngineError } from './EngineError';
import type { LanguageModel, ModelCapabilities } from './LanguageModel';

export interface ModelEngineOptions {
  /** The bundled server; by default modelServer.mjs next to the running bundle. */
  serverScript?: string;
  log?: (line: string) => void;
  /** A generation's deadline: `baseMs` (the prompt, the grammar) plus `msPerToken` for each token of its budget. */
  deadline?: { baseMs: number; msPerToken: number };
}

/**
 * Room for the slowest machine Quarry runs on: a long prompt on a 32B model on a laptop CPU, then
 * half a token a second. A server past it is stuck (a hung decode, a deadlocked backend), not slow,
 * and is stopped, so a request never waits forever in the editor or the CLI; a tighter deadline
 * would cut off a large model's right answer.
 */
const DEFAULT_DEADLINE = { baseMs: 300_000, msPerToken: 2_000 };
/** Counting a prompt's tokens is quick on any machine. */
const COUNT_TOKENS_MS = 60_000;

/**
 * The parent's handle on the embedded model server: starts it on first use, keeps it warm, and
 * after a crash starts a fresh one (reloading the same model) on the next request. `stop()` ends
 * the server and forgets the model (the next use must load one); `dispose()` ends the engine.
 */
export class ModelEngine implements LanguageModel {
  private rpc: ChildRpc<ModelServerMethods> | null = null;
  private loadedParams: LoadParams | null = null;
  private currentStatus: ModelStatus | null = null;
  private loadedMetadata: GgufSummary['metadata'] | null = null;
  private readonly serverScript: string;
  private disposed = false;

  constructor(private readonly options: ModelEngineOptions = {}) {
    this.serverScript = options.serverScript ?? join(__dirname, 'modelServer.mjs');
  }

  get status(): ModelStatus | null {
    return this.rpc?.alive ? this.currentStatus : null;
  }

  get capabilities(): ModelCapabilities | null {
    const status = this.status;
    return status ? { grammar: true, infill: true, chatTemplate: status.chatTemplate, batching: true } : null;
  }

  /** The loaded model file's GGUF metadata (scalars and short strings): what it says its family is, for one. */
  get metadata(): GgufSummary['metadata'] | null {
    return this.currentStatus ? this.loadedMetadata : null;
  }

  /** The server's process id while it runs (shown in logs; tests stop it to check recovery). */
  get serverPid(): number | undefined {
    return this.rpc?.alive ? this.rpc.pid : undefined;
  }

  /** Loads a model (a no-op when the same one is loaded and the server is alive). */
  async load(params: LoadParams, signal?: AbortSignal): Promise<ModelStatus> {
    this.throwIfDisposed();
    throwIfCancelled(signal);
    if (this.rpc?.alive && this.currentStatus && sameLoad(this.loadedParams, params)) return this.currentStatus;
    const summary = checkGgufFile(params.modelPath);
    if (params.loraPath) checkGgufFile(params.loraPath, 'LoRA adapter');
    this.loadedParams = null;
    this.currentStatus = null;
    const rpc = this.server();
    const outcome = await rpc.request('load', params, { signal });
    if (!outcome.ok) {
      if (outcome.error.code === 'worker-crashed') {
        throw new EngineError('model-load-failed', `model failed to load: ${params.modelPath}: ${outcome.error.message}`);
      }
      throw EngineError.fromData(outcome.error);
    }
    this.loadedParams = params;
    this.loadedMetadata = summary.metadata;
    this.currentStatus = outcome.value;
    this.options.log?.(`model loaded: ${params.modelPath} on ${outcome.value.device} in ${Math.round(outcome.value.loadMs)} ms`);
    return outcome.value;
  }

  async generate(params: GenerateParams, signal?: AbortSignal): Promise<GenerateResult> {
    const rpc = await this.loadedServer(signal);
    return unwrap(await rpc.request('generate', params, { signal, timeoutMs: this.deadlineOf([params]) }), 'the model server');
  }

  /** Several prompts generated side by side (the load's `batchSequences`); each answer succeeds or fails on its own. */
  async generateBatch(requests: GenerateParams[], signal?: AbortSignal): Promise<BatchItemOutcome[]> {
    if (requests.length === 0) return [];
    const rpc = await this.loadedServer(signal);
    return unwrap(await rpc.request('generateBatch', { requests }, { signal, timeoutMs: this.deadlineOf(requests) }), 'the model server').results;
  }

  async countTokens(text: string, signal?: AbortSignal): Promise<number> {
    const rpc = await this.loadedServer(signal);
    return unwrap(await rpc.request('countTokens', { text }, { signal, timeoutMs: COUNT_TOKENS_MS }), 'the model server').count;
  }

  /** Every token the requests may write (thinking included), as if none ran side by side: a deadline, not an estimate. */
  private deadlineOf(requests: GenerateParams[]): number {
    const { baseMs, msPerToken } = this.options.deadline ?? DEFAULT_DEADLINE;
    const tokens = requests.reduce((sum, r) => sum + r.maxTokens + (r.reasoning?.thinkingTokens ?? 0), 0);
    return baseMs + tokens * msPerToken;
  }

  /** Ends the server and forgets the model: nothing is reloaded behind the caller's back; the next use loads one. */
  stop(): void {
    this.rpc?.stop();
    this.rpc = null;
    this.loadedParams = null;
    this.currentStatus = null;
  }

  /** Ends the engine for good: later calls fail as `closed`. */
  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  private throwIfDisposed(): void {
    if (this.disposed) throw new EngineError('closed', 'the model engine was closed');
  }

  private server(): ChildRpc<ModelServerMethods> {
    if (!this.rpc?.alive) this.rpc = ChildRpc.spawn<ModelServerMethods>(this.serverScript, 'model server', MODEL_SERVER_ABORT_POLICIES);
    return this.rpc;
  }

  /** The live server with the model loaded, restarting and reloading after a crash. */
  private async loadedServer(signal?: AbortSignal): Promise<ChildRpc<ModelServerMethods>> {
    this.throwIfDisposed();
    throwIfCancelled(signal);
    if (this.rpc?.alive && this.currentStatus) return this.rpc;
    if (!this.loadedParams) throw new EngineError('no-model', 'no model is loaded: choose one first');
    this.options.log?.('model server is not running; starting a fresh one');
    const params = this.loadedParams;
    this.loadedParams = null;
    try {
      await this.load(params, signal);
    } catch (error) {
      // A cancelled reload is not a bad model: the next request tries again.
      if (error instanceof EngineError && error.code === 'cancelled') this.loadedParams ??= params;
      throw error;
    }
    return this.rpc!;
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new EngineError('cancelled', 'cancelled');
}

function sameLoad(a: LoadParams | null, b: LoadParams): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}

function unwrap<T>(outcome: Outcome<T, string>, who: string): T {
  if (outcome.ok) return outcome.value;
  if (outcome.error.code === 'worker-crashed') throw new EngineError('generation-failed', `${who} stopped: ${outcome.error.message}`);
  if (outcome.error.code === 'timeout') throw new EngineError('generation-failed', `${who} did not answer in time and was stopped (${outcome.error.message}); it is started again on the next request`);
  throw EngineError.fromData(outcome.error);
}
