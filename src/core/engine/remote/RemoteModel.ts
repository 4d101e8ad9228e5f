import type { BatchItemOutcome, GenerateParams, GenerateResult, ModelStatus, ReasoningShape } from '../../protocol/modelServerMethods';
import { EngineError } from '../EngineError';
import type { LanguageModel, ModelCapabilities } from '../LanguageModel';
import { REMOTE_API_SHAPES, type RemoteApi } from './remoteApis';
import { readStreamedJson, request, requestJson, type HttpOptions } from './remoteHttp';
import { REMOTE_PROTOCOLS } from './remoteProtocols';
import type { RemoteAdapterChoice, RemoteRequest, Served, Usage } from './RemoteProtocol';
import { redactUrl } from '../../util/redactSecrets';
import { workPool } from '../../util/workPool';
import { reasonThenAnswer } from '../reasonThenAnswer';

export interface RemoteModelOptions {
  /** The server's OpenAI-style base URL, `http://host:port/v1`. */
  endpoint: string;
  /** Which engine serves it; detected from `/props` and `/v1/models` when not given. */
  api?: RemoteApi;
  /** The served model to ask; the server's first one when not given. */
  modelName?: string;
  apiKey?: string;
  /** Until a request's headers arrive, and the longest quiet gap inside a streamed answer. */
  timeoutMs?: number;
  retries?: number;
  /** Requests a batch sends at once. */
  concurrency?: number;
  /** The model's context window, when the server does not say it. */
  contextSize?: number;
  /** A LoRA adapter the server loaded, applied to every request where the engine can (vLLM, llama-server). */
  adapter?: RemoteAdapterChoice;
}

export const DEFAULT_REMOTE_CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 3;
/**
 * The slowest generation a streamed answer is given time for (a token a second: Ollama on a laptop
 * CPU, a busy shared server), on top of the quiet-gap timeout: its deadline follows from its token
 * budget, however busily the server streams. A stall is caught sooner, by the quiet gap.
 */
const SLOWEST_MS_PER_TOKEN = 1_000;
/** Pieces a server may stream past max_tokens (a role-only first event, a last one with usage) before Quarry stops reading. */
const EXTRA_PIECES = 8;
/** A piece is a token or a few: an answer this much longer than its budget in characters is not honouring max_tokens. */
const MAX_CHARS_PER_TOKEN = 64;

/**
 * A model on a serving engine (vLLM, llama-server, SGLang, Ollama, any OpenAI-compatible server) behind the
 * same seam as the local one. Prompts are put in the model's format here and sent as chat messages
 * (the server applies the model's chat template) or as a raw completion prompt; the grammar goes in
 * the field that engine reads. Answers stream, so a cancelled request stops at once and a server
 * that goes quiet fails instead of hanging. `connect()` is this engine's load.
 */
export class RemoteModel implements LanguageModel {
  private connected: { status: ModelStatus; served: Served } | null = null;
  private readonly root: string;
  private disposed = false;
  /** Whether fill-in-the-middle (llama-server's /infill, Ollama's suffix) works for the served model, which needs the tokens for it; null until tried. */
  private infill: boolean | null = null;

  /** The endpoint as it may be shown and logged: an API key or password in the URL left out. */
  private readonly label: string;

  constructor(private readonly options: RemoteModelOptions) {
    this.root = options.endpoint.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.label = redactUrl(options.endpoint);
  }

  get status(): ModelStatus | null {
    return this.connected?.status ?? null;
  }

  /** The server's base URL, as it may be shown (without a key or password written in it). */
  get endpoint(): string {
    return this.label;
  }

  /** The served model's name where a GGUF has its general.name: what the prompt format is detected from. */
  get metadata(): ReadonlyMap<string, unknown> | null {
    return this.connected ? new Map([['general.name', this.connected.served.modelName]]) : null;
  }

  get capabilities(): ModelCapabilities | null {
    if (!this.connected) return null;
    const shape = REMOTE_API_SHAPES[this.connected.served.api];
    return { grammar: shape.grammar !== null, infill: shape.fillsInTheMiddle && this.infill !== false, chatTemplate: true, batching: true };
  }

  /** The engine and the model actually served (the first one when no name was given). */
  get served(): { api: RemoteApi; modelName: string } | null {
    return this.connected ? { api: this.connected.served.api, modelName: this.connected.served.modelName } : null;
  }

  /** Whether token counts come from the server's tokenizer; false: they are estimates (on the safe side). */
  get countsTokens(): boolean {
    return !!this.connected && REMOTE_API_SHAPES[this.connected.served.api].tokenize !== null;
  }

  /** Asks the server what it serves; fails, naming the server, when it cannot be reached or lacks the model or the adapter. */
  async connect(signal?: AbortSignal): Promise<ModelStatus> {
    this.throwIfDisposed();
    const started = performance.now();
    const api = this.options.api ?? ((await this.isOllama(signal)) ? 'ollama' : undefined);
    const served = await REMOTE_PROTOCOLS[api ?? 'openai'].connect(
      { root: this.root, label: this.label, http: (s) => this.http(s) },
      {
        ...(api ? { api } : {}),
        ...(this.options.modelName ? { modelName: this.options.modelName } : {}),
        ...(this.options.contextSize ? { contextSize: this.options.contextSize } : {}),
        ...(this.options.adapter ? { adapter: this.options.adapter } : {}),
      },
      signal,
    );
    const status: ModelStatus = {
      modelPath: `${served.modelName} at ${this.label}`,
      loraPath: served.adapter?.label ?? null,
      device: 'remote',
      contextSize: served.contextSize,
      chatTemplate: true,
      loadMs: performance.now() - started,
    };
    this.connected = { status, served };
    return status;
  }

  async generate(params: GenerateParams, signal?: AbortSignal): Promise<GenerateResult> {
    const served = this.ready();
    if (params.reasoning) return this.reasonThenAnswer(params, params.reasoning, signal);
    const protocol = REMOTE_PROTOCOLS[served.api];
    if (params.suffix?.trim() && REMOTE_API_SHAPES[served.api].fillsInTheMiddle && this.infill !== false) {
      const infill = protocol.infill(params, served, this.root);
      const filled = infill ? await this.fillInTheMiddle(infill, params.maxTokens, signal) : null;
      if (filled) return filled;
    }
    return this.stream(protocol.generation(params, served, this.root), params.maxTokens, signal);
  }

  async generateBatch(requests: GenerateParams[], signal?: AbortSignal): Promise<BatchItemOutcome[]> {
    const results: BatchItemOutcome[] = new Array(requests.length);
    await workPool(requests, this.options.concurrency ?? DEFAULT_REMOTE_CONCURRENCY, async (request, i) => {
      try {
        results[i] = { ok: true, value: await this.generate(request, signal) };
      } catch (error) {
        if (signal?.aborted) throw error;
        const failure = error instanceof EngineError ? error : new EngineError('generation-failed', (error as Error).message);
        results[i] = { ok: false, error: { code: failure.code, message: failure.message } };
      }
    });
    return results;
  }

  /** The server's own count where it has a tokenizer endpoint; else a deliberate overestimate (3 characters a token), so a prompt fitted by it fits. */
  async countTokens(text: string, signal?: AbortSignal): Promise<number> {
    const { modelName, api } = this.ready();
    const tokenize = REMOTE_API_SHAPES[api].tokenize;
    if (!tokenize) return estimateTokens(text);
    const answer = await requestJson(`${this.root}${tokenize.path}`, { method: 'POST', body: tokenize.body(modelName, text) }, this.http(signal));
    return tokenize.count(answer);
  }

  dispose(): void {
    this.disposed = true;
    this.connected = null;
  }

  private http(signal?: AbortSignal): HttpOptions {
    return {
      ...(this.options.apiKey ? { apiKey: this.options.apiKey } : {}),
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: this.options.retries ?? DEFAULT_RETRIES,
      ...(signal ? { signal } : {}),
    };
  }

  /**
   * One streamed answer, its events read by the engine's protocol. The budget is kept here too: a
   * server that ignores max_tokens is stopped when its pieces or characters outrun it, and the whole
   * answer has a deadline that follows from the budget.
   */
  private async stream({ url, body, framing }: RemoteRequest, maxTokens: number, signal?: AbortSignal): Promise<GenerateResult> {
    const started = performance.now();
    const http = this.http(signal);
    const protocol = REMOTE_PROTOCOLS[this.ready().api];
    const answer = await request(url, { method: 'POST', body }, { ...http, deadlineMs: http.timeoutMs + maxTokens * SLOWEST_MS_PER_TOKEN });
    let text = '';
    let firstAt: number | null = null;
    let finish: 'stop' | 'length' | null = null;
    let usage = null as Usage | null;
    let chunks = 0;
    for await (const event of readStreamedJson(answer, framing)) {
      const piece = protocol.readEvent(event);
      if (piece.error !== undefined) throw new EngineError('server-error', `the model server at ${redactUrl(url)} failed while answering: ${piece.error}`);
      if (piece.text) {
        firstAt ??= performance.now();
        text += piece.text;
        chunks++;
      }
      if (piece.usage) usage = piece.usage(chunks);
      if (piece.finish) finish = piece.finish;
      if (chunks > maxTokens + EXTRA_PIECES || text.length > Math.max(1, maxTokens) * MAX_CHARS_PER_TOKEN) {
        // Leaving the loop cancels the body: the server stops generating for nobody.
        finish = 'length';
        text = text.slice(0, Math.max(1, maxTokens) * MAX_CHARS_PER_TOKEN);
        usage = { ...usage, completion_tokens: Math.min(chunks, maxTokens) };
        break;
      }
    }
    if (finish === null && !text) throw new EngineError('server-error', `the model server at ${redactUrl(url)} ended its answer without a word or a reason`);
    const ended = performance.now();
    const promptMs = (firstAt ?? ended) - started;
    return {
      text,
      promptTokens: usage?.prompt_tokens ?? 0,
      reusedTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
      generatedTokens: usage?.completion_tokens ?? chunks,
      promptMs,
      generateMs: ended - started - promptMs,
      stopReason: finish === 'length' ? 'maxTokens' : 'eogToken',
    };
  }

  /** Whether the server answers Ollama's `/api/version` as Ollama does. */
  private async isOllama(signal?: AbortSignal): Promise<boolean> {
    try {
      const answer = (await requestJson(`${this.root}/api/version`, { method: 'GET' }, { ...this.http(signal), retries: 0 })) as { version?: unknown } | null;
      return typeof answer?.version === 'string';
    } catch (error) {
      if (error instanceof EngineError && error.code === 'cancelled') throw error;
      return false;
    }
  }

  /**
   * The text after the cursor filled in the middle by the engine's own request (llama-server's
   * /infill, Ollama's /api/generate with `suffix`). Null when the served model has no
   * fill-in-the-middle tokens (the server refuses): the caller asks without the suffix, and later
   * requests do not try again.
   */
  private async fillInTheMiddle(infill: RemoteRequest, maxTokens: number, signal?: AbortSignal): Promise<GenerateResult | null> {
    try {
      const result = await this.stream(infill, maxTokens, signal);
      this.infill = true;
      return { ...result, infill: true };
    } catch (error) {
      // llama-server's "Infill is not supported by this model", Ollama's "does not support insert".
      if (this.infill === null && error instanceof EngineError && error.code === 'server-error' && !signal?.aborted) {
        this.infill = false;
        return null;
      }
      throw error;
    }
  }

  /** reasonThenAnswer, each step a request that goes on from the thought as the model's own message. */
  private async reasonThenAnswer(params: GenerateParams, shape: ReasoningShape, signal?: AbortSignal): Promise<GenerateResult> {
    const prefix = params.responsePrefix ?? '';
    const free = { ...params, reasoning: undefined, grammar: null, rawCompletion: false };
    const reasoned = await reasonThenAnswer(shape, !!params.grammar, {
      think: async (thought, budget, marker) => {
        const part = await this.generate({ ...free, responsePrefix: prefix + thought, maxTokens: budget, stop: [...(params.stop ?? []), marker] }, signal);
        // A server leaves a stop string out of the text: whether it stopped there is whether it stopped before its budget.
        return { text: part.text, tokens: part.generatedTokens, ended: part.stopReason === 'maxTokens' ? 'budget' : 'marker' };
      },
      answer: (thought, closing) => {
        const stop = closing ? [...(params.stop ?? []), closing] : params.stop;
        return this.generate({ ...params, reasoning: undefined, rawCompletion: false, responsePrefix: prefix + thought, ...(stop ? { stop } : {}) }, signal);
      },
    });
    if (reasoned.kind === 'ended') throw new EngineError('internal', 'a remote thinking step cannot end before its marker');
    return { ...reasoned.answer, text: reasoned.thought + reasoned.answer.text, thinkingTokens: reasoned.thinkingTokens, fenceForced: reasoned.fenceForced };
  }

  private ready(): Served {
    this.throwIfDisposed();
    if (!this.connected) throw new EngineError('no-model', `not connected to the model server at ${this.label}`);
    return this.connected.served;
  }

  private throwIfDisposed(): void {
    if (this.disposed) throw new EngineError('closed', 'the remote model was disposed');
  }
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}
