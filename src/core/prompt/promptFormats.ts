import { arcticFormat } from './arcticFormat';
import { omnisqlFormat } from './omnisqlFormat';
import type { PromptFormat, PromptFormatId } from './PromptFormat';
import { premsqlFormat } from './premsqlFormat';
import { quarryFormat } from './quarryFormat';
import { qwenCoderFormat } from './qwenCoderFormat';
import { sqlcoderFormat } from './sqlcoderFormat';
import { xiyanFormat } from './xiyanFormat';

/** Every prompt format, by id: adding one is a module in this folder and a line here. */
export const PROMPT_FORMATS: Readonly<Record<PromptFormatId, PromptFormat>> = {
  quarry: quarryFormat,
  omnisql: omnisqlFormat,
  arctic: arcticFormat,
  xiyan: xiyanFormat,
  sqlcoder: sqlcoderFormat,
  premsql: premsqlFormat,
  'qwen-coder': qwenCoderFormat,
};

export const PROMPT_FORMAT_IDS = Object.keys(PROMPT_FORMATS) as PromptFormatId[];

export function isPromptFormatId(value: string): value is PromptFormatId {
  return (PROMPT_FORMAT_IDS as string[]).includes(value);
}
