import { basename } from 'node:path';
import type { GenerateParams } from '../../protocol/modelServerMethods';
import { completionInput } from '../../protocol/completionInput';
import { EngineError } from '../EngineError';
import { chatMessages } from './chatMessages';
import { REMOTE_API_SHAPES, type RemoteApi } from './remoteApis';
import { requestJson } from './remoteHttp';
import { FALLBACK_CONTEXT_SIZE, type ConnectOptions, type RemoteAdapterChoice, type RemoteProtocol, type RemoteRequest, type RemoteServer, type Served, type StreamPiece } from './RemoteProtocol';

/** A served model as /v1/models lists it; vLLM lists each LoRA module too, with its base as `parent` and its path as `root`. */
interface ListedModel {
  id: string;
  owned_by?: string;
  max_model_len?: number;
  parent?: string | null;
  root?: string;
}

/** One event of a streamed answer, in OpenAI's shape or llama-server's native one (/infill). */
interface OpenAiEvent {
  error?: { message?: string } | string;
  choices?: { delta?: { content?: string | null }; text?: string; finish_reason?: string | null }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } };
  content?: string;
  stop?: boolean;
  stop_type?: string;
  tokens_evaluated?: number;
  tokens_predicted?: number;
}

/**
 * The OpenAI-compatible API of vLLM, llama-server, SGLang and any OpenAI server: /v1/models,
 * chat and completions with server-sent events; each engine's own fields (grammar, continuing a
 * message, adapters) come from REMOTE_API_SHAPES.
 */
export const openAiProtocol: RemoteProtocol = {
  async connect(server: RemoteServer, options: ConnectOptions, signal?: AbortSignal): Promise<Served> {
    const models = ((await requestJson(`${server.root}/v1/models`, { method: 'GET' }, server.http(signal))) as { data?: ListedModel[] }).data ?? [];
    const modelName = options.modelName ?? models.find((m) => !m.parent)?.id ?? models[0]?.id;
    if (!modelName) throw new EngineError('server-error', `the model server at ${server.label} serves no model`);
    const served = models.find((m) => m.id === modelName);
    if (models.length && !served) {
      throw new EngineError('server-error', `the model server at ${server.label} does not serve '${modelName}'; it serves: ${models.map((m) => m.id).join(', ')}`);
    }
    const props = await llamaServerProps(server, signal);
    const api = options.api ?? (props ? 'llama-server' : served?.owned_by === 'vllm' ? 'vllm' : served?.owned_by === 'sglang' ? 'sglang' : 'openai');
    const contextSize = options.contextSize ?? served?.max_model_len ?? props?.contextSize ?? FALLBACK_CONTEXT_SIZE;
    const adapter = options.adapter ? await resolveAdapter(server, api, options.adapter, models, signal) : null;
    return { api, modelName, contextSize, adapter };
  },

  generation(params: GenerateParams, served: Served, root: string): RemoteRequest {
    const shape = REMOTE_API_SHAPES[served.api];
    const prefill = !!params.responsePrefix && !params.rawCompletion;
    const body = {
      model: served.modelName,
      ...(params.rawCompletion ? { prompt: completionInput(params) } : { messages: chatMessages(params) }),
      max_tokens: params.maxTokens,
      temperature: params.temperature,
      ...(params.topP !== undefined ? { top_p: params.topP } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.stop?.length ? { stop: params.stop } : {}),
      ...(params.grammar ? (shape.grammar?.(params.grammar) ?? {}) : {}),
      ...(prefill ? shape.continueFinalMessage : {}),
      ...served.adapter?.fields,
      stream: true,
      stream_options: { include_usage: true },
    };
    return { url: `${root}/v1${params.rawCompletion ? '/completions' : '/chat/completions'}`, body, framing: 'sse' };
  },

  /** llama-server's /infill: the prompt, then the begun answer, as the prefix. */
  infill(params: GenerateParams, served: Served, root: string): RemoteRequest | null {
    if (!REMOTE_API_SHAPES[served.api].fillsInTheMiddle) return null;
    const body = {
      input_prefix: completionInput(params),
      input_suffix: params.suffix,
      n_predict: params.maxTokens,
      temperature: params.temperature,
      ...(params.topP !== undefined ? { top_p: params.topP } : {}),
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      ...(params.stop?.length ? { stop: params.stop } : {}),
      ...(params.grammar ? { grammar: params.grammar } : {}),
      ...served.adapter?.fields,
      stream: true,
    };
    return { url: `${root}/infill`, body, framing: 'sse' };
  },

  readEvent(event: unknown): StreamPiece {
    const data = event as OpenAiEvent;
    if (data.error) return { text: '', error: typeof data.error === 'string' ? data.error : (data.error.message ?? 'no message') };
    const choice = data.choices?.[0];
    const piece: StreamPiece = { text: choice?.delta?.content ?? choice?.text ?? data.content ?? '' };
    if (data.usage) {
      const usage = data.usage;
      piece.usage = () => usage;
    }
    if (data.stop) {
      piece.finish = data.stop_type === 'limit' ? 'length' : 'stop';
      piece.usage = (counted) => ({ prompt_tokens: data.tokens_evaluated ?? 0, completion_tokens: data.tokens_predicted ?? counted });
    }
    if (choice?.finish_reason) piece.finish = choice.finish_reason === 'length' ? 'length' : 'stop';
    return piece;
  },
};

/** llama-server's `/props` (its context size); null from a server that has none. */
async function llamaServerProps(server: RemoteServer, signal?: AbortSignal): Promise<{ contextSize?: number } | null> {
  try {
    const props = (await requestJson(`${server.root}/props`, { method: 'GET' }, { ...server.http(signal), retries: 0 })) as { default_generation_settings?: { n_ctx?: number } } | null;
    const settings = props?.default_generation_settings;
    if (!settings) return null;
    return settings.n_ctx ? { contextSize: settings.n_ctx } : {};
  } catch (error) {
    if (error instanceof EngineError && error.code === 'cancelled') throw error;
    return null;
  }
}

/**
 * The adapter as this server applies it. vLLM: one of its LoRA modules (by name, or by its file's
 * name), asked for as the model, at the scale it was trained at. llama-server: one of the adapters it
 * loaded (GET /lora-adapters), by its file's name, at any scale, per request (adapters a request
 * leaves out get scale 0 for it). Elsewhere: refused, saying what to do.
 */
async function resolveAdapter(server: RemoteServer, api: RemoteApi, wanted: RemoteAdapterChoice, models: ListedModel[], signal?: AbortSignal): Promise<Served['adapter']> {
  const how = REMOTE_API_SHAPES[api].adapters;
  const file = basename(wanted.name);
  if (how === 'model-name') {
    const modules = models.filter((m) => m.parent);
    const module = modules.find((m) => m.id === wanted.name) ?? modules.find((m) => m.root !== undefined && basename(m.root) === file);
    if (!module) {
      throw new EngineError('model-missing', `the vLLM server at ${server.label} serves no LoRA adapter '${wanted.name}'${modules.length ? `; its adapters: ${modules.map((m) => m.id).join(', ')}` : ''} (start it with --enable-lora --lora-modules NAME=PATH)`);
    }
    if (wanted.scale !== 1) throw new EngineError('unsupported', `vLLM applies a LoRA adapter as trained, at scale 1; leave out ':${wanted.scale}'`);
    return { label: `${module.id} (LoRA of ${module.parent})`, fields: { model: module.id } };
  }
  if (how === 'lora-field') {
    const listed = (await requestJson(`${server.root}/lora-adapters`, { method: 'GET' }, server.http(signal))) as { id: number; path: string }[] | null;
    const adapters = Array.isArray(listed) ? listed : [];
    const adapter = adapters.find((a) => a.path === wanted.name) ?? adapters.find((a) => basename(a.path) === file);
    if (!adapter) {
      throw new EngineError('model-missing', `the llama-server at ${server.label} has no LoRA adapter '${file}' loaded${adapters.length ? `; it has: ${adapters.map((a) => basename(a.path)).join(', ')}` : ''} (start it with --lora PATH; --lora-init-without-apply keeps it off for other requests)`);
    }
    return { label: `${basename(adapter.path)} at scale ${wanted.scale}`, fields: { lora: [{ id: adapter.id, scale: wanted.scale }] } };
  }
  throw new EngineError(
    'unsupported',
    `a LoRA adapter per request is not supported by ${api === 'sglang' ? 'SGLang' : 'this engine'} in Quarry: serve the merged model, or use vLLM (--lora-modules) or llama-server (--lora)`,
  );
}
