import { DEFAULT_MAX_THREADS } from '../defaults';

/**
 * Below this size a model's step is too short to split: on a 2-core machine Quarry's 12 MB sample
 * model generates 5-8x faster on one thread than on two (llama.cpp's threads then mostly wait for
 * each other).
 */
const ONE_THREAD_BELOW_BYTES = 200 * 1024 * 1024;

/** CPU threads for a model when none are set: by the model's size, never more than the cores. */
export function defaultThreads(modelBytes: number, cores: number): number {
  if (modelBytes < ONE_THREAD_BELOW_BYTES) return 1;
  return Math.max(1, Math.min(DEFAULT_MAX_THREADS, cores));
}
