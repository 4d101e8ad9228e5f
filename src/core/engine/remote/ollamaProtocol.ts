import type { GenerateParams } from '../../protocol/modelServerMethods';
import { completionInput } from '../../protocol/completionInput';
import { EngineError } from '../EngineError';
import { chatMessages } from './chatMessages';
import { requestJson } from './remoteHttp';
import { FALLBACK_CONTEXT_SIZE, type ConnectOptions, type RemoteProtocol, type RemoteRequest, type RemoteServer, type Served, type StreamPiece } from './RemoteProtocol';

/** One JSON line of Ollama's streamed answer. */
interface OllamaEvent {
  error?: string;
  message?: { content?: string };
  response?: string;
  done?: boolean;
  done_reason?: string;
  prompt_eval_count?: number;
  eval_count?: number;
}

/**
 * Ollama's own API: the model list (/api/tags), its context (/api/show), chats (/api/chat) and raw
 * or fill-in-the-middle prompts (/api/generate), answered as JSON lines with `options` of its own names.
 */
export const ollamaProtocol: RemoteProtocol = {
  async connect(server: RemoteServer, options: ConnectOptions, signal?: AbortSignal): Promise<Served> {
    if (options.adapter) {
      // Ollama binds an adapter to a model it builds, not to a request.
      throw new EngineError('unsupported', `Ollama applies a LoRA adapter only as part of a model: write a Modelfile (FROM <base>, ADAPTER ${options.adapter.name}), run ollama create NAME -f Modelfile, then ask for --model-name NAME without --lora`);
    }
    const http = server.http(signal);
    const models = ((await requestJson(`${server.root}/api/tags`, { method: 'GET' }, http)) as { models?: { name: string }[] }).models ?? [];
    const modelName = options.modelName ?? models[0]?.name;
    if (!modelName) throw new EngineError('server-error', `the Ollama server at ${server.label} has no model pulled (ollama pull <model>)`);
    if (!models.some((m) => m.name === modelName || m.name === `${modelName}:latest`)) {
      throw new EngineError('server-error', `the Ollama server at ${server.label} has no model '${modelName}'; it has: ${models.map((m) => m.name).join(', ')}`);
    }
    const shown = (await requestJson(`${server.root}/api/show`, { method: 'POST', body: { model: modelName } }, http)) as { model_info?: Record<string, unknown> };
    const length = Object.entries(shown.model_info ?? {}).find(([key]) => key.endsWith('.context_length'))?.[1];
    return { api: 'ollama', modelName, contextSize: options.contextSize ?? (typeof length === 'number' ? length : FALLBACK_CONTEXT_SIZE), adapter: null };
  },

  /** A chat (/api/chat), or a raw prompt (/api/generate with `raw`). */
  generation(params: GenerateParams, served: Served, root: string): RemoteRequest {
    const options = ollamaOptions(params);
    if (params.rawCompletion) return { url: `${root}/api/generate`, body: { model: served.modelName, prompt: completionInput(params), raw: true, stream: true, options }, framing: 'ndjson' };
    return { url: `${root}/api/chat`, body: { model: served.modelName, messages: chatMessages(params), stream: true, options }, framing: 'ndjson' };
  },

  infill(params: GenerateParams, served: Served, root: string): RemoteRequest | null {
    return { url: `${root}/api/generate`, body: { model: served.modelName, prompt: completionInput(params), suffix: params.suffix, stream: true, options: ollamaOptions(params) }, framing: 'ndjson' };
  },

  readEvent(event: unknown): StreamPiece {
    const data = event as OllamaEvent;
    if (data.error) return { text: '', error: data.error };
    const piece: StreamPiece = { text: data.message?.content ?? data.response ?? '' };
    if (data.done) {
      piece.finish = data.done_reason === 'length' ? 'length' : 'stop';
      piece.usage = (counted) => ({ prompt_tokens: data.prompt_eval_count ?? 0, completion_tokens: data.eval_count ?? counted });
    }
    return piece;
  },
};

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
