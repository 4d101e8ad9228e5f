import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import {
  DEFAULT_BATCH_SEQUENCES,
  DEFAULT_COMPLETION_SETTINGS,
  DEFAULT_GHOST_LINE_LENGTH,
  DEFAULT_CONTEXT_SIZE,
  DEFAULT_CORRECTIONS,
  DEFAULT_EXAMPLES,
  DEFAULT_GRAMMAR,
  DEFAULT_HISTORY_ENTRIES,
  DEFAULT_MAX_ROWS,
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_PROMPT_FORMAT,
  DEFAULT_SAMPLE_VALUES,
  DEFAULT_TIMEOUT_MS,
} from '../core/defaults';
import type { CompletionSettings } from '../core/complete/InlineCompleter';
import type { PromptFormatId } from '../core/prompt/PromptFormat';
import { isPromptFormatId } from '../core/prompt/promptFormats';
import type { GrammarMode } from '../core/sql/grammarFor';
import { isRemoteApi, type RemoteApi } from '../core/engine/remote/remoteApis';
import type { GpuChoice, ModelSettings } from '../core/types/ModelSettings';

export interface QuarrySettings {
  queryTimeoutMs: number;
  maxRows: number;
  memoryLimitMb: number;
  /** Example values per text column; 0 when schema-only mode is on. */
  sampleValues: number;
  schemaOnly: boolean;
  model: ModelSettings & { source: string; sha256: string; lora: string; loraScale: number; huggingFaceEndpoint: string };
  /** A model on a serving engine: used instead of `model.source` when `endpoint` is set (the API key is in SecretStorage). */
  server: { endpoint: string; api: RemoteApi | undefined; name: string };
  grammar: GrammarMode;
  /** Undefined: detected from the model file. */
  promptFormat: PromptFormatId | undefined;
  corrections: number;
  completion: CompletionSettings & { enabled: boolean; maxLineLength: number };
  /** What goes into the prompt besides the question: see PromptContextSources. */
  context: {
    /** Tokens the schema, values and examples may take; 0: what the model's context leaves. */
    budget: number;
    /** A (question, SQL) pool: JSONL, a JSON array, or a dataset folder; '' for none. */
    examplesFile: string;
    /** auto: as the prompt format says (formats trained zero-shot get none). */
    examples: 'auto' | 'on' | 'off';
    shots: number;
  };
  /** Quarry's record of Asks and Runs (QueryHistoryService). */
  history: { enabled: boolean; maxEntries: number };
}

export function readSettings(): QuarrySettings {
  const config = vscode.workspace.getConfiguration('quarry');
  const schemaOnly = config.get<boolean>('privacy.schemaOnly', false);
  const grammar = config.get<GrammarMode>('model.grammar', DEFAULT_GRAMMAR);
  const promptFormat = promptFormatSetting(config.get<string>('model.promptFormat', DEFAULT_PROMPT_FORMAT));
  return {
    queryTimeoutMs: config.get<number>('query.timeoutMs', DEFAULT_TIMEOUT_MS),
    maxRows: config.get<number>('query.maxRows', DEFAULT_MAX_ROWS),
    memoryLimitMb: config.get<number>('query.memoryLimitMb', DEFAULT_MEMORY_LIMIT_MB),
    sampleValues: schemaOnly ? 0 : config.get<number>('schema.sampleValues', DEFAULT_SAMPLE_VALUES),
    schemaOnly,
    model: {
      source: config.get<string>('model.source', '').trim(),
      sha256: config.get<string>('model.sha256', '').trim(),
      lora: config.get<string>('model.lora', '').trim(),
      loraScale: Math.min(4, Math.max(0, config.get<number>('model.loraScale', 1))),
      huggingFaceEndpoint: config.get<string>('model.huggingFaceEndpoint', '').trim(),
      gpu: config.get<GpuChoice>('model.gpu', 'auto'),
      // More threads than cores only slows llama.cpp down; 0: by the model's size.
      ...(config.get<number>('model.threads', 0) > 0 ? { threads: Math.min(config.get<number>('model.threads', 0), availableParallelism()) } : {}),
      contextSize: config.get<number>('model.contextSize', DEFAULT_CONTEXT_SIZE),
      gpuLayers: config.get<number>('model.gpuLayers', -1) < 0 ? 'auto' : config.get<number>('model.gpuLayers', -1),
      batchSequences: config.get<number>('model.batchSequences', DEFAULT_BATCH_SEQUENCES),
    },
    server: {
      endpoint: config.get<string>('model.endpoint', '').trim(),
      api: remoteApiSetting(config.get<string>('model.api', 'auto')),
      name: config.get<string>('model.name', '').trim(),
    },
    grammar,
    promptFormat,
    corrections: config.get<number>('ask.corrections', DEFAULT_CORRECTIONS),
    context: {
      budget: Math.max(0, config.get<number>('context.budget', 0)),
      examplesFile: config.get<string>('context.examplesFile', '').trim(),
      examples: config.get<'auto' | 'on' | 'off'>('context.examples', 'auto'),
      shots: Math.min(20, Math.max(1, config.get<number>('context.shots', DEFAULT_EXAMPLES))),
    },
    history: {
      enabled: config.get<boolean>('history.enabled', true),
      maxEntries: Math.max(100, config.get<number>('history.maxEntries', DEFAULT_HISTORY_ENTRIES)),
    },
    completion: {
      enabled: config.get<boolean>('completion.enabled', true),
      maxLineLength: Math.max(0, config.get<number>('completion.maxLineLength', DEFAULT_GHOST_LINE_LENGTH)),
      grammar,
      debounceMs: config.get<number>('completion.debounceMs', DEFAULT_COMPLETION_SETTINGS.debounceMs),
      maxTokens: config.get<number>('completion.maxTokens', DEFAULT_COMPLETION_SETTINGS.maxTokens),
      continuationMaxTokens: config.get<number>('completion.continuationMaxTokens', DEFAULT_COMPLETION_SETTINGS.continuationMaxTokens),
      onlyOnComment: config.get<boolean>('completion.onlyOnComment', DEFAULT_COMPLETION_SETTINGS.onlyOnComment),
      ...(promptFormat ? { promptFormat } : {}),
    },
  };
}

function remoteApiSetting(value: string): RemoteApi | undefined {
  return isRemoteApi(value) ? value : undefined;
}

function promptFormatSetting(value: string): PromptFormatId | undefined {
  return isPromptFormatId(value) ? value : undefined;
}
