import { availableParallelism } from 'node:os';
import { resolveModelFile } from '../core/engine/downloadModel';
import type { ModelEngine } from '../core/engine/ModelEngine';
import type { GpuChoice } from '../core/engine/ModelSettings';
import type { ModelStatus } from '../core/protocol/modelServerMethods';
import { defaultModelsDirectory } from './defaultModelsDirectory';
import { integerOption } from './parseCommandArgs';
import { UsageError } from './UsageError';

/** The model options shared by ask, eval and dataset build, as parseArgs hands them over. */
export interface CliModelOptions {
  model: string;
  lora?: string;
  sha256?: string;
  modelsDir?: string;
  gpu?: string;
  threads?: string;
  contextSize?: string;
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
  const contextSize = integerOption(command, 'context-size', options.contextSize, 256) ?? 4096;
  const modelPath = await resolveModelFile(options.model, {
    directory: options.modelsDir ?? defaultModelsDirectory(),
    sha256: options.sha256,
    signal,
    onProgress: ({ receivedBytes, totalBytes }) =>
      progress(`downloading model… ${totalBytes ? `${Math.floor((100 * receivedBytes) / totalBytes)}%` : `${receivedBytes} bytes`}`),
  });
  progress('loading model…');
  return engine.load({ modelPath, loraPath: options.lora, gpu, threads, contextSize, gpuLayers: 'auto' }, signal);
}

/** An AbortSignal that Ctrl-C aborts, so a long command stops cleanly; dispose() removes the handler. */
export function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  return { signal: controller.signal, dispose: () => void process.off('SIGINT', onInterrupt) };
}
