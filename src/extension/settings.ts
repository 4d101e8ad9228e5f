import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_MEMORY_LIMIT_MB } from '../core/db/Database';
import { DEFAULT_COMPLETION_SETTINGS, type CompletionSettings } from '../core/complete/InlineCompleter';
import { DEFAULT_BATCH_SEQUENCES, type GpuChoice, type ModelSettings } from '../core/engine/ModelSettings';

export interface QuarrySettings {
  queryTimeoutMs: number;
  maxRows: number;
  memoryLimitMb: number;
  /** Example values per text column; 0 when schema-only mode is on. */
  sampleValues: number;
  schemaOnly: boolean;
  model: ModelSettings & { source: string; sha256: string; lora: string };
  grammar: boolean;
  corrections: number;
  completion: CompletionSettings & { enabled: boolean };
}

export function readSettings(): QuarrySettings {
  const config = vscode.workspace.getConfiguration('quarry');
  const schemaOnly = config.get<boolean>('privacy.schemaOnly', false);
  return {
    queryTimeoutMs: config.get<number>('query.timeoutMs', 10_000),
    maxRows: config.get<number>('query.maxRows', 10_000),
    memoryLimitMb: config.get<number>('query.memoryLimitMb', DEFAULT_MEMORY_LIMIT_MB),
    sampleValues: schemaOnly ? 0 : config.get<number>('schema.sampleValues', 3),
    schemaOnly,
    model: {
      source: config.get<string>('model.source', '').trim(),
      sha256: config.get<string>('model.sha256', '').trim(),
      lora: config.get<string>('model.lora', '').trim(),
      gpu: config.get<GpuChoice>('model.gpu', 'auto'),
      // More threads than cores only slows llama.cpp down.
      threads: Math.min(config.get<number>('model.threads', 0) || 8, availableParallelism()),
      contextSize: config.get<number>('model.contextSize', 4096),
      gpuLayers: config.get<number>('model.gpuLayers', -1) < 0 ? 'auto' : config.get<number>('model.gpuLayers', -1),
      batchSequences: config.get<number>('model.batchSequences', DEFAULT_BATCH_SEQUENCES),
    },
    grammar: config.get<boolean>('ask.grammar', true),
    corrections: config.get<number>('ask.corrections', 2),
    completion: {
      enabled: config.get<boolean>('completion.enabled', true),
      debounceMs: config.get<number>('completion.debounceMs', DEFAULT_COMPLETION_SETTINGS.debounceMs),
      maxTokens: config.get<number>('completion.maxTokens', DEFAULT_COMPLETION_SETTINGS.maxTokens),
      onlyOnComment: config.get<boolean>('completion.onlyOnComment', DEFAULT_COMPLETION_SETTINGS.onlyOnComment),
    },
  };
}
