import type { PromptFormatId } from '../core/prompt/PromptFormat';
import { isPromptFormatId, PROMPT_FORMAT_IDS, PROMPT_FORMATS } from '../core/prompt/promptFormats';
import { UsageError } from './UsageError';

export const PROMPT_FORMAT_ARGS = { 'prompt-format': { type: 'string' } } as const;

/** The option's help, its default said as the command has it: a command with a model detects the format from it. */
function promptFormatHelp(byDefault: string): string {
  return `  --prompt-format <id>  how the model was trained to be asked (default: ${byDefault})
${PROMPT_FORMAT_IDS.map((id) => `                          ${id.padEnd(10)} ${PROMPT_FORMATS[id].label}`).join('\n')}`;
}

export const PROMPT_FORMAT_HELP = promptFormatHelp("from the model file's name");
/** For the commands that load no model, so detect nothing: Quarry's own format. */
export const PROMPT_FORMAT_HELP_NO_MODEL = promptFormatHelp('quarry');

/** The format asked for, or undefined: detect it from the model file. */
export function promptFormatOption(command: string, value: string | undefined): PromptFormatId | undefined {
  if (value === undefined) return undefined;
  if (!isPromptFormatId(value)) throw new UsageError(`${command}: --prompt-format must be one of ${PROMPT_FORMAT_IDS.join(', ')}, got '${value}'`);
  return value;
}
