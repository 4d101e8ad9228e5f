import type { PromptFormatId } from '../core/prompt/PromptFormat';
import { isPromptFormatId, PROMPT_FORMAT_IDS, PROMPT_FORMATS } from '../core/prompt/promptFormats';
import { UsageError } from './UsageError';

export const PROMPT_FORMAT_ARGS = { 'prompt-format': { type: 'string' } } as const;

export const PROMPT_FORMAT_HELP = `  --prompt-format <id>  how the model was trained to be asked (default: from the model file's name)
${PROMPT_FORMAT_IDS.map((id) => `                          ${id.padEnd(10)} ${PROMPT_FORMATS[id].label}`).join('\n')}`;

/** The format asked for, or undefined: detect it from the model file. */
export function promptFormatOption(command: string, value: string | undefined): PromptFormatId | undefined {
  if (value === undefined) return undefined;
  if (!isPromptFormatId(value)) throw new UsageError(`${command}: --prompt-format must be one of ${PROMPT_FORMAT_IDS.join(', ')}, got '${value}'`);
  return value;
}
