/**
 * The serving engines Quarry talks to, and where each one reads what Quarry sends: the same
 * OpenAI-style chat and completions requests, with the grammar, an assistant message to continue,
 * and token counting in each engine's own documented fields. Adding an engine is adding an entry.
 */
export type RemoteApi = 'vllm' | 'llama-server' | 'sglang' | 'ollama' | 'openai';

export const REMOTE_APIS: readonly RemoteApi[] = ['vllm', 'llama-server', 'sglang', 'ollama', 'openai'];

export interface RemoteApiShape {
  /** The request fields that hold a GBNF grammar; null where the engine reads none (validation and correction do that work). */
  grammar: ((gbnf: string) => Record<string, unknown>) | null;
  /** Its own fill-in-the-middle request for text after the cursor (llama-server's /infill, Ollama's suffix). */
  fillsInTheMiddle: boolean;
  /** Fields that make a chat request go on from its last, assistant, message instead of starting a new one. */
  continueFinalMessage: Record<string, unknown>;
  /**
   * How a request asks for a LoRA adapter the server loaded: `model-name` (vLLM serves each of its
   * --lora-modules as a model of its own), `lora-field` (llama-server's `lora: [{id, scale}]`, ids
   * from GET /lora-adapters), or null: the engine applies none per request.
   */
  adapters: 'model-name' | 'lora-field' | null;
  /** The engine's tokenizer endpoint (at the server's root), and how to read a count from its answer; null: estimated. */
  tokenize: { path: string; body(model: string, text: string): unknown; count(answer: unknown): number } | null;
}

export const REMOTE_API_SHAPES: Record<RemoteApi, RemoteApiShape> = {
  // vLLM ≥ 0.12: `structured_outputs` (GBNF recognised by its `::=`, compiled by xgrammar); the chat template goes on from a final assistant message.
  vllm: {
    grammar: (gbnf) => ({ structured_outputs: { grammar: gbnf } }),
    continueFinalMessage: { continue_final_message: true, add_generation_prompt: false },
    fillsInTheMiddle: false,
    adapters: 'model-name',
    tokenize: { path: '/tokenize', body: (model, text) => ({ model, prompt: text, add_special_tokens: false }), count: (answer) => numberField(answer, 'count') },
  },
  // llama.cpp's llama-server: `grammar` in the body (its OpenAI endpoints pass it through); a final assistant message is prefilled.
  'llama-server': {
    grammar: (gbnf) => ({ grammar: gbnf }),
    continueFinalMessage: {},
    fillsInTheMiddle: true,
    adapters: 'lora-field',
    tokenize: { path: '/tokenize', body: (_model, text) => ({ content: text }), count: (answer) => arrayField(answer, 'tokens').length },
  },
  // SGLang: `ebnf` (the GBNF dialect XGrammar reads) in the OpenAI body.
  sglang: {
    grammar: (gbnf) => ({ ebnf: gbnf }),
    continueFinalMessage: { continue_final_message: true },
    fillsInTheMiddle: false,
    adapters: null,
    tokenize: null,
  },
  // Ollama's own API (/api/chat, /api/generate; ollamaProtocol speaks it): JSON-schema `format` only, so no grammar; a final assistant message is continued.
  // An adapter is part of a model there (a Modelfile's ADAPTER line), never of a request.
  ollama: { grammar: null, continueFinalMessage: {}, fillsInTheMiddle: true, adapters: null, tokenize: null },
  openai: { grammar: null, continueFinalMessage: {}, fillsInTheMiddle: false, adapters: null, tokenize: null },
};

export function isRemoteApi(value: string): value is RemoteApi {
  return (REMOTE_APIS as readonly string[]).includes(value);
}

function numberField(answer: unknown, key: string): number {
  const value = (answer as Record<string, unknown> | null)?.[key];
  if (typeof value !== 'number') throw new Error(`no number "${key}" in the answer`);
  return value;
}

function arrayField(answer: unknown, key: string): unknown[] {
  const value = (answer as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(value)) throw new Error(`no list "${key}" in the answer`);
  return value;
}
