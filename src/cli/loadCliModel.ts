import { availableParallelism } from 'node:os';
import { describeDownload, resolveModelFile } from '../core/engine/downloadModel';
import type { ModelEngine } from '../core/engine/ModelEngine';
import type { GpuChoice } from '../core/engine/ModelSettings';
import type { ModelStatus } from '../core/protocol/modelServerMethods';
import { defaultModelsDirectory } from './defaultModelsDirectory';
import { integerOption } from './parseCommandArgs';
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

/** Their help lines, after a command's own --model line. */
export const MODEL_HELP = `  --lora <file>         a LoRA adapter (.gguf) applied on top of the model
  --sha256 <hex>        expected SHA-256 of a downloaded model
  --models-dir <dir>    where downloads go (default ~/.cache/quarry/models)
  --gpu <choice>        auto (default), off, cuda, vulkan or metal
  --threads N           CPU threads for the model (default: the cores here, at most 8)
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

/** Checks the options, downloads the model if it is a URL, and loads it; `progress` gets one line at a time. */
export async function loadCliModel(
  command: string,
  engine: ModelEngine,
  options: CliModelOptions,
  signal: AbortSignal,
  progress: (line: string) => void = () => undefined,
): Promise<ModelStatus> {
  const gpu = (options.gpu ?? 'auto') as GpuChoice;
  if (!GPU_CHOICES.includes(gpu)) throw new UsageError(`${command}: --gpu must be one of ${GPU_CHOICES.join(', ')}, got '${options.gpu}'`);
  const threads = integerOption(command, 'threads', options.threads, 1) ?? Math.min(8, availableParallelism());
  const contextSize = integerOption(command, 'context-size', options['context-size'], 256) ?? 4096;
  const modelPath = await resolveModelFile(options.model, {
    directory: options['models-dir'] ?? defaultModelsDirectory(),
    sha256: options.sha256,
    signal,
    onProgress: (download) => progress(describeDownload(download)),
  });
  progress('loading model…');
  return engine.load(
    { modelPath, loraPath: options.lora, gpu, threads, contextSize, gpuLayers: 'auto', ...(options.batchSequences ? { batchSequences: options.batchSequences } : {}) },
    signal,
  );
}

/** An AbortSignal that Ctrl-C aborts, so a long command stops cleanly; dispose() removes the handler. */
export function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => void process.off('SIGINT', onInterrupt) };
}
