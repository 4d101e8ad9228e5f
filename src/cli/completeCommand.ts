import { readFileSync } from 'node:fs';
import { ATTACH_ARGS, ATTACH_HELP, attachOption } from './attachOption';
import { CompletionSchema, InlineCompleter, type CompletionTiming } from '../core/complete/InlineCompleter';
import { DEFAULT_COMPLETION_SETTINGS } from '../core/defaults';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import type { LanguageModel } from '../core/engine/LanguageModel';
import { checkInputFile } from '../core/files/checkInputFile';
import { abortOnInterrupt } from './signals';
import { checkModelOptions, openCliModel, MODEL_ARGS, MODEL_HELP, REMOTE_ARGS, REMOTE_HELP, remoteModelOptions, requiredModel } from './loadCliModel';
import { GRAMMAR_ARGS, GRAMMAR_HELP, grammarOption, integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { PROMPT_FORMAT_ARGS, PROMPT_FORMAT_HELP, promptFormatOption } from './promptFormatOption';
import { toJson } from './toJson';
import { UsageError } from './UsageError';

export const COMPLETE_HELP = `Usage: quarry complete --db <file|url> [--model <ref>] (--prefix <text> | --prefixes <file>) [options]

Inline completion from the command line: the editor's completer (the same prompt, cache and
grammar) on text that ends at the cursor. A prefix ending in a comment line and a new line asks for
a whole query; SQL asks for the rest of its statement. The model is loaded and the database's
schema prompt evaluated first (as the editor does when a SQL file for it comes into view), so each
time is from the request to the completion; --json adds where a model call's time went (timing).

Options:
  --db <file|url>       SQLite or DuckDB file, or postgresql:// URL, whose schema the completion is written against
${ATTACH_HELP}
  --model <ref>         .gguf path, https:// URL or hf: reference (default: $QUARRY_MODEL, else the sample model)
  --prefix <text>       the text before the cursor
  --prefixes <file>     one prefix per line (\\n inside a line stands for a new line); - reads standard input
  --suffix <text>       text after the cursor (default none)
${GRAMMAR_HELP}
${PROMPT_FORMAT_HELP}
  --max-tokens N        tokens a completion may take (default ${DEFAULT_COMPLETION_SETTINGS.maxTokens} for a whole query
                        under a comment, ${DEFAULT_COMPLETION_SETTINGS.continuationMaxTokens} for the rest of a statement)
  --json                one line per prefix: {"prefix", "completion", "ms", "source", "valid"?, "skipped"?}
  --check               also ask the database whether prefix + completion is SQL it accepts ("valid")
${MODEL_HELP}
${REMOTE_HELP}
  -h, --help            show this help

Exit codes: 0 done (completions may be empty: --json says why), 2 bad input.`;

export async function completeCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('complete', args, {
    db: { type: 'string' },
    ...ATTACH_ARGS,
    ...MODEL_ARGS,
    ...REMOTE_ARGS,
    prefix: { type: 'string' },
    prefixes: { type: 'string' },
    suffix: { type: 'string' },
    ...GRAMMAR_ARGS,
    'max-tokens': { type: 'string' },
    json: { type: 'boolean' },
    check: { type: 'boolean' },
    ...PROMPT_FORMAT_ARGS,
  });
  if (values.help) return write(COMPLETE_HELP);
  const path = requiredDb('complete', values.db);
  if ((values.prefix === undefined) === (values.prefixes === undefined)) throw new UsageError('complete: give either --prefix <text> or --prefixes <file>');
  const remote = remoteModelOptions('complete', values);
  const model = remote ? null : requiredModel('complete', values.model);
  const prefixes = values.prefix !== undefined ? [values.prefix] : readPrefixes(values.prefixes!);
  const promptFormat = promptFormatOption('complete', values['prompt-format']);
  const settings = {
    grammar: grammarOption('complete', values),
    // Every prefix is one request: nothing to wait out.
    debounceMs: 0,
    ...maxTokensOption(integerOption('complete', 'max-tokens', values['max-tokens'], 1, 4096)),
    onlyOnComment: false,
    ...(promptFormat ? { promptFormat } : {}),
  };
  const modelOptions = model === null ? null : checkModelOptions('complete', { ...values, model });
  const interrupt = abortOnInterrupt();
  const db = await IsolatedDatabase.open(path, { attach: attachOption('complete', values.attach) });
  let engine: (LanguageModel & { dispose(): void }) | null = null;
  try {
    ({ engine } = await openCliModel(remote ? { remote } : { local: modelOptions! }, interrupt.signal));
    const schema = new CompletionSchema(await db.readSchema({ signal: interrupt.signal }));
    const completer = new InlineCompleter(engine, () => settings);
    // As the editor does when a SQL file bound to the database comes into view: times below are a keystroke's, not a cold start's.
    await completer.prepare(schema, interrupt.signal);
    const suffix = values.suffix ?? '';
    for (const prefix of prefixes) {
      const started = performance.now();
      const result = await completer.complete({ database: path, schema, text: prefix + suffix, offset: prefix.length }, interrupt.signal);
      const ms = Math.round(performance.now() - started);
      const completion = result?.text ?? '';
      const valid = values.check && result ? await accepts(db, prefix + completion + suffix) : undefined;
      if (values.json) {
        const timing = result?.timing ? { timing: roundedTiming(result.timing) } : {};
        write(toJson({ prefix, completion, ms, ...(result ? { source: result.source } : { skipped: completer.lastSkip }), ...(valid !== undefined ? { valid } : {}), ...timing }));
      } else {
        write(`${prefix.replace(/\n/g, '\\n')}⟨${completion.replace(/\n/g, '\\n')}⟩  ${ms} ms${result ? '' : ` (${completer.lastSkip})`}${valid === undefined ? '' : valid ? ' · valid' : ' · rejected'}`);
      }
    }
    completer.dispose();
  } finally {
    interrupt.dispose();
    engine?.dispose();
    await db.dispose();
  }
}

/** One --max-tokens for both kinds of completion; the editor's defaults without it. */
function maxTokensOption(given: number | undefined): { maxTokens: number; continuationMaxTokens: number } {
  return given === undefined ? { maxTokens: DEFAULT_COMPLETION_SETTINGS.maxTokens, continuationMaxTokens: DEFAULT_COMPLETION_SETTINGS.continuationMaxTokens } : { maxTokens: given, continuationMaxTokens: given };
}

function roundedTiming(timing: CompletionTiming): CompletionTiming {
  return Object.fromEntries(Object.entries(timing).map(([key, value]) => [key, Math.round(value * 10) / 10])) as unknown as CompletionTiming;
}

/** Whether the database takes the text as a statement (prepared, not run). */
async function accepts(db: IsolatedDatabase, sql: string): Promise<boolean> {
  try {
    await db.validate(sql.replace(/^(\s*--[^\n]*\n)+/, ''));
    return true;
  } catch {
    return false;
  }
}

function readPrefixes(source: string): string[] {
  if (source !== '-') checkInputFile(source, 'prefixes file');
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch {
    throw new UsageError(`complete: cannot read ${source === '-' ? 'standard input' : source}`);
  }
  const prefixes = text.split(/\r?\n/).filter((line) => line.trim()).map((line) => line.replace(/\\n/g, '\n'));
  if (!prefixes.length) throw new UsageError(`complete: ${source} has no prefixes (one per line)`);
  return prefixes;
}
