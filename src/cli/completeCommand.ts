import { readFileSync } from 'node:fs';
import { CompletionSchema, InlineCompleter } from '../core/complete/InlineCompleter';
import { DEFAULT_COMPLETION_SETTINGS } from '../core/defaults';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { createLanguageModel } from '../core/engine/createLanguageModel';
import { checkInputFile } from '../core/files/checkInputFile';
import { abortOnInterrupt, checkModelOptions, loadCliModel, MODEL_ARGS, MODEL_HELP, requiredModel } from './loadCliModel';
import { GRAMMAR_ARGS, GRAMMAR_HELP, grammarOption, integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { toJson } from './toJson';
import { UsageError } from './UsageError';

export const COMPLETE_HELP = `Usage: quarry complete --db <file> --model <ref> (--prefix <text> | --prefixes <file>) [options]

Inline completion from the command line: the editor's completer (the same prompt, cache and
grammar) on text that ends at the cursor. A prefix ending in a comment line and a new line asks for
a whole query; SQL asks for the rest of its statement. The model is loaded first, so each time is
from the request to the completion.

Options:
  --db <file>           SQLite or DuckDB file whose schema the completion is written against
  --model <ref>         .gguf path, https:// URL or hf: reference (default: $QUARRY_MODEL)
  --prefix <text>       the text before the cursor
  --prefixes <file>     one prefix per line (\\n inside a line stands for a new line); - reads standard input
  --suffix <text>       text after the cursor (default none)
${GRAMMAR_HELP}
  --max-tokens N        tokens a completion may take (default ${DEFAULT_COMPLETION_SETTINGS.maxTokens})
  --json                one line per prefix: {"prefix", "completion", "ms", "source", "valid"?, "skipped"?}
  --check               also ask the database whether prefix + completion is SQL it accepts ("valid")
${MODEL_HELP}
  -h, --help            show this help

Exit codes: 0 done (completions may be empty: --json says why), 2 bad input.`;

export async function completeCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('complete', args, {
    db: { type: 'string' },
    ...MODEL_ARGS,
    prefix: { type: 'string' },
    prefixes: { type: 'string' },
    suffix: { type: 'string' },
    ...GRAMMAR_ARGS,
    'max-tokens': { type: 'string' },
    json: { type: 'boolean' },
    check: { type: 'boolean' },
  });
  if (values.help) return write(COMPLETE_HELP);
  const path = requiredDb('complete', values.db);
  if ((values.prefix === undefined) === (values.prefixes === undefined)) throw new UsageError('complete: give either --prefix <text> or --prefixes <file>');
  const model = requiredModel('complete', values.model);
  const prefixes = values.prefix !== undefined ? [values.prefix] : readPrefixes(values.prefixes!);
  const settings = {
    grammar: grammarOption('complete', values),
    // Every prefix is one request: nothing to wait out.
    debounceMs: 0,
    maxTokens: integerOption('complete', 'max-tokens', values['max-tokens'], 1, 4096) ?? DEFAULT_COMPLETION_SETTINGS.maxTokens,
    onlyOnComment: false,
  };
  const modelOptions = checkModelOptions('complete', { ...values, model });
  const interrupt = abortOnInterrupt();
  const db = await IsolatedDatabase.open(path);
  const engine = createLanguageModel({ kind: 'llama.cpp' });
  try {
    await loadCliModel(engine, modelOptions, interrupt.signal);
    const schema = new CompletionSchema(await db.readSchema({ signal: interrupt.signal }));
    const completer = new InlineCompleter(engine, () => settings);
    const suffix = values.suffix ?? '';
    for (const prefix of prefixes) {
      const started = performance.now();
      const result = await completer.complete({ database: path, schema, text: prefix + suffix, offset: prefix.length }, interrupt.signal);
      const ms = Math.round(performance.now() - started);
      const completion = result?.text ?? '';
      const valid = values.check && result ? await accepts(db, prefix + completion + suffix) : undefined;
      if (values.json) {
        write(toJson({ prefix, completion, ms, ...(result ? { source: result.source } : { skipped: completer.lastSkip }), ...(valid !== undefined ? { valid } : {}) }));
      } else {
        write(`${prefix.replace(/\n/g, '\\n')}⟨${completion.replace(/\n/g, '\\n')}⟩  ${ms} ms${result ? '' : ` (${completer.lastSkip})`}${valid === undefined ? '' : valid ? ' · valid' : ' · rejected'}`);
      }
    }
    completer.dispose();
  } finally {
    interrupt.dispose();
    engine.dispose();
    await db.dispose();
  }
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
