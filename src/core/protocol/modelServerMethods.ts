import type { Device, ModelSettings } from '../engine/ModelSettings';

export interface LoadParams extends ModelSettings {
  modelPath: string;
  loraPath?: string;
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
  /** A plain completion prompt, used when it has none. */
  completion: string;
  /** GBNF the output must follow; null for free text. */
  grammar: string | null;
  maxTokens: number;
  temperature: number;
  /** Fixes the sampling when temperature > 0, for reproducible runs. */
  seed?: number;
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
  stopReason: string;
}

/** Requests the embedded model server answers; `generate` can be cancelled (RpcCancel). */
export type ModelServerMethods = {
  load: { params: LoadParams; result: ModelStatus };
  generate: { params: GenerateParams; result: GenerateResult };
  countTokens: { params: { text: string }; result: { count: number } };
  status: { params: Record<string, never>; result: ModelStatus | null };
};
