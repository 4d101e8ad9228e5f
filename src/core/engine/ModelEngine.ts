import { join } from 'node:path';
import { ChildRpc } from '../ipc/ChildRpc';
import type { BatchItemOutcome, GenerateParams, GenerateResult, LoadParams, ModelServerMethods, ModelStatus } from '../protocol/modelServerMethods';
import type { Outcome } from '../protocol/rpc';
import { checkGgufFile } from './checkGgufFile';
import { EngineError } from './EngineError';

export interface ModelEngineOptions {
  /** The bundled server; by default modelServer.mjs next to the running bundle. */
  serverScript?: string;
  log?: (line: string) => void;
}

/**
 * The parent's handle on the embedded model server: starts it on first use, keeps it warm, and
 * after a crash starts a fresh one (reloading the same model) on the next request.
 */
export class ModelEngine {
  private rpc: ChildRpc<ModelServerMethods> | null = null;
  private loadedParams: LoadParams | null = null;
  private currentStatus: ModelStatus | null = null;
  private readonly serverScript: string;

  constructor(private readonly options: ModelEngineOptions = {}) {
    this.serverScript = options.serverScript ?? join(__dirname, 'modelServer.mjs');
  }

  get status(): ModelStatus | null {
    return this.rpc?.alive ? this.currentStatus : null;
  }

  /** The server's process id while it runs (shown in logs; tests stop it to check recovery). */
  get serverPid(): number | undefined {
    return this.rpc?.alive ? this.rpc.pid : undefined;
  }

  /** Loads a model (a no-op when the same one is loaded and the server is alive). */
  async load(params: LoadParams, signal?: AbortSignal): Promise<ModelStatus> {
    if (this.rpc?.alive && this.currentStatus && sameLoad(this.loadedParams, params)) return this.currentStatus;
    checkGgufFile(params.modelPath);
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
    this.currentStatus = outcome.value;
    this.options.log?.(`model loaded: ${params.modelPath} on ${outcome.value.device} in ${Math.round(outcome.value.loadMs)} ms`);
    return outcome.value;
  }

  async generate(params: GenerateParams, signal?: AbortSignal): Promise<GenerateResult> {
    const rpc = await this.loadedServer(signal);
    return unwrap(await rpc.request('generate', params, { signal, onAbort: 'ask-child' }), 'the model server');
  }

  /** Several prompts generated side by side (the load's `batchSequences`); each answer succeeds or fails on its own. */
  async generateBatch(requests: GenerateParams[], signal?: AbortSignal): Promise<BatchItemOutcome[]> {
    if (requests.length === 0) return [];
    const rpc = await this.loadedServer(signal);
    return unwrap(await rpc.request('generateBatch', { requests }, { signal, onAbort: 'ask-child' }), 'the model server').results;
  }

  async countTokens(text: string, signal?: AbortSignal): Promise<number> {
    const rpc = await this.loadedServer(signal);
    return unwrap(await rpc.request('countTokens', { text }, { signal }), 'the model server').count;
  }

  dispose(): void {
    this.rpc?.dispose();
    this.rpc = null;
    this.currentStatus = null;
  }

  private server(): ChildRpc<ModelServerMethods> {
    if (!this.rpc?.alive) this.rpc = ChildRpc.spawn<ModelServerMethods>(this.serverScript, 'model server');
    return this.rpc;
  }

  /** The live server with the model loaded, restarting and reloading after a crash. */
  private async loadedServer(signal?: AbortSignal): Promise<ChildRpc<ModelServerMethods>> {
    if (this.rpc?.alive && this.currentStatus) return this.rpc;
    if (!this.loadedParams) throw new EngineError('no-model', 'no model is loaded: choose one first');
    this.options.log?.('model server is not running; starting a fresh one');
    const params = this.loadedParams;
    this.loadedParams = null;
    await this.load(params, signal);
    return this.rpc!;
  }
}

function sameLoad(a: LoadParams | null, b: LoadParams): boolean {
  return a !== null && JSON.stringify(a) === JSON.stringify(b);
}

function unwrap<T>(outcome: Outcome<T, string>, who: string): T {
  if (outcome.ok) return outcome.value;
  if (outcome.error.code === 'worker-crashed') throw new EngineError('generation-failed', `${who} stopped: ${outcome.error.message}`);
  throw EngineError.fromData(outcome.error);
}
