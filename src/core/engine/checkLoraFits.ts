import { basename } from 'node:path';
import type { GgufFileInfo } from 'node-llama-cpp';
import { EngineError } from './EngineError';

/**
 * Refuses a LoRA adapter made for another base model, before llama.cpp does so with only "failed
 * to initialize LoRA adapter": its architecture must be the model's, and each adapted matrix must
 * have the model's shape (`<weight>.lora_a` is [in, rank] and `.lora_b` [rank, out], innermost first).
 * The message names both files and the first matrix that differs.
 */
export function checkLoraFits(model: { path: string; info: GgufFileInfo }, adapter: { path: string; info: GgufFileInfo }): void {
  const names = `the LoRA adapter ${basename(adapter.path)} does not fit the model ${basename(model.path)}`;
  const adapterMeta = adapter.info.metadata as { general?: { type?: string; architecture?: string }; adapter?: { type?: string } };
  const lowRank = (adapter.info.fullTensorInfo ?? []).filter((tensor) => /\.lora_[ab]$/.test(tensor.name));
  if ((adapterMeta.general?.type !== undefined && adapterMeta.general.type !== 'adapter') || lowRank.length === 0) {
    throw new EngineError('model-invalid', `${adapter.path} is not a LoRA adapter (no lora_a/lora_b tensors${adapterMeta.general?.type ? `; general.type is ${adapterMeta.general.type}` : ''}): give a LoRA adapter file, or load this file as the model`);
  }
  const modelArchitecture = model.info.metadata.general.architecture;
  if (adapterMeta.general?.architecture && adapterMeta.general.architecture !== modelArchitecture) {
    throw new EngineError('model-load-failed', `${names}: it is for ${adapterMeta.general.architecture} models, the model is ${modelArchitecture}`);
  }
  const shapes = new Map((model.info.fullTensorInfo ?? []).map((tensor) => [tensor.name, tensor.dimensions.map(Number)]));
  // Without the model's tensor list there is nothing to compare with: llama.cpp's own check is left.
  if (shapes.size === 0) return;
  for (const tensor of lowRank) {
    const part = /^(.*)\.lora_(a|b)$/.exec(tensor.name)!;
    const base = shapes.get(part[1]!);
    const dims = tensor.dimensions.map(Number);
    if (!base) throw new EngineError('model-load-failed', `${names}: it adapts ${part[1]}, which the model does not have (an adapter for another base model)`);
    const fits = part[2] === 'a' ? dims[0] === base[0] : dims[1] === base[1];
    if (!fits) {
      throw new EngineError('model-load-failed', `${names}: ${part[1]} is ${base.join('×')} in the model, and the adapter's ${part[2] === 'a' ? 'input' : 'output'} side is ${part[2] === 'a' ? dims[0] : dims[1]} (an adapter for another base model)`);
    }
  }
}
