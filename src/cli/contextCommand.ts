import { readFileSync } from 'node:fs';
import { ATTACH_ARGS, ATTACH_HELP, attachOption } from './attachOption';
import { buildPromptContext, summarizeContext, type ContextSummary } from '../core/context/buildPromptContext';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { checkInputFile } from '../core/files/checkInputFile';
import { FileError } from '../core/files/FileError';
import { PROMPT_FORMATS } from '../core/prompt/promptFormats';
import { CONTEXT_ARGS, CONTEXT_HELP, contextFromOptions, contextRequest, retrievalSources } from './contextOptions';
import { parseCommandArgs, requiredDb } from './parseCommandArgs';
import { PROMPT_FORMAT_ARGS, PROMPT_FORMAT_HELP_NO_MODEL, promptFormatOption } from './promptFormatOption';
import { abortOnInterrupt } from './signals';
import { toJson } from './toJson';
import { whileWaiting } from './whileWaiting';
import { UsageError } from './UsageError';

export const CONTEXT_COMMAND_HELP = `Usage: quarry context --db <file|url> (--question "<text>" | --questions FILE) [options]

Prints what would go into the prompt for a question, besides the question itself: the tables
(schema.table outside the default schema), their columns, the values the question names, the
examples, the tokens each part takes, and what was left out. 'quarry ask --print-prompt' with the
same options prints the prompt itself, built from the same choice. Tokens are estimated (about 3.5
characters a token); 'quarry ask' counts them with the model's own tokenizer.

Options:
  --db <file|url>       SQLite or DuckDB file, or postgresql://user@host/db
${ATTACH_HELP}
  --question <text>     the question
  --questions FILE      one question a line, or JSONL with "question" (and "evidence"): one JSON
                        line each, with "ms", the milliseconds retrieval took (the indexes are
                        built once)
  --evidence <text>     external knowledge for the question (BIRD's evidence)
${CONTEXT_HELP}
${PROMPT_FORMAT_HELP_NO_MODEL}
  --schema-only         no row data: no example values, no value index
  --json                print {"tables", "columns", "values": [{"table", "column", "value"}],
                        "examples": [{"question", "sql"}], "tokens": {"schema", "values",
                        "examples", "total"}, "omitted": {"tables", "values"}, "retrieved"}
  -h, --help            show this help

Exit codes: 0 printed, 1 a runtime error, 2 bad input (database, file, options).`;

export async function contextCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('context', args, {
    db: { type: 'string' },
    ...ATTACH_ARGS,
    question: { type: 'string' },
    questions: { type: 'string' },
    evidence: { type: 'string' },
    'schema-only': { type: 'boolean' },
    json: { type: 'boolean' },
    ...CONTEXT_ARGS,
    ...PROMPT_FORMAT_ARGS,
  });
  if (values.help) return write(CONTEXT_COMMAND_HELP);
  const path = requiredDb('context', values.db);
  if ((values.question === undefined) === (values.questions === undefined)) throw new UsageError('context: give --question "<text>" or --questions FILE (one of them)');
  const questions = values.questions !== undefined ? readQuestions(values.questions) : [{ question: values.question!, ...(values.evidence ? { evidence: values.evidence } : {}) }];
  const format = PROMPT_FORMATS[promptFormatOption('context', values['prompt-format']) ?? 'quarry'];
  const schemaOnly = !!values['schema-only'];
  const interrupt = abortOnInterrupt();
  const attach = attachOption('context', values.attach);
  const db = await IsolatedDatabase.open(path, { attach });
  try {
    const schema = await whileWaiting('reading the schema', db.readSchema({ sampleValues: schemaOnly ? 0 : undefined, signal: interrupt.signal }));
    const context = contextFromOptions('context', values, db, schema, { schemaOnly, signal: interrupt.signal, attach });
    const sources = await retrievalSources(context, format);
    for (const asked of questions) {
      const started = performance.now();
      const chosen = buildPromptContext(sources, contextRequest(context, asked));
      const ms = performance.now() - started;
      const summary = summarizeContext(chosen);
      if (values.questions !== undefined) write(toJson({ question: asked.question, ...summary, ms: Math.round(ms * 100) / 100 }));
      else write(values.json ? toJson(summary) : describe(summary, schema.tables.length));
    }
    return 0;
  } finally {
    interrupt.dispose();
    await db.dispose();
  }
}

function describe(context: ContextSummary, total: number): string {
  const lines = [`tables (${context.tables.length} of ${total}${context.retrieved ? ', retrieved' : ', the whole schema'}): ${context.tables.join(', ')}`];
  if (context.values.length) lines.push(`values: ${context.values.map((v) => `${v.table}.${v.column} = '${v.value}'`).join(', ')}`);
  for (const example of context.examples) lines.push(`example: ${example.question} → ${example.sql}`);
  const t = context.tokens;
  lines.push(`tokens (estimated): schema ${t.schema}, values ${t.values}, examples ${t.examples}, total ${t.total}`);
  if (context.omitted.tables.length) lines.push(`left out: ${context.omitted.tables.length} tables${context.omitted.values.length ? `, ${context.omitted.values.length} values` : ''}`);
  return lines.join('\n');
}

/** One question a line, or JSONL with "question" (and "evidence"): a line that is neither is refused naming it. */
function readQuestions(path: string): { question: string; evidence?: string }[] {
  checkInputFile(path, 'questions file');
  const out: { question: string; evidence?: string }[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      if (!line.trimStart().startsWith('{')) return out.push({ question: line.trim() });
      let item: { question?: unknown; evidence?: unknown };
      try {
        item = JSON.parse(line);
      } catch {
        throw new FileError('bad-input', `${path}:${i + 1} starts like JSON but is not: give one question a line, or JSONL with "question"`);
      }
      if (typeof item.question !== 'string' || !item.question.trim()) throw new FileError('bad-input', `${path}:${i + 1} has no "question"`);
      out.push({ question: item.question, ...(typeof item.evidence === 'string' && item.evidence.trim() ? { evidence: item.evidence } : {}) });
    });
  if (!out.length) throw new FileError('bad-input', `${path} has no questions: give one a line`);
  return out;
}
