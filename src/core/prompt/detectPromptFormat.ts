import type { PromptFormatId } from './PromptFormat';

/** What a GGUF file says about itself that names its family (general.* keys, as llama.cpp's converter writes them). */
const NAME_KEYS = ['general.name', 'general.basename', 'general.finetune'] as const;

/** Families whose published names Quarry recognises, and the format each was trained on. */
const FAMILIES: [RegExp, PromptFormatId][] = [
  [/arctic[-_ ]?text2sql/i, 'arctic'],
  [/omni[-_ ]?sql/i, 'omnisql'],
  [/xiyan/i, 'xiyan'],
  [/sql[-_ ]?coder/i, 'sqlcoder'],
  [/prem[-_ ]?1b[-_ ]?sql/i, 'premsql'],
  // Last: fine-tunes of Qwen2.5-Coder (XiYanSQL-QwenCoder, OmniSQL) carry their own names first.
  [/qwen[\d.]*[-_ ]?coder/i, 'qwen-coder'],
];

export interface DetectedFormat {
  id: PromptFormatId;
  /** Why: the metadata value that matched, or that nothing did. */
  reason: string;
}

/**
 * The prompt format a model was trained on, from its GGUF metadata: a known family's name in
 * general.name, general.basename or general.finetune (a specific family anywhere before the generic
 * coder models: a fine-tune often keeps its base model's general.name); otherwise `quarry` (a model
 * tuned on Quarry's exports, or one nobody told us about — override with --prompt-format or
 * quarry.model.promptFormat). A model run with a LoRA adapter is taken for one tuned on Quarry's
 * exports, which is what Quarry's adapters are.
 */
export function detectPromptFormat(metadata: ReadonlyMap<string, unknown> | null | undefined, options: { adapter?: string | null } = {}): DetectedFormat {
  if (options.adapter) return { id: 'quarry', reason: `a LoRA adapter is loaded (${options.adapter})` };
  for (const [pattern, id] of FAMILIES) {
    for (const key of NAME_KEYS) {
      const value = metadata?.get(key);
      if (typeof value === 'string' && pattern.test(value)) return { id, reason: `${key} is '${value}'` };
    }
  }
  return { id: 'quarry', reason: 'no known model family in the file\'s general.name, general.basename or general.finetune' };
}
