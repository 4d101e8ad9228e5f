import { join } from 'node:path';
import { ModelEngine } from '../../src/core/engine/ModelEngine';
import type { LoadParams } from '../../src/core/protocol/modelServerMethods';
import { PROJECT_ROOT, SHARED_DATA } from './fixtures';

export const GGUF_DIR = join(SHARED_DATA, 'gguf');
export const TINY_MODEL = join(GGUF_DIR, 'llama-2-tiny-random.gguf');
export const MODEL_SERVER_SCRIPT = join(PROJECT_ROOT, 'dist', 'modelServer.mjs');

/** CPU, one thread: the test machine has two cores and the tests run one at a time. */
export function tinyModelParams(overrides: Partial<LoadParams> = {}): LoadParams {
  return { modelPath: TINY_MODEL, gpu: 'off', threads: 1, contextSize: 4096, gpuLayers: 'auto', ...overrides };
}

export function newEngine(): ModelEngine {
  return new ModelEngine({ serverScript: MODEL_SERVER_SCRIPT });
}
