/**
 * The embedded model server: node-llama-cpp in its own process. A malformed GGUF can abort llama.cpp
 * (exit code 134) in a way no JavaScript can catch; here that ends only this process, and the
 * parent reports it and starts a fresh one on the next request. Built as an ES module because
 * node-llama-cpp is one.
 */
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  resolveChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type LlamaText,
  type Token,
} from 'node-llama-cpp';
import { serveRpc } from '../ipc/serveRpc';
import type { GenerateParams, GenerateResult, LoadParams, ModelServerMethods, ModelStatus } from '../protocol/modelServerMethods';
import { EngineError } from './EngineError';
import type { Device } from './ModelSettings';

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  status: ModelStatus;
}

let loaded: Loaded | null = null;
const grammars = new Map<string, LlamaGrammar>();
const MAX_CACHED_GRAMMARS = 8;
/** llama.cpp's own complaints, kept so a failed load can say why. */
const llamaLog: string[] = [];

async function load(params: LoadParams): Promise<ModelStatus> {
  await unload();
  const started = performance.now();
  llamaLog.length = 0;
  const llama = await getLlama({
    gpu: params.gpu === 'off' ? false : params.gpu,
    // Never compile llama.cpp on a user's machine: the prebuilt binaries or a clear error.
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    logger: (_level, message) => void llamaLog.push(message.trim()),
  });
  let model: LlamaModel;
  try {
    model = await llama.loadModel({ modelPath: params.modelPath, gpuLayers: params.gpuLayers });
  } catch (error) {
    const reason =
      llamaLog.findLast((line) => /error loading model/i.test(line))?.replace(/^.*?error loading model:\s*/i, '') ??
      llamaLog.findLast((line) => /error|fail|invalid/i.test(line)) ??
      (error as Error).message;
    throw new EngineError('model-load-failed', `model failed to load: ${params.modelPath}: ${reason}`);
  }
  const context = await model.createContext({
    contextSize: Math.min(params.contextSize, model.trainContextSize),
    threads: params.threads,
    sequences: 1,
    ...(params.loraPath ? { lora: { adapters: [{ filePath: params.loraPath }] } } : {}),
  });
  const sequence = context.getSequence();
  const status: ModelStatus = {
    modelPath: params.modelPath,
    loraPath: params.loraPath ?? null,
    device: (llama.gpu || 'cpu') as Device,
    contextSize: context.contextSize,
    chatTemplate: typeof model.fileInfo.metadata?.tokenizer?.chat_template === 'string',
    loadMs: performance.now() - started,
  };
  loaded = { llama, model, context, sequence, completion: new LlamaCompletion({ contextSequence: sequence }), status };
  return status;
}

async function unload(): Promise<void> {
  grammars.clear();
  if (!loaded) return;
  const { completion, context, model } = loaded;
  loaded = null;
  completion.dispose();
  await context.dispose();
  await model.dispose();
}

function current(): Loaded {
  if (!loaded) throw new EngineError('no-model', 'no model is loaded');
  return loaded;
}

async function grammarFor(llama: Llama, text: string): Promise<LlamaGrammar> {
  let grammar = grammars.get(text);
  if (!grammar) {
    grammar = await llama.createGrammar({ grammar: text });
    if (grammars.size >= MAX_CACHED_GRAMMARS) grammars.delete(grammars.keys().next().value!);
    grammars.set(text, grammar);
  }
  return grammar;
}

/** The prompt as the model expects it: its chat template when it has one, a plain completion otherwise. */
function promptFor(state: Loaded, params: GenerateParams): { input: string | LlamaText; stopTriggers: (string | LlamaText)[] } {
  if (!state.status.chatTemplate) return { input: params.completion, stopTriggers: params.grammar ? [] : ['\n\n', ';'] };
  const wrapper = resolveChatWrapper(state.model);
  const { contextText, stopGenerationTriggers } = wrapper.generateContextState({
    chatHistory: [
      { type: 'system', text: params.system },
      { type: 'user', text: params.user },
      { type: 'model', response: [] },
    ],
  });
  return { input: contextText, stopTriggers: stopGenerationTriggers };
}

async function generate(params: GenerateParams, signal: AbortSignal): Promise<GenerateResult> {
  const state = current();
  const { input, stopTriggers } = promptFor(state, params);
  // Tokenized as LlamaCompletion does (no leading space after the BOS), to see how much of the context it will reuse.
  const tokens =
    typeof input === 'string' ? state.model.tokenize(input, false, 'trimLeadingSpace') : input.tokenize(state.model.tokenizer, 'trimLeadingSpace');
  const bos = state.model.tokens.bos;
  const withBos: Token[] = bos != null && tokens[0] !== bos ? [bos, ...tokens] : tokens;
  const reusedTokens = Math.min(state.sequence.compareContextTokens(withBos).firstDifferentIndex, withBos.length);
  const grammar = params.grammar ? await grammarFor(state.llama, params.grammar) : undefined;
  const started = performance.now();
  let firstTokenAt: number | null = null;
  let generatedTokens = 0;
  try {
    const { response, metadata } = await state.completion.generateCompletionWithMeta(input, {
      grammar,
      maxTokens: params.maxTokens,
      temperature: params.temperature,
      ...(params.seed !== undefined ? { seed: params.seed } : {}),
      signal,
      customStopTriggers: stopTriggers.length ? stopTriggers : undefined,
      onToken: (chunk) => {
        firstTokenAt ??= performance.now();
        generatedTokens += chunk.length;
      },
    });
    const ended = performance.now();
    const promptMs = (firstTokenAt ?? ended) - started;
    return {
      text: response,
      promptTokens: withBos.length,
      reusedTokens,
      generatedTokens,
      promptMs,
      generateMs: ended - started - promptMs,
      stopReason: metadata.stopReason,
    };
  } catch (error) {
    if (signal.aborted) throw new EngineError('cancelled', 'cancelled');
    throw new EngineError('generation-failed', `generation failed: ${(error as Error).message}`);
  }
}

serveRpc<ModelServerMethods>(
  {
    load: (params) => load(params),
    generate: (params, signal) => generate(params, signal),
    countTokens: async ({ text }) => ({ count: current().model.tokenize(text).length }),
    status: async () => loaded?.status ?? null,
  },
  // Concurrent, so a cancel is heard while a generation runs; node-llama-cpp queues the work itself.
  { concurrent: true, onDisconnect: () => void unload() },
);
