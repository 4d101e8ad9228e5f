import { existsSync } from 'node:fs';
import { ATTACH_ARGS, ATTACH_HELP, attachOption } from './attachOption';
import { DEFAULT_CORRECTIONS } from '../core/defaults';
import { askQuestion, type AskStage } from '../core/ask/askQuestion';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import type { LanguageModel } from '../core/engine/LanguageModel';
import type { ModelStatus } from '../core/protocol/modelServerMethods';
import { checkGgufFile } from '../core/engine/checkGgufFile';
import { detectPromptFormat } from '../core/prompt/detectPromptFormat';
import type { PromptFormat, PromptFormatId } from '../core/prompt/PromptFormat';
import { PROMPT_FORMATS } from '../core/prompt/promptFormats';
import type { DatabaseSchema } from '../core/types/DatabaseSchema';
import type { AttachedDatabase } from '../core/types/AttachedDatabase';
import { PROMPT_FORMAT_ARGS, PROMPT_FORMAT_HELP, promptFormatOption } from './promptFormatOption';
import { SAMPLING_ARGS, SAMPLING_HELP, samplingOption } from './samplingOption';
import { formatTable } from './formatTable';
import { abortOnInterrupt } from './signals';
import { checkModelOptions, openCliModel, MODEL_ARGS, MODEL_HELP, REMOTE_ARGS, REMOTE_HELP, remoteModelOptions, requiredModel } from './loadCliModel';
import { GRAMMAR_ARGS, GRAMMAR_HELP, grammarOption, integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { toJson } from './toJson';
import { UsageError } from './UsageError';
import { completionInput } from '../core/protocol/completionInput';
import { buildPromptContext, summarizeContext } from '../core/context/buildPromptContext';
import { CONTEXT_ARGS, CONTEXT_HELP, contextFromOptions, contextRequest, retrievalSources } from './contextOptions';

export const ASK_HELP = `Usage: quarry ask --db <file|url> [--model <path|url|hf:…> | --endpoint <url>] [options] "<question>"

Writes SQL for an English question with a local GGUF model, checks it on the database,
and corrects it with the database's own error message when it fails.

Options:
  --db <file|url>       SQLite or DuckDB file, or postgresql://user@host/db
${ATTACH_HELP}
  --model <ref>         a .gguf path, an https:// URL, hf:<user>/<repo>/<file>.gguf, or
                        hf:<user>/<repo>:<quant> (e.g. :Q4_K_M, found in the repository's file list)
                        (downloaded once into --models-dir); default: $QUARRY_MODEL, else the
                        sample model that comes with Quarry (knows SQL for the sample databases, not yours)
${MODEL_HELP}
${REMOTE_HELP}
  --json                print {"sql", "valid", "attempts": [{"sql", "error"?, "ms"}], "device", "promptFormat"}
${PROMPT_FORMAT_HELP}
  --print-prompt        print what the model would be sent (chat turns as labelled blocks; for a
                        local --model without a chat template, the completion text it is sent) and stop;
                        needs no model (the format: --prompt-format, else a local --model's name,
                        else quarry; --json: {"format", "messages"} or {"format", "completion"},
                        with "responsePrefix" where the format begins the model's turn, and
                        "context": what quarry context --json prints for the same options)
  --evidence <text>     external knowledge for the question (BIRD's evidence)
${CONTEXT_HELP}
${GRAMMAR_HELP}
  --attempts N          corrections after the first try when the database rejects the SQL (default 2)
  --samples N           self-consistency: N answers, each run, the one whose result most agree on
                        (sampled at --temperature; when it is 0, at the model file's own
                        general.sampling.temp, else 0.8); --json adds "votes"
  --run                 also run the SQL and print its rows
  --schema-only         put no example values (no row data) into the prompt
${SAMPLING_HELP}
  --timeout-ms N        limit for checking and running the SQL (default 10000)
  --max-rows N          rows printed with --run (default 100)
  -h, --help            show this help

Exit codes: 0 valid SQL, 1 no valid SQL or a runtime error, 2 bad input (database, model, options).`;

export async function askCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values, positionals } = parseCommandArgs('ask', args, {
    db: { type: 'string' },
    ...ATTACH_ARGS,
    ...MODEL_ARGS,
    ...REMOTE_ARGS,
    json: { type: 'boolean' },
    ...GRAMMAR_ARGS,
    attempts: { type: 'string' },
    samples: { type: 'string' },
    run: { type: 'boolean' },
    'schema-only': { type: 'boolean' },
    'timeout-ms': { type: 'string' },
    'max-rows': { type: 'string' },
    ...SAMPLING_ARGS,
    ...PROMPT_FORMAT_ARGS,
    'print-prompt': { type: 'boolean' },
    evidence: { type: 'string' },
    ...CONTEXT_ARGS,
  }, { maxPositionals: 1 });
  if (values.help) return write(ASK_HELP);
  const path = requiredDb('ask', values.db);
  if (positionals.length !== 1) throw new UsageError(`ask: give exactly one question, quoted (got ${positionals.length} arguments)`);
  const formatId = promptFormatOption('ask', values['prompt-format']);
  const question = positionals[0]!;
  const model = values.model ?? process.env.QUARRY_MODEL;
  if (values['print-prompt']) {
    const local = localModel(model, values.lora);
    const format = PROMPT_FORMATS[formatId ?? local?.format ?? 'quarry'];
    // A local model without a chat template is sent the completion text whatever the format; without a model, the format says.
    const asCompletion = local ? !local.chatTemplate : false;
    return printPrompt(path, attachOption('ask', values.attach), format, values, { question, evidence: values.evidence, schemaOnly: !!values['schema-only'], json: !!values.json, asCompletion }, write);
  }
  const remote = remoteModelOptions('ask', values);
  const modelRef = remote ? null : requiredModel('ask', model);
  const corrections = integerOption('ask', 'attempts', values.attempts, 0) ?? DEFAULT_CORRECTIONS;
  const timeoutMs = integerOption('ask', 'timeout-ms', values['timeout-ms'], 1);
  const maxRows = integerOption('ask', 'max-rows', values['max-rows'], 0) ?? 100;
  const samples = integerOption('ask', 'samples', values.samples, 1, 64);
  const { temperature, topP, seed } = samplingOption('ask', values);

  const modelOptions = modelRef === null ? null : checkModelOptions('ask', { ...values, model: modelRef });
  const grammar = grammarOption('ask', values);
  const interrupt = abortOnInterrupt();
  const signal = interrupt.signal;
  const progress = process.stderr.isTTY ? (line: string) => process.stderr.write(`\r\x1b[K${line}`) : () => undefined;
  const attach = attachOption('ask', values.attach);
  const db = await IsolatedDatabase.open(path, { attach });
  let engine: (LanguageModel & { dispose(): void }) | null = null;
  try {
    let status: ModelStatus;
    ({ engine, status } = await openCliModel(remote ? { remote } : { local: modelOptions! }, signal, progress));
    const schema = await db.readSchema({ sampleValues: values['schema-only'] ? 0 : undefined, signal: signal });
    const context = contextFromOptions('ask', values, db, schema, { schemaOnly: !!values['schema-only'], signal, attach });
    const result = await askQuestion(db, schema, engine, question, {
      context: {
        index: context.index,
        loadValues: context.loadValues,
        pinned: context.pinned,
        // Giving a pool turns examples on, whatever the format's default.
        ...(context.pool ? { pool: context.pool, examples: context.shots } : {}),
        ...(context.budget !== undefined ? { budget: context.budget } : {}),
      },
      promptFormat: formatId,
      evidence: values.evidence,
      samples,
      grammar,
      corrections,
      temperature,
      topP,
      seed,
      timeoutMs,
      maxRows,
      signal: signal,
      onStage: (stage: AskStage) => progress(`${stage}…`),
    });
    progress('');
    if (values.json) {
      write(
        toJson({
          sql: result.sql,
          valid: result.valid,
          attempts: result.attempts.map((a) => ({ sql: a.sql, ...(a.error ? { error: a.error } : {}), ms: Math.round(a.ms) })),
          device: status.device,
          promptFormat: result.promptFormat,
          ...(result.omittedTables.length ? { omittedTables: result.omittedTables } : {}),
          context: result.context,
          ...(result.votes ? { votes: result.votes } : {}),
          ...(values.run && result.result ? { columns: result.result.columns, rows: result.result.rows, truncated: result.result.truncated } : {}),
        }),
      );
    } else {
      write(result.sql);
      if (values.run && result.result) write(formatTable(result.result));
      if (!result.valid) {
        const last = result.attempts.at(-1)!;
        process.stderr.write(`quarry: the database rejected the SQL after ${result.attempts.length} attempt(s): ${last.error}\n`);
      }
    }
    return result.valid ? 0 : 1;
  } finally {
    interrupt.dispose();
    engine?.dispose();
    await db.dispose();
  }
}

/** A local GGUF's prompt format (nothing is downloaded to print a prompt) and whether it has a chat template (what the model server reads: tokenizer.chat_template). */
function localModel(model: string | undefined, lora: string | undefined): { format: PromptFormatId; chatTemplate: boolean } | undefined {
  if (!model || !existsSync(model)) return undefined;
  const summary = checkGgufFile(model);
  return { format: detectPromptFormat(summary.metadata, { adapter: lora }).id, chatTemplate: summary.keys.has('tokenizer.chat_template') };
}

/** The prompt for the whole schema, as the format builds it: chat turns (a format with no system turn shows none), or the raw completion. */
async function printPrompt(
  path: string,
  attach: AttachedDatabase[],
  format: PromptFormat,
  options: Parameters<typeof contextFromOptions>[1],
  request: { question: string; evidence?: string; schemaOnly: boolean; json: boolean; asCompletion: boolean },
  write: (text: string) => void,
): Promise<number> {
  const db = await IsolatedDatabase.open(path, { attach });
  let chosen: ReturnType<typeof buildPromptContext>;
  try {
    const schema: DatabaseSchema = await db.readSchema({ sampleValues: request.schemaOnly ? 0 : undefined });
    const context = contextFromOptions('ask', options, db, schema, { schemaOnly: request.schemaOnly, attach });
    chosen = buildPromptContext(await retrievalSources(context, format), contextRequest(context, request));
  } finally {
    await db.dispose();
  }
  const prompt = format.build({
    schema: chosen.schema,
    schemaText: format.renderSchema(chosen.schema),
    question: request.question,
    evidence: request.evidence,
    ...(chosen.examples.length ? { examples: chosen.examples } : {}),
  });
  const messages = [...(prompt.system ? [{ role: 'system', content: prompt.system }] : []), { role: 'user', content: prompt.user }];
  const begun = prompt.responsePrefix ? { responsePrefix: prompt.responsePrefix } : {};
  const completion = prompt.rawCompletion || request.asCompletion;
  const context = summarizeContext(chosen);
  if (request.json) write(toJson(completion ? { format: format.id, completion: prompt.completion, ...begun, context } : { format: format.id, messages, ...begun, context }));
  else if (completion) write(completionInput(prompt));
  else {
    const blocks = messages.map((message) => `=== ${message.role} ===\n${message.content}`);
    // The start of the model's own turn, written for it (Arctic's harness does so).
    if (prompt.responsePrefix) blocks.push(`=== assistant (begun for the model) ===\n${prompt.responsePrefix}`);
    write(blocks.join('\n'));
  }
  return 0;
}

