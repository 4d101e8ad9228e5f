import type { BatchItemOutcome, GenerateParams, GenerateResult, ModelStatus } from '../protocol/modelServerMethods';

/** What an engine can do, so callers choose their path without knowing which engine it is. */
export interface ModelCapabilities {
  /** Decoding can be held to a GBNF grammar. */
  grammar: boolean;
  /** A suffix (text after the cursor) can be filled in the middle, where the model has the tokens for it. */
  infill: boolean;
  /** The model brings its own chat template (otherwise prompts go out as plain completions). */
  chatTemplate: boolean;
  /** Several prompts can be generated side by side. */
  batching: boolean;
}

/**
 * The seam every model engine sits behind: Ask, evaluation, dataset building and inline completion
 * depend only on this. Today's engine is llama.cpp in a child process (ModelEngine); remote
 * servers are the next. How a model is loaded stays each engine's own business.
 */
export interface LanguageModel {
  /** The loaded model (null when none is): its context size, device, chat template. */
  readonly status: ModelStatus | null;
  /** The model file's own metadata (GGUF keys), when the engine can read it: what it says its family is. */
  readonly metadata: ReadonlyMap<string, unknown> | null;
  readonly capabilities: ModelCapabilities | null;
  generate(params: GenerateParams, signal?: AbortSignal): Promise<GenerateResult>;
  /** Several prompts side by side; each answer succeeds or fails on its own. */
  generateBatch(requests: GenerateParams[], signal?: AbortSignal): Promise<BatchItemOutcome[]>;
  countTokens(text: string, signal?: AbortSignal): Promise<number>;
}
