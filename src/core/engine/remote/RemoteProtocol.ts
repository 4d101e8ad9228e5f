import type { GenerateParams } from '../../protocol/modelServerMethods';
import type { RemoteApi } from './remoteApis';
import type { HttpOptions } from './remoteHttp';

/** The context window assumed when the server does not say and the user did not either. */
export const FALLBACK_CONTEXT_SIZE = 8192;

/** The server as a protocol sees it: where it is, how it may be named, and the options every request goes with. */
export interface RemoteServer {
  /** The server's root URL (without /v1). */
  root: string;
  /** The endpoint as it may be shown: no key or password in it. */
  label: string;
  http(signal?: AbortSignal): HttpOptions;
}

/** A LoRA adapter the server holds, asked for by its name there (or its file's), at a scale. */
export interface RemoteAdapterChoice {
  name: string;
  scale: number;
}

export interface ConnectOptions {
  modelName?: string;
  contextSize?: number;
  /** The engine, when the user named it; else the protocol tells it from the server's answers. */
  api?: RemoteApi;
  adapter?: RemoteAdapterChoice;
}

/** What a connection found: the engine, the model asked for, its context, and how requests ask for the adapter. */
export interface Served {
  api: RemoteApi;
  modelName: string;
  contextSize: number;
  /** The adapter as the server names it, and the fields that apply it to a request; null without one. */
  adapter: { label: string; fields: Record<string, unknown> } | null;
}

export interface RemoteRequest {
  url: string;
  body: Record<string, unknown>;
  framing: 'sse' | 'ndjson';
}

/** OpenAI's token counts of an answer. */
export interface Usage {
  prompt_tokens?: number;
  completion_tokens?: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

/** One streamed event in Quarry's terms. */
export interface StreamPiece {
  text: string;
  /** The server's own error, sent inside the stream. */
  error?: string;
  finish?: 'stop' | 'length';
  /** Token counts, where the event carries them; `counted` fills in what the server left out. */
  usage?: (counted: number) => Usage;
}

/**
 * One serving API (OpenAI-compatible, Ollama's own): how to connect, build a request and read an
 * event of its answer. RemoteModel keeps what all of them share: the stream's budget and clock,
 * batches, cancellation. An adapter is a field of the connection and of each request.
 */
export interface RemoteProtocol {
  connect(server: RemoteServer, options: ConnectOptions, signal?: AbortSignal): Promise<Served>;
  /** A chat request, or a raw completion when the params ask for one. */
  generation(params: GenerateParams, served: Served, root: string): RemoteRequest;
  /** The engine's own fill-in-the-middle request for text after the cursor; null where it has none. */
  infill(params: GenerateParams, served: Served, root: string): RemoteRequest | null;
  readEvent(event: unknown): StreamPiece;
}
