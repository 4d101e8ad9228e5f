import { ModelEngine, type ModelEngineOptions } from './ModelEngine';

/** The engines Quarry can run a model on; each kind is one implementation of LanguageModel. */
export type EngineChoice = { kind: 'llama.cpp' } & ModelEngineOptions;

/** The engine for a choice: today llama.cpp in a child process (node-llama-cpp), loaded with `load()`. */
export function createLanguageModel(choice: EngineChoice): ModelEngine {
  const { kind, ...options } = choice;
  if (kind !== 'llama.cpp') throw new Error(`no model engine of kind '${String(kind)}'`);
  return new ModelEngine(options);
}
