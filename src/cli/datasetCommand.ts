import { resolve } from 'node:path';
import { buildDataset } from '../core/dataset/buildDataset';
import { ALL_FORMATS, type DatasetFormat } from '../core/dataset/exportFormats';
import type { LanguageModel } from '../core/engine/LanguageModel';
import { DEFAULT_REMOTE_CONCURRENCY } from '../core/engine/remote/RemoteModel';
import { DEFAULT_BATCH_SEQUENCES, DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION } from '../core/defaults';
import { abortOnInterrupt } from './signals';
import { checkModelOptions, openCliModel, MODEL_ARGS, MODEL_HELP, REMOTE_ARGS, REMOTE_HELP, remoteModelOptions } from './loadCliModel';
import { GRAMMAR_ARGS, grammarOption, integerOption, parseCommandArgs, requiredDb } from './parseCommandArgs';
import { UsageError } from './UsageError';
import { isUrlTarget } from '../core/db/databaseEngines';
import { PG_STAT_STATEMENTS } from '../core/dataset/readPgStatStatements';
import { DATASET_PROMPTS_HELP, datasetPromptsCommand } from './datasetPromptsCommand';

export const DATASET_HELP = `Usage: quarry dataset build --db <file|url> --history <file>... --out <dir> [options]

Turns a query history (.sql files, sqlite3/duckdb shell histories, JSONL logs, CSV exports,
Postgres server logs, or the server's pg_stat_statements) into train/test files: read queries are run on the database for their ground truth, writes and broken
SQL are dropped with a reason, duplicates (one template) are kept once with their frequency.

Options:
  --db <file|url>       the database the queries ran against (file or postgresql:// URL)
  --history <file>...   one or more history files (a shell glob works; the option may repeat);
                        Postgres logs (log_statement = 'all': stderr, csvlog or jsonlog) are told
                        by their content; pg_stat_statements reads the server's statistics
                        (its $1… placeholders get the most frequent value of their column)
                        Quarry's own history (history.sqlite in the extension's storage) is read
                        as it is: Asks and Runs that ran, as corrected; other databases' left out
  --out <dir>           the output folder (written whole, or not at all)
  --replace             replace an earlier dataset in --out (without it, one is refused)
  --schema-only         no database rows anywhere: ground truth from a synthetic instance of the
                        schema (SQLite and DuckDB)
  --questions <from>    history (default), model or none
  --grammar <mode>      keep only queries the grammar the model will be decoded under can write:
                        sql (default), narrow, or off (keep all); --no-grammar is off
  --model <ref>         the model that writes questions (with --questions model)
  --batch N             questions the model writes side by side (default ${DEFAULT_BATCH_SEQUENCES}; each costs a context's memory)
${MODEL_HELP}
${REMOTE_HELP}
  --concurrency N       with --endpoint: questions asked for at once (default ${DEFAULT_REMOTE_CONCURRENCY})
  --test-fraction F     share of templates in the test split (default ${DEFAULT_TEST_FRACTION})
  --seed N              the split's seed (default ${DEFAULT_SPLIT_SEED})
  --formats <list>      any of ${ALL_FORMATS.join(',')} (default all)
  --drop-empty          drop queries that return no rows
  -h, --help            show this help`;

export async function datasetCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') return write(`${DATASET_HELP}\n\n${DATASET_PROMPTS_HELP}`);
  if (sub === 'prompts') return datasetPromptsCommand(rest, write);
  if (sub !== 'build') throw new UsageError(`dataset: unknown subcommand '${sub}' (use: quarry dataset build … or quarry dataset prompts …)`);
  const { values } = parseCommandArgs('dataset build', rest, {
    db: { type: 'string' },
    history: { type: 'string', multiple: true },
    out: { type: 'string' },
    replace: { type: 'boolean' },
    'schema-only': { type: 'boolean' },
    questions: { type: 'string' },
    ...GRAMMAR_ARGS,
    ...MODEL_ARGS,
    ...REMOTE_ARGS,
    concurrency: { type: 'string' },
    batch: { type: 'string' },
    'test-fraction': { type: 'string' },
    seed: { type: 'string' },
    formats: { type: 'string' },
    'drop-empty': { type: 'boolean' },
  }, { lists: ['history'] });
  if (values.help) return write(DATASET_HELP);
  const db = requiredDb('dataset build', values.db);
  const histories = (values.history ?? []) as string[];
  if (histories.length === 0) throw new UsageError('dataset build: give at least one --history <file>');
  if (!values.out) throw new UsageError('dataset build: --out <dir> is required');
  const questions = (values.questions ?? 'history') as 'history' | 'model' | 'none';
  if (!['history', 'model', 'none'].includes(questions)) throw new UsageError(`dataset build: --questions must be history, model or none`);
  const remote = remoteModelOptions('dataset build', values);
  if (questions === 'model' && !values.model && !remote) throw new UsageError('dataset build: --questions model needs --model <path|url|hf:…> (or --endpoint <url>)');
  const concurrency = integerOption('dataset build', 'concurrency', values.concurrency, 1, 256);
  if (concurrency !== undefined && !remote) throw new UsageError('dataset build: --concurrency needs --endpoint <url> (a local model writes --batch questions side by side)');
  const testFraction = values['test-fraction'] === undefined ? DEFAULT_TEST_FRACTION : Number(values['test-fraction']);
  if (!(testFraction >= 0 && testFraction <= 1)) throw new UsageError(`dataset build: --test-fraction must be between 0 and 1`);
  const formats = (values.formats?.split(',').map((f) => f.trim()) ?? ALL_FORMATS) as DatasetFormat[];
  const unknown = formats.filter((f) => !ALL_FORMATS.includes(f));
  if (unknown.length) throw new UsageError(`dataset build: unknown format ${unknown.join(', ')} (formats: ${ALL_FORMATS.join(', ')})`);

  const grammar = grammarOption('dataset build', values);
  const seed = integerOption('dataset build', 'seed', values.seed, 0);
  const batchSequences = integerOption('dataset build', 'batch', values.batch, 1, 64) ?? DEFAULT_BATCH_SEQUENCES;
  const modelOptions = questions === 'model' && !remote ? checkModelOptions('dataset build', { ...values, model: values.model!, batchSequences }) : null;
  const interrupt = abortOnInterrupt();
  let engine: (LanguageModel & { dispose(): void }) | undefined;
  const tty = process.stderr.isTTY;
  try {
    if (questions === 'model') {
      ({ engine } = await openCliModel(remote ? { remote: { ...remote, ...(concurrency ? { concurrency } : {}) } } : { local: modelOptions! }, interrupt.signal));
    }
    const manifest = await buildDataset({
      dbPath: isUrlTarget(db) ? db : resolve(db),
      histories: histories.map((h) => (h === PG_STAT_STATEMENTS ? h : resolve(h))),
      out: resolve(values.out),
      replace: values.replace,
      schemaOnly: values['schema-only'],
      questions,
      grammar,
      engine,
      testFraction,
      seed,
      formats,
      dropEmpty: values['drop-empty'],
      signal: interrupt.signal,
      onProgress: ({ stage, done, total }) => {
        if (tty) process.stderr.write(`\r\x1b[K${stage}… ${total ? Math.floor((100 * done) / total) : 0}%`);
      },
    });
    if (tty) process.stderr.write('\r\x1b[K');
    const lines = [`statements read   ${manifest.counts.statements}`, `kept              ${manifest.counts.kept}  (train ${manifest.splits.train}, test ${manifest.splits.test})`];
    for (const line of manifest.droppedBecause) lines.push(`dropped ${line}`);
    const { history, model, none } = manifest.counts.questions;
    lines.push(`questions         ${history} from the history, ${model} written by the model, ${none} left empty`);
    for (const error of manifest.questionErrors ?? []) lines.push(`  no question: ${error}`);
    lines.push(`written to ${resolve(values.out)}: ${manifest.files.join(', ')}, manifest.json`);
    write(lines.join('\n'));
  } finally {
    interrupt.dispose();
    engine?.dispose();
  }
}
