import type { PromptFormatId } from './PromptFormat';

/** What a GGUF file says about itself that names its family (general.* keys, as llama.cpp's converter writes them). */
const NAME_KEYS = ['general.name', 'general.basename', 'general.finetune'] as const;

/** Families whose published names Quarry recognises, and the format each was trained on. */
const FAMILIES: [RegExp, PromptFormatId][] = [
  [/arctic[-_ ]?text2sql/i, 'arctic'],
  [/omni[-_ ]?sql/i, 'omnisql'],
  [/xiyan/i, 'xiyan'],
  [/sql[-_ ]?coder/i, 'sqlcoder'],
];

export interface DetectedFormat {
  id: PromptFormatId;
  /** Why: the metadata value that matched, or that nothing did. */
  reason: string;
}

/**
 * The prompt format a model was trained on, from its GGUF metadata: a known family's name in
 * general.name, general.basename or general.finetune; otherwise `quarry` (a model tuned on Quarry's
 * exports, or one nobody told us about — override with --prompt-format or quarry.model.promptFormat).
 */
export function detectPromptFormat(metadata: ReadonlyMap<string, unknown> | null | undefined): DetectedFormat {
  for (const key of NAME_KEYS) {
    const value = metadata?.get(key);
    if (typeof value !== 'string') continue;
    const family = FAMILIES.find(([pattern]) => pattern.test(value));
    if (family) return { id: family[1], reason: `${key} is '${value}'` };
  }
  return { id: 'quarry', reason: 'no known model family in the file\'s general.name, general.basename or general.finetune' };
}
