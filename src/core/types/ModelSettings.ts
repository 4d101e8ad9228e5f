export type GpuChoice = 'auto' | 'off' | 'cuda' | 'vulkan' | 'metal';
/** Where a model runs: llama.cpp's backend here, or a serving engine elsewhere (`remote`). */
export type Device = 'cpu' | 'cuda' | 'vulkan' | 'metal' | 'remote';

/** How to run a model; the same settings in the extension, the CLI and the tests. */
export interface ModelSettings {
  gpu: GpuChoice;
  /** CPU threads (node-llama-cpp's default oversubscribes small machines); undefined: by the model's size (defaultThreads). */
  threads?: number;
  contextSize: number;
  /** Layers to offload to the GPU: 'auto' lets node-llama-cpp fit what the GPU holds. */
  gpuLayers: 'auto' | number;
  /**
   * Prompts generated side by side when a batch is asked for (questions for a dataset): llama.cpp
   * evaluates their tokens together. Each costs a context's worth of memory, so Ask keeps to one.
   */
  batchSequences?: number;
}
