/**
 * The embedded model server: node-llama-cpp in its own process. A malformed GGUF can abort llama.cpp
 * (exit code 134) in a way no JavaScript can catch; here that ends only this process, and the
 * parent reports it and starts a fresh one on the next request. Built as an ES module because
 * node-llama-cpp is one.
 */
import { reasonThenAnswer } from './reasonThenAnswer';
import {
  getLlama,
  LlamaCompletion,
  LlamaLogLevel,
  LlamaText,
  readGgufFileInfo,
  resolveChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaCompletionGenerationOptions,
  type LlamaCompletionResponse,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { serveRpc } from '../ipc/serveRpc';
import type { BatchItemOutcome, GenerateParams, GenerateResult, LoadParams, ModelServerMethods, ModelStatus, ReasoningShape } from '../protocol/modelServerMethods';
import { EngineError } from './EngineError';
import { completionInput } from '../protocol/completionInput';
import { DEFAULT_BATCH_SEQUENCES } from '../defaults';
import { defaultThreads } from './defaultThreads';
import { availableParallelism } from 'node:os';
import type { Device } from '../types/ModelSettings';
import { workPool } from '../util/workPool';
import { checkLoraFits } from './checkLoraFits';

/** A context sequence and the completion object that generates on it. */
interface Lane {
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  params: LoadParams;
  context: LlamaContext;
  lane: Lane;
  /** A second context with several sequences, made on the first batch and kept for the next (its prompts' shared prefix stays evaluated). */
  batch: { context: LlamaContext | null; lanes: Lane[] } | null;
  status: ModelStatus;
}

let loaded: Loaded | null = null;
/** node-llama-cpp wants one Llama per process: made on the first load, kept while the GPU choice stays, disposed when the server ends. */
let llamaInstance: { gpu: LoadParams['gpu']; llama: Promise<Llama> } | null = null;
const grammars = new Map<string, LlamaGrammar>();
const MAX_CACHED_GRAMMARS = 8;
/** llama.cpp's own complaints, kept so a failed load can say why. */
const llamaLog: string[] = [];

async function load(params: LoadParams): Promise<ModelStatus> {
  await unload();
  const started = performance.now();
  llamaLog.length = 0;
  const llama = await llamaFor(params.gpu);
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
  if (params.loraPath) {
    const adapterInfo = await readGgufFileInfo(params.loraPath, { logWarnings: false });
    try {
      checkLoraFits({ path: params.modelPath, info: model.fileInfo }, { path: params.loraPath, info: adapterInfo });
    } catch (error) {
      await model.dispose();
      throw error;
    }
  }
  const context = await createContext(model, params, 1);
  const status: ModelStatus = {
    modelPath: params.modelPath,
    loraPath: params.loraPath ?? null,
    device: (llama.gpu || 'cpu') as Device,
    contextSize: context.contextSize,
    chatTemplate: typeof model.fileInfo.metadata?.tokenizer?.chat_template === 'string',
    loadMs: performance.now() - started,
  };
  loaded = { llama, model, params, context, lane: laneOf(context.getSequence()), batch: null, status };
  return status;
}

async function llamaFor(gpu: LoadParams['gpu']): Promise<Llama> {
  if (llamaInstance && llamaInstance.gpu !== gpu) await disposeLlama();
  llamaInstance ??= {
    gpu,
    llama: getLlama({
      gpu: gpu === 'off' ? false : gpu,
      // Never compile llama.cpp on a user's machine: the prebuilt binaries or a clear error.
      build: 'never',
      logLevel: LlamaLogLevel.warn,
      logger: (_level, message) => void llamaLog.push(message.trim()),
    }),
  };
  try {
    return await llamaInstance.llama;
  } catch (error) {
    llamaInstance = null;
    throw error;
  }
}

async function disposeLlama(): Promise<void> {
  const instance = llamaInstance;
  llamaInstance = null;
  const llama = await instance?.llama.catch(() => null);
  await llama?.dispose();
}

function createContext(model: LlamaModel, params: LoadParams, sequences: number): Promise<LlamaContext> {
  return model.createContext({
    contextSize: Math.min(params.contextSize, model.trainContextSize),
    threads: params.threads ?? defaultThreads(model.size, availableParallelism()),
    sequences,
    ...(params.loraPath ? { lora: { adapters: [{ filePath: params.loraPath, scale: params.loraScale ?? 1 }] } } : {}),
  });
}

function laneOf(sequence: LlamaContextSequence): Lane {
  return { sequence, completion: new LlamaCompletion({ contextSequence: sequence }) };
}

/** The batch lanes; where memory allows no second context, the one lane Ask uses, so a batch still runs, one prompt at a time. */
async function batchLanes(state: Loaded): Promise<Lane[]> {
  if (state.batch) return state.batch.lanes;
  const count = Math.max(1, state.params.batchSequences ?? DEFAULT_BATCH_SEQUENCES);
  if (count === 1) return [state.lane];
  try {
    const context = await createContext(state.model, state.params, count);
    state.batch = { context, lanes: Array.from({ length: count }, () => laneOf(context.getSequence())) };
  } catch (error) {
    llamaLog.push(`no memory for ${count} batch sequences, generating one at a time: ${(error as Error).message}`);
    state.batch = { context: null, lanes: [state.lane] };
  }
  return state.batch.lanes;
}

async function unload(): Promise<void> {
  grammars.clear();
  if (!loaded) return;
  const { lane, context, batch, model } = loaded;
  loaded = null;
  lane.completion.dispose();
  for (const batchLane of batch?.lanes ?? []) if (batchLane !== lane) batchLane.completion.dispose();
  await batch?.context?.dispose();
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
  const prefix = params.responsePrefix ?? '';
  // Free SQL without a template ends at a blank line or `;`; a grammar ends it itself, and thinking has blank lines.
  const freeSql = !params.grammar && !params.reasoning;
  const stop = params.stop ?? [];
  if (!state.status.chatTemplate || params.rawCompletion) return { input: completionInput(params), stopTriggers: [...(freeSql ? ['\n\n', ';'] : []), ...stop] };
  const wrapper = resolveChatWrapper(state.model);
  const { contextText, stopGenerationTriggers } = wrapper.generateContextState({
    chatHistory: [
      // A format with no system turn (OmniSQL's) gets the chat template's own default, as it was trained.
      ...(params.system ? [{ type: 'system' as const, text: params.system }] : []),
      ...(params.earlierTurns ?? []).flatMap((turn) => [
        { type: 'user' as const, text: turn.user },
        { type: 'model' as const, response: [turn.assistant] },
      ]),
      { type: 'user', text: params.user },
      { type: 'model', response: [] },
    ],
  });
  return { input: prefix ? LlamaText([contextText, prefix]) : contextText, stopTriggers: [...stopGenerationTriggers, ...stop] };
}

/** Fills the lanes from one queue, so a long answer on one lane does not hold up the others. */
async function generateBatch(requests: GenerateParams[], signal: AbortSignal): Promise<BatchItemOutcome[]> {
  const state = current();
  const lanes = (await batchLanes(state)).slice(0, requests.length);
  const results: BatchItemOutcome[] = new Array(requests.length);
  await workPool(requests, lanes.length, async (request, i, worker) => {
    try {
      results[i] = { ok: true, value: await generate(state, lanes[worker]!, request, signal) };
    } catch (error) {
      if (signal.aborted) throw error;
      const failure = error instanceof EngineError ? error : new EngineError('generation-failed', `generation failed: ${(error as Error).message}`);
      results[i] = { ok: false, error: { code: failure.code, message: failure.message } };
    }
  });
  return results;
}

async function generate(state: Loaded, lane: Lane, params: GenerateParams, signal: AbortSignal): Promise<GenerateResult> {
  const { input, stopTriggers } = promptFor(state, params);
  const promptTokens = tokensOf(state, input);
  const reusedTokens = Math.min(lane.sequence.compareContextTokens(promptTokens).firstDifferentIndex, promptTokens.length);
  const grammarStarted = performance.now();
  const grammar = params.grammar ? await grammarFor(state.llama, params.grammar) : undefined;
  const grammarMs = performance.now() - grammarStarted;
  const started = performance.now();
  let firstTokenAt: number | null = null;
  let generatedTokens = 0;
  let firstToken: Token | null = null;
  const options: LlamaCompletionGenerationOptions = {
    maxTokens: params.maxTokens,
    temperature: params.temperature,
    ...(params.topP !== undefined ? { topP: params.topP } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    signal,
    // LlamaCompletion's documented default is a repeat penalty (1.1 over the last 64 tokens); SQL
    // repeats its names and operators by nature (T1.id = T2.id), text-to-SQL models are trained and
    // evaluated without one, and vLLM applies none unless asked. (In node-llama-cpp 3.21 it changed no
    // greedy or seeded answer of the sample model we tried; asked for explicitly all the same.)
    repeatPenalty: false,
    customStopTriggers: stopTriggers.length ? stopTriggers : undefined,
    onToken: (chunk: Token[]) => {
      firstTokenAt ??= performance.now();
      firstToken ??= chunk[0] ?? null;
      generatedTokens += chunk.length;
    },
  };
  try {
    const infill = !!params.suffix?.trim() && typeof input === 'string' && lane.completion.infillSupported;
    const answer = params.reasoning
      ? await reasonThenAnswerHere(lane, input, params.reasoning, grammar, options)
      : infill
        ? toAnswer(await lane.completion.generateInfillCompletionWithMeta(input, params.suffix!, { ...options, grammar }))
        : toAnswer(await lane.completion.generateCompletionWithMeta(input, { ...options, grammar }));
    const ended = performance.now();
    const promptMs = (firstTokenAt ?? ended) - started;
    return {
      ...answer,
      text: params.reasoning ? answer.text : withLeadingSpace(state, answer.text, firstToken, promptTokens),
      promptTokens: promptTokens.length,
      reusedTokens,
      generatedTokens,
      promptMs,
      generateMs: ended - started - promptMs,
      grammarMs,
      infill,
    };
  } catch (error) {
    if (signal.aborted) throw new EngineError('cancelled', 'cancelled');
    throw new EngineError('generation-failed', `generation failed: ${(error as Error).message}`);
  }
}

/**
 * LlamaCompletion detokenizes an answer on its own, and a SentencePiece tokenizer then drops the
 * space its first token starts with ("▁LIMIT" alone reads "LIMIT"): read after the prompt, the
 * token keeps it. A completion of `… FROM singer` is ` LIMIT 5`, not `LIMIT 5` glued to the name.
 */
function withLeadingSpace(state: Loaded, text: string, firstToken: Token | null, promptTokens: Token[]): string {
  if (firstToken === null || !text || /^\s/.test(text)) return text;
  const space = /^\s+/.exec(state.model.detokenize([firstToken], false, promptTokens.slice(-8)))?.[0];
  return space ? space + text : text;
}

/** Tokenized as LlamaCompletion does (no leading space after the BOS), to see how much of the context it will reuse. */
function tokensOf(state: Loaded, input: string | LlamaText): Token[] {
  const tokens =
    typeof input === 'string' ? state.model.tokenize(input, false, 'trimLeadingSpace') : input.tokenize(state.model.tokenizer, 'trimLeadingSpace');
  const bos = state.model.tokens.bos;
  return bos != null && tokens[0] !== bos ? [bos, ...tokens] : tokens;
}

type Answer = Pick<GenerateResult, 'text' | 'stopReason' | 'thinkingTokens' | 'fenceForced'>;

function toAnswer({ response, metadata }: LlamaCompletionResponse): Answer {
  return { text: response, stopReason: metadata.stopReason };
}

/**
 * Two phases on one sequence (reasonThenAnswer): the free text, then the same text fed back with
 * the fence, which the context already holds, and the rest generated under the grammar.
 * node-llama-cpp has no lazy grammar (one that wakes on a trigger).
 */
async function reasonThenAnswerHere(
  lane: Lane,
  input: string | LlamaText,
  shape: ReasoningShape,
  grammar: LlamaGrammar | undefined,
  options: LlamaCompletionGenerationOptions,
): Promise<Answer> {
  const withText = (text: string) => (typeof input === 'string' ? input + text : LlamaText([input, text]));
  let lastStop: Answer['stopReason'] = 'eogToken';
  const reasoned = await reasonThenAnswer(shape, !!grammar, {
    think: async (thought, budget, marker) => {
      let tokens = 0;
      const part = await lane.completion.generateCompletionWithMeta(withText(thought), {
        ...options,
        maxTokens: budget,
        customStopTriggers: [...(options.customStopTriggers ?? []), marker],
        onToken: (chunk) => {
          tokens += chunk.length;
          options.onToken?.(chunk);
        },
      });
      lastStop = part.metadata.stopReason;
      const reached = part.metadata.stopReason === 'customStopTrigger' && part.metadata.customStopTrigger.join('') === marker;
      return { text: part.response, tokens, ended: reached ? 'marker' : part.metadata.stopReason === 'maxTokens' ? 'budget' : 'end' };
    },
    answer: (thought, closing) =>
      lane.completion.generateCompletionWithMeta(withText(thought), { ...options, grammar, ...(closing ? { customStopTriggers: [...(options.customStopTriggers ?? []), closing] } : {}) }),
  });
  if (reasoned.kind === 'ended') return { text: reasoned.thought, stopReason: lastStop, thinkingTokens: reasoned.thinkingTokens, fenceForced: false };
  return { text: reasoned.thought + reasoned.answer.response, stopReason: reasoned.answer.metadata.stopReason, thinkingTokens: reasoned.thinkingTokens, fenceForced: reasoned.fenceForced };
}

serveRpc<ModelServerMethods>(
  {
    load: (params) => load(params),
    generate: (params, signal) => {
      const state = current();
      return generate(state, state.lane, params, signal);
    },
    generateBatch: async ({ requests }, signal) => ({ results: await generateBatch(requests, signal) }),
    countTokens: async ({ text }) => ({ count: current().model.tokenize(text).length }),
    status: async () => loaded?.status ?? null,
  },
  // Concurrent, so a cancel is heard while a generation runs; node-llama-cpp queues the work itself.
  { concurrent: true, onDisconnect: () => unload().then(disposeLlama) },
);
