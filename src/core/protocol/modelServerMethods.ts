import type { Device, ModelSettings } from '../types/ModelSettings';
import type { AbortPolicies, Outcome } from './rpc';

export interface LoadParams extends ModelSettings {
  modelPath: string;
  loraPath?: string;
  /** How much of the adapter to apply: 1 as trained, 0 none (llama.cpp multiplies its alpha / rank by this). */
  loraScale?: number;
}

export interface ModelStatus {
  modelPath: string;
  loraPath: string | null;
  device: Device;
  contextSize: number;
  /** Whether the GGUF carries a chat template; without one, prompts are plain completions. */
  chatTemplate: boolean;
  loadMs: number;
}

export interface GenerateParams {
  /** Chat messages, used when the model has a chat template. */
  system: string;
  user: string;
  /** A follow-up's earlier exchanges, as chat turns between the system turn and `user`. */
  earlierTurns?: { user: string; assistant: string }[];
  /** A plain completion prompt, used when it has none. */
  completion: string;
  /** Use `completion` even when the model has a chat template (a format trained on raw text, like SQLCoder's). */
  rawCompletion?: boolean;
  /** Where the answer ends, besides the grammar's end and the model's own end of text (SQLCoder's `[/SQL]`). */
  stop?: string[];
  /**
   * Text the answer starts with, already written (the statement the user has begun): the model goes
   * on from it, and `grammar` constrains only what follows it.
   */
  responsePrefix?: string;
  /** Text after the cursor: with a model that has fill-in-the-middle tokens (and no chat template), the answer fills the gap. */
  suffix?: string;
  /** GBNF the output must follow; null for free text. With `reasoning`, the part from the fence on. */
  grammar: string | null;
  /**
   * For a model that reasons before it answers: free text until `open` (the opening fence of its
   * SQL block), then `grammar` from the line after it. After `thinkingTokens` tokens with no fence
   * the fence is written for the model, so the answer always ends in SQL.
   */
  reasoning?: ReasoningShape;
  /** Tokens of the answer (with `reasoning`: of the part from the fence on). */
  maxTokens: number;
  temperature: number;
  /** Nucleus sampling: with temperature > 0, only the likeliest tokens whose probabilities add up to this. */
  topP?: number;
  /** Fixes the sampling when temperature > 0, for reproducible runs. */
  seed?: number;
}

export interface ReasoningShape {
  /**
   * Where the thinking ends (`</think>`): a fence before it is a draft, not the answer. The marker
   * too is written for the model when the budget runs out first.
   */
  after?: string;
  open: string;
  /** The closing fence: without a grammar to end the block, generation stops there. */
  close: string;
  thinkingTokens: number;
}

export interface GenerateResult {
  text: string;
  promptTokens: number;
  /** Prompt tokens already in the context from an earlier request (the cached schema prefix). */
  reusedTokens: number;
  generatedTokens: number;
  /** Time to evaluate the prompt (to the first generated token) and to generate the rest. */
  promptMs: number;
  generateMs: number;
  /** Time llama.cpp took to parse the request's grammar (0 when it was parsed for an earlier request); absent where the engine does not say. */
  grammarMs?: number;
  stopReason: string;
  /** Whether the answer was made by fill-in-the-middle. */
  infill?: boolean;
  /** With `reasoning`: tokens of free text before the fence, and whether Quarry wrote the fence because the model had not by then. */
  thinkingTokens?: number;
  fenceForced?: boolean;
}

/** One answer of a batch: a prompt that fails (too long for the context) fails alone. */
export type BatchItemOutcome = Outcome<GenerateResult>;

/** Requests the embedded model server answers; `generate` and `generateBatch` can be cancelled (RpcCancel). */
export type ModelServerMethods = {
  load: { params: LoadParams; result: ModelStatus };
  generate: { params: GenerateParams; result: GenerateResult };
  /** Generates on several context sequences at once; the answers come in the order of the requests. */
  generateBatch: { params: { requests: GenerateParams[] }; result: { results: BatchItemOutcome[] } };
  countTokens: { params: { text: string }; result: { count: number } };
  status: { params: Record<string, never>; result: ModelStatus | null };
};

/** Loading cannot be interrupted inside llama.cpp; a generation can, and the model stays loaded; counting and status are never worth the server. */
export const MODEL_SERVER_ABORT_POLICIES: AbortPolicies<ModelServerMethods> = {
  load: 'stop-child',
  generate: 'ask-child',
  generateBatch: 'ask-child',
  countTokens: 'abandon',
  status: 'abandon',
};
