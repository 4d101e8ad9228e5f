import { ModelEngine, type ModelEngineOptions } from './ModelEngine';
import { RemoteModel, type RemoteModelOptions } from './remote/RemoteModel';

/** The engines Quarry can run a model on; each kind is one implementation of LanguageModel. */
export type EngineChoice = ({ kind: 'llama.cpp' } & ModelEngineOptions) | ({ kind: 'remote' } & RemoteModelOptions);

/**
 * The engine for a choice: llama.cpp in a child process (node-llama-cpp), opened with `load()`, or a
 * model on a serving engine (vLLM, llama-server, SGLang, Ollama, OpenAI-compatible), opened with `connect()`.
 */
export function createLanguageModel(choice: { kind: 'llama.cpp' } & ModelEngineOptions): ModelEngine;
export function createLanguageModel(choice: { kind: 'remote' } & RemoteModelOptions): RemoteModel;
export function createLanguageModel(choice: EngineChoice): ModelEngine | RemoteModel {
  const { kind, ...options } = choice;
  if (kind === 'remote') return new RemoteModel(options as RemoteModelOptions);
  if (kind !== 'llama.cpp') throw new Error(`no model engine of kind '${String(kind)}'`);
  return new ModelEngine(options as ModelEngineOptions);
}
