import type { BatchItemOutcome, GenerateParams, GenerateResult, ModelStatus, ReasoningShape } from '../../protocol/modelServerMethods';
import { EngineError } from '../EngineError';
import type { LanguageModel, ModelCapabilities } from '../LanguageModel';
import { REMOTE_API_SHAPES, type RemoteApi } from './remoteApis';
import { readStreamedJson, request, requestJson, type HttpOptions } from './remoteHttp';
import { redactUrl } from '../../util/redactSecrets';
import { completionInput } from '../../protocol/completionInput';
import { workPool } from '../../util/workPool';

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
}

export const DEFAULT_REMOTE_CONCURRENCY = 8;
const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 3;
const FALLBACK_CONTEXT_SIZE = 8192;
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

/** OpenAI's token counts of an answer, in its last streamed event. */
type Usage = { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };

/** One event of a streamed answer, in OpenAI's shape or llama-server's native one. */
interface StreamEvent {
  error?: { message?: string } | string;
  choices?: { delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: Usage;
  content?: string;
  stop?: boolean;
  stop_type?: string;
  tokens_evaluated?: number;
  tokens_predicted?: number;
  /** Ollama's. */
  message?: { content?: string };
  response?: string;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

/**
 * A model on a serving engine (vLLM, llama-server, SGLang, Ollama, any OpenAI-compatible server) behind the
 * same seam as the local one. Prompts are put in the model's format here and sent as chat messages
 * (the server applies the model's chat template) or as a raw completion prompt; the grammar goes in
 * the field that engine reads. Answers stream, so a cancelled request stops at once and a server
 * that goes quiet fails instead of hanging. `connect()` is this engine's load.
 */
export class RemoteModel implements LanguageModel {
  private connected: { status: ModelStatus; api: RemoteApi; modelName: string } | null = null;
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
    return this.connected ? new Map([['general.name', this.connected.modelName]]) : null;
  }

  get capabilities(): ModelCapabilities | null {
    if (!this.connected) return null;
    const shape = REMOTE_API_SHAPES[this.connected.api];
    return { grammar: shape.grammar !== null, infill: shape.fillsInTheMiddle && this.infill !== false, chatTemplate: true, batching: true };
  }

  /** The engine and the model actually served (the first one when no name was given). */
  get served(): { api: RemoteApi; modelName: string } | null {
    return this.connected ? { api: this.connected.api, modelName: this.connected.modelName } : null;
  }

  /** Whether token counts come from the server's tokenizer; false: they are estimates (on the safe side). */
  get countsTokens(): boolean {
    return !!this.connected && REMOTE_API_SHAPES[this.connected.api].tokenize !== null;
  }

  /** Asks the server what it serves; fails, naming the server, when it cannot be reached or lacks the model. */
  async connect(signal?: AbortSignal): Promise<ModelStatus> {
    this.throwIfDisposed();
    const started = performance.now();
    const http = this.http(signal);
    if (this.options.api === 'ollama' || (!this.options.api && (await this.isOllama(signal)))) return this.connectOllama(started, signal);
    const models = ((await requestJson(`${this.base}/models`, { method: 'GET' }, http)) as { data?: { id: string; owned_by?: string; max_model_len?: number }[] }).data ?? [];
    const modelName = this.options.modelName ?? models[0]?.id;
    if (!modelName) throw new EngineError('server-error', `the model server at ${this.label} serves no model`);
    const served = models.find((m) => m.id === modelName);
    if (models.length && !served) {
      throw new EngineError('server-error', `the model server at ${this.label} does not serve '${modelName}'; it serves: ${models.map((m) => m.id).join(', ')}`);
    }
    const props = await this.props(signal);
    const api = this.options.api ?? (props ? 'llama-server' : served?.owned_by === 'vllm' ? 'vllm' : served?.owned_by === 'sglang' ? 'sglang' : 'openai');
    const contextSize = this.options.contextSize ?? served?.max_model_len ?? props?.contextSize ?? FALLBACK_CONTEXT_SIZE;
    const status: ModelStatus = { modelPath: `${modelName} at ${this.label}`, loraPath: null, device: 'remote', contextSize, chatTemplate: true, loadMs: performance.now() - started };
    this.connected = { status, api, modelName };
    return status;
  }

  async generate(params: GenerateParams, signal?: AbortSignal): Promise<GenerateResult> {
    const { modelName, api } = this.ready();
    if (params.reasoning) return this.reasonThenAnswer(params, params.reasoning, signal);
    if (params.suffix?.trim() && REMOTE_API_SHAPES[api].fillsInTheMiddle && this.infill !== false) {
      const filled = await this.fillInTheMiddle(params, modelName, api, signal);
      if (filled) return filled;
    }
    if (api === 'ollama') return this.generateOllama(params, modelName, signal);
    const messages = chatMessages(params);
    const prefill = !!params.responsePrefix && !params.rawCompletion;
    const body = {
      model: modelName,
      ...(params.rawCompletion ? { prompt: completionInput(params) } : { messages }),
      max_tokens: params.maxTokens,
      temperature: params.temperature,
      ...(params.topP !== undefined ? { top_p: params.topP } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.stop?.length ? { stop: params.stop } : {}),
      ...(params.grammar ? (REMOTE_API_SHAPES[api].grammar?.(params.grammar) ?? {}) : {}),
      ...(prefill ? REMOTE_API_SHAPES[api].continueFinalMessage : {}),
      stream: true,
      stream_options: { include_usage: true },
    };
    return this.stream(`${this.base}${params.rawCompletion ? '/completions' : '/chat/completions'}`, body, params.maxTokens, signal);
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

  private get base(): string {
    return `${this.root}/v1`;
  }

  private http(signal?: AbortSignal): HttpOptions {
    return {
      ...(this.options.apiKey ? { apiKey: this.options.apiKey } : {}),
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      retries: this.options.retries ?? DEFAULT_RETRIES,
      ...(signal ? { signal } : {}),
    };
  }

  /** llama-server's `/props` (its context size); null from a server that has none. */
  private async props(signal?: AbortSignal): Promise<{ contextSize?: number } | null> {
    try {
      const props = (await requestJson(`${this.root}/props`, { method: 'GET' }, { ...this.http(signal), retries: 0 })) as { default_generation_settings?: { n_ctx?: number } } | null;
      const settings = props?.default_generation_settings;
      if (!settings) return null;
      return settings.n_ctx ? { contextSize: settings.n_ctx } : {};
    } catch (error) {
      if (error instanceof EngineError && error.code === 'cancelled') throw error;
      return null;
    }
  }

  /**
   * One streamed answer: OpenAI's events (`choices`, `usage`), llama-server's own (`content`, `stop`,
   * token counts) or Ollama's JSON lines. The budget is kept here too: a server that ignores
   * max_tokens is stopped when its pieces or characters outrun it, and the whole answer has a
   * deadline that follows from the budget.
   */
  private async stream(url: string, body: Record<string, unknown>, maxTokens: number, signal?: AbortSignal, framing: 'sse' | 'ndjson' = 'sse'): Promise<GenerateResult> {
    const started = performance.now();
    const http = this.http(signal);
    const answer = await request(url, { method: 'POST', body }, { ...http, deadlineMs: http.timeoutMs + maxTokens * SLOWEST_MS_PER_TOKEN });
    let text = '';
    let firstAt: number | null = null;
    let finish: string | null = null;
    let usage = null as Usage | null;
    let chunks = 0;
    for await (const event of readStreamedJson(answer, framing)) {
      const data = event as StreamEvent;
      if (data.error) throw new EngineError('server-error', `the model server at ${redactUrl(url)} failed while answering: ${typeof data.error === 'string' ? data.error : (data.error.message ?? 'no message')}`);
      if (data.usage) usage = data.usage;
      if (data.stop) {
        finish = data.stop_type === 'limit' ? 'length' : 'stop';
        usage = { prompt_tokens: data.tokens_evaluated ?? 0, completion_tokens: data.tokens_predicted ?? chunks };
      }
      if (data.done) {
        finish = data.done_reason === 'length' ? 'length' : 'stop';
        usage = { prompt_tokens: data.prompt_eval_count ?? 0, completion_tokens: data.eval_count ?? chunks };
      }
      const choice = data.choices?.[0];
      const piece = choice?.delta?.content ?? choice?.text ?? data.content ?? data.message?.content ?? data.response ?? '';
      if (piece) {
        firstAt ??= performance.now();
        text += piece;
        chunks++;
      }
      if (choice?.finish_reason) finish = choice.finish_reason;
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

  /** Ollama's own API: its model list (/api/tags) and the model's context length (/api/show). */
  private async connectOllama(started: number, signal?: AbortSignal): Promise<ModelStatus> {
    const http = this.http(signal);
    const models = ((await requestJson(`${this.root}/api/tags`, { method: 'GET' }, http)) as { models?: { name: string }[] }).models ?? [];
    const modelName = this.options.modelName ?? models[0]?.name;
    if (!modelName) throw new EngineError('server-error', `the Ollama server at ${this.label} has no model pulled (ollama pull <model>)`);
    if (!models.some((m) => m.name === modelName || m.name === `${modelName}:latest`)) {
      throw new EngineError('server-error', `the Ollama server at ${this.label} has no model '${modelName}'; it has: ${models.map((m) => m.name).join(', ')}`);
    }
    const shown = (await requestJson(`${this.root}/api/show`, { method: 'POST', body: { model: modelName } }, http)) as { model_info?: Record<string, unknown> };
    const length = Object.entries(shown.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
    const contextSize = this.options.contextSize ?? (typeof length === 'number' ? length : FALLBACK_CONTEXT_SIZE);
    const status: ModelStatus = { modelPath: `${modelName} at ${this.label}`, loraPath: null, device: 'remote', contextSize, chatTemplate: true, loadMs: performance.now() - started };
    this.connected = { status, api: 'ollama', modelName };
    return status;
  }

  /** Ollama: a chat (/api/chat), or a raw prompt (/api/generate with `raw`). */
  private async generateOllama(params: GenerateParams, modelName: string, signal?: AbortSignal): Promise<GenerateResult> {
    const options = ollamaOptions(params);
    if (params.rawCompletion) return this.stream(`${this.root}/api/generate`, { model: modelName, prompt: completionInput(params), raw: true, stream: true, options }, params.maxTokens, signal, 'ndjson');
    return this.stream(`${this.root}/api/chat`, { model: modelName, messages: chatMessages(params), stream: true, options }, params.maxTokens, signal, 'ndjson');
  }

  /**
   * The text after the cursor filled in the middle by the engine's own request (the prompt, then the
   * begun answer, as the prefix): llama-server's /infill, Ollama's /api/generate with `suffix`. Null
   * when the served model has no fill-in-the-middle tokens (the server refuses): the caller asks
   * without the suffix, and later requests do not try again.
   */
  private async fillInTheMiddle(params: GenerateParams, modelName: string, api: RemoteApi, signal?: AbortSignal): Promise<GenerateResult | null> {
    const prefix = completionInput(params);
    try {
      const result =
        api === 'ollama'
          ? await this.stream(`${this.root}/api/generate`, { model: modelName, prompt: prefix, suffix: params.suffix, stream: true, options: ollamaOptions(params) }, params.maxTokens, signal, 'ndjson')
          : await this.stream(
              `${this.root}/infill`,
              {
                input_prefix: prefix,
                input_suffix: params.suffix,
                n_predict: params.maxTokens,
                temperature: params.temperature,
                ...(params.topP !== undefined ? { top_p: params.topP } : {}),
                ...(params.seed !== undefined ? { seed: params.seed } : {}),
                ...(params.stop?.length ? { stop: params.stop } : {}),
                ...(params.grammar ? { grammar: params.grammar } : {}),
                stream: true,
              },
              params.maxTokens,
              signal,
            );
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

  /**
   * As the local engine does: free text up to the end of the thinking and the opening fence (written
   * for the model when its budget runs out first), then the answer from there under the grammar,
   * in a request that goes on from the thought as the model's own message.
   */
  private async reasonThenAnswer(params: GenerateParams, shape: ReasoningShape, signal?: AbortSignal): Promise<GenerateResult> {
    let thought = '';
    let thinkingTokens = 0;
    let forced = false;
    const free = { ...params, reasoning: undefined, grammar: null, rawCompletion: false };
    for (const marker of [...(shape.after ? [shape.after] : []), shape.open]) {
      const budget = shape.thinkingTokens - thinkingTokens;
      const part = budget > 0 ? await this.generate({ ...free, responsePrefix: (params.responsePrefix ?? '') + thought, maxTokens: budget, stop: [...(params.stop ?? []), marker] }, signal) : null;
      thought += part?.text ?? '';
      thinkingTokens += part?.generatedTokens ?? 0;
      // A server leaves a stop string out of the text: whether it stopped there is whether it stopped before its budget.
      const reached = part !== null && part.stopReason !== 'maxTokens';
      forced ||= !reached;
      thought += reached ? marker : `\n${marker}`;
    }
    // Without a grammar to end the block, the closing fence does.
    const stop = params.grammar ? params.stop : [...(params.stop ?? []), shape.close];
    const answer = await this.generate({ ...params, reasoning: undefined, rawCompletion: false, responsePrefix: `${params.responsePrefix ?? ''}${thought}\n`, ...(stop ? { stop } : {}) }, signal);
    return { ...answer, text: `${thought}\n${answer.text}`, thinkingTokens, fenceForced: forced };
  }

  private ready(): { modelName: string; api: RemoteApi } {
    this.throwIfDisposed();
    if (!this.connected) throw new EngineError('no-model', `not connected to the model server at ${this.label}`);
    return this.connected;
  }

  private throwIfDisposed(): void {
    if (this.disposed) throw new EngineError('closed', 'the remote model was disposed');
  }
}

function chatMessages(params: GenerateParams): Message[] {
  return [
    ...(params.system ? [{ role: 'system' as const, content: params.system }] : []),
    { role: 'user', content: params.user },
    ...(params.responsePrefix ? [{ role: 'assistant' as const, content: params.responsePrefix }] : []),
  ];
}

/** Ollama's sampling options (its names for them). */
function ollamaOptions(params: GenerateParams): Record<string, unknown> {
  return {
    num_predict: params.maxTokens,
    temperature: params.temperature,
    ...(params.topP !== undefined ? { top_p: params.topP } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(params.stop?.length ? { stop: params.stop } : {}),
  };
}

function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}
