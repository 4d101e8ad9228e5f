import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_CONTEXT_SIZE } from '../core/defaults';
import { describeDownload, resolveModelFile } from '../core/engine/downloadModel';
import { createLanguageModel } from '../core/engine/createLanguageModel';
import type { LanguageModel } from '../core/engine/LanguageModel';
import type { ModelEngine } from '../core/engine/ModelEngine';
import type { RemoteModelOptions } from '../core/engine/remote/RemoteModel';
import { isRemoteApi, REMOTE_APIS, type RemoteApi } from '../core/engine/remote/remoteApis';
import { SAMPLE_MODEL, sampleModelPath } from '../core/models/sampleModel';
import type { GpuChoice } from '../core/types/ModelSettings';
import type { ModelStatus } from '../core/protocol/modelServerMethods';
import { defaultModelsDirectory } from './defaultModelsDirectory';
import { integerOption, threadsOption } from './parseCommandArgs';
import { UsageError } from './UsageError';

/** The model options ask, eval and dataset build share, for parseArgs. */
export const MODEL_ARGS = {
  model: { type: 'string' },
  lora: { type: 'string' },
  sha256: { type: 'string' },
  'models-dir': { type: 'string' },
  gpu: { type: 'string' },
  threads: { type: 'string' },
  'context-size': { type: 'string' },
} as const;

/** A model on a serving engine instead of a local file. */
export const REMOTE_ARGS = {
  endpoint: { type: 'string' },
  api: { type: 'string' },
  'model-name': { type: 'string' },
  'api-key-env': { type: 'string' },
} as const;

export const REMOTE_HELP = `  --endpoint <url>      a model server's OpenAI-style base URL (http://host:8000/v1) instead of --model;
                        with it, --lora NAME[:SCALE] names an adapter the server loaded: vLLM's
                        --lora-modules NAME (scale 1), llama-server's --lora file (any scale)
  --api <engine>        vllm, llama-server, sglang, ollama or openai (default: asked of the server)
  --model-name <name>   the served model to use (default: the server's first)
  --api-key-env <VAR>   the environment variable holding the server's API key (sent as a bearer token)`;

export interface CliRemoteOptions {
  model?: string;
  lora?: string;
  endpoint?: string;
  api?: string;
  'model-name'?: string;
  'api-key-env'?: string;
  'context-size'?: string;
}

/**
 * The remote model the options name (null without --endpoint), checked before anything is opened:
 * a bad --api, or a key variable that is not set, is a usage error naming it.
 */
export function remoteModelOptions(command: string, values: CliRemoteOptions): RemoteModelOptions | null {
  if (values.endpoint === undefined) {
    for (const flag of ['api', 'model-name', 'api-key-env'] as const) if (values[flag] !== undefined) throw new UsageError(`${command}: --${flag} needs --endpoint <url>`);
    return null;
  }
  if (values.model !== undefined) throw new UsageError(`${command}: give --model <path|url|hf:…> or --endpoint <url>, not both`);
  // The adapter must live where the model does: Quarry cannot send a file to a server, only name one it loaded.
  const adapter = loraOption(command, values.lora);
  if (!/^https?:\/\//.test(values.endpoint)) throw new UsageError(`${command}: --endpoint must be an http:// or https:// URL, got '${values.endpoint}'`);
  if (values.api !== undefined && !isRemoteApi(values.api)) throw new UsageError(`${command}: --api must be one of ${REMOTE_APIS.join(', ')}, got '${values.api}'`);
  const keyVariable = values['api-key-env'];
  const apiKey = keyVariable === undefined ? undefined : process.env[keyVariable];
  if (keyVariable !== undefined && !apiKey) throw new UsageError(`${command}: --api-key-env ${keyVariable}: that environment variable is not set`);
  const contextSize = integerOption(command, 'context-size', values['context-size'], 256);
  return {
    endpoint: values.endpoint,
    ...(values.api ? { api: values.api as RemoteApi } : {}),
    ...(values['model-name'] ? { modelName: values['model-name'] } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(contextSize ? { contextSize } : {}),
    ...(adapter ? { adapter: { name: adapter.path, scale: adapter.scale } } : {}),
  };
}

/** The model a command runs on: a server's (--endpoint) or a local file's (--model). */
export type CliModelChoice = { remote: RemoteModelOptions } | { local: CheckedModelOptions };

/**
 * Connects to the server, or downloads (when a URL) and loads the local model; `progress` gets one
 * line at a time. The caller disposes the engine; one that fails to open is disposed here.
 */
export async function openCliModel(
  choice: CliModelChoice,
  signal: AbortSignal,
  progress: (line: string) => void = () => undefined,
): Promise<{ engine: LanguageModel & { dispose(): void }; status: ModelStatus }> {
  if (!('remote' in choice)) {
    const local = createLanguageModel({ kind: 'llama.cpp' });
    return { engine: local, status: await disposedOnFailure(local, () => loadCliModel(local, choice.local, signal, progress)) };
  }
  const remote = createLanguageModel({ kind: 'remote', ...choice.remote });
  progress(`connecting to ${remote.endpoint}…`);
  const status = await disposedOnFailure(remote, () => remote.connect(signal));
  // Prompts are fitted to the context by these counts: say when they are guesses.
  if (!remote.countsTokens) process.stderr.write(`quarry: ${remote.served?.api} server: no tokenizer endpoint, so prompt sizes are estimated (3 characters a token)\n`);
  return { engine: remote, status };
}

async function disposedOnFailure<T>(engine: { dispose(): void }, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    engine.dispose();
    throw error;
  }
}

/** Their help lines, after a command's own --model line. */
export const MODEL_HELP = `  --lora <file[:scale]> a LoRA adapter (.gguf) applied on top of the model, at this scale
                        (default 1: as trained; 0 to 4); one made for another base model is refused
  --sha256 <hex>        expected SHA-256 of a downloaded model
  --models-dir <dir>    where downloads go (default ~/.cache/quarry/models)
  --gpu <choice>        auto (default), off, cuda, vulkan or metal
  --threads N           CPU threads for the model (default: 1 for a model under 200 MB, which runs
                        fastest so; else the cores here, at most 8; never more than the cores)
  --context-size N      context window in tokens (default 4096)`;

/** The model options as parseArgs hands them over. */
export interface CliModelOptions {
  model: string;
  lora?: string;
  sha256?: string;
  'models-dir'?: string;
  gpu?: string;
  threads?: string;
  'context-size'?: string;
  /** Sequences generated side by side for batches (dataset questions). */
  batchSequences?: number;
}

const GPU_CHOICES: GpuChoice[] = ['auto', 'off', 'cuda', 'vulkan', 'metal'];

/** Model options checked and typed, before anything is opened or downloaded. */
export interface CheckedModelOptions {
  model: string;
  lora?: string;
  loraScale?: number;
  sha256?: string;
  modelsDir: string;
  gpu: GpuChoice;
  /** Undefined: by the model's size. */
  threads?: number;
  contextSize: number;
  batchSequences?: number;
}

/** The model reference: the --model given, else $QUARRY_MODEL, else the sample model that comes with Quarry (said on stderr, with what it knows). */
export function requiredModel(command: string, given: string | undefined): string {
  const model = given ?? process.env.QUARRY_MODEL;
  if (model) return model;
  // dist/cli.js: the install's root is the folder above.
  const sample = sampleModelPath(resolve(__dirname, '..'));
  if (!existsSync(sample)) throw new UsageError(`${command}: --model <path|url|hf:…> is required (or set QUARRY_MODEL); the sample model ${sample} is not in this install`);
  process.stderr.write(`${command}: no --model given: using ${SAMPLE_MODEL.label} (${SAMPLE_MODEL.description})\n`);
  return sample;
}

/**
 * `--lora FILE[:SCALE]`: the text after the last colon is a scale when the whole is not a file and
 * the suffix is no path (a Windows drive's colon is followed by a backslash).
 */
export function loraOption(command: string, value: string | undefined): { path: string; scale: number } | undefined {
  if (value === undefined) return undefined;
  const split = /^(.+):([^:\\/]*)$/.exec(value);
  if (!split || existsSync(value)) return { path: value, scale: 1 };
  const scale = Number(split[2]);
  if (split[2]!.trim() === '' || !Number.isFinite(scale) || scale < 0 || scale > 4) {
    throw new UsageError(`${command}: --lora ${value}: the scale after ':' must be a number from 0 to 4 (1 applies the adapter as trained)`);
  }
  return { path: split[1]!, scale };
}

/** Refuses bad model options at once, with the option's own message, so no database or download is started for nothing. */
export function checkModelOptions(command: string, options: CliModelOptions): CheckedModelOptions {
  const gpu = (options.gpu ?? 'auto') as GpuChoice;
  if (!GPU_CHOICES.includes(gpu)) throw new UsageError(`${command}: --gpu must be one of ${GPU_CHOICES.join(', ')}, got '${options.gpu}'`);
  const lora = loraOption(command, options.lora);
  return {
    model: options.model,
    ...(lora ? { lora: lora.path, loraScale: lora.scale } : {}),
    sha256: options.sha256,
    modelsDir: options['models-dir'] ?? defaultModelsDirectory(),
    gpu,
    threads: threadsOption(command, 'threads', options.threads),
    contextSize: integerOption(command, 'context-size', options['context-size'], 256) ?? DEFAULT_CONTEXT_SIZE,
    ...(options.batchSequences ? { batchSequences: options.batchSequences } : {}),
  };
}

/** Downloads the model if it is a URL, and loads it; `progress` gets one line at a time. */
export async function loadCliModel(
  engine: ModelEngine,
  options: CheckedModelOptions,
  signal: AbortSignal,
  progress: (line: string) => void = () => undefined,
): Promise<ModelStatus> {
  const modelPath = await resolveModelFile(options.model, {
    directory: options.modelsDir,
    sha256: options.sha256,
    signal,
    onProgress: (download) => progress(describeDownload(download)),
  });
  progress('loading model…');
  const { gpu, threads, contextSize, batchSequences } = options;
  return engine.load({ modelPath, ...(options.lora ? { loraPath: options.lora, loraScale: options.loraScale ?? 1 } : {}), gpu, threads, contextSize, gpuLayers: 'auto', ...(batchSequences ? { batchSequences } : {}) }, signal);
}

