import { resolve } from 'node:path';
import { exportPrompts } from '../core/dataset/exportPrompts';
import { loadJsonlDataset, loadSpiderDataset, spiderSplitFile, type EvalExample } from '../core/eval/EvalDataset';
import { checkOutputFile } from '../core/files/checkOutputPath';
import { OutputLock } from '../core/files/OutputLock';
import { startsLike } from '../core/files/startsLike';
import { writeAtomically } from '../core/files/writeAtomically';
import { PROMPT_FORMATS } from '../core/prompt/promptFormats';
import { integerOption, parseCommandArgs } from './parseCommandArgs';
import { PROMPT_FORMAT_HELP_NO_MODEL, promptFormatOption } from './promptFormatOption';
import { abortOnInterrupt } from './signals';
import { UsageError } from './UsageError';

export const DATASET_PROMPTS_HELP = `Usage: quarry dataset prompts (--spider <dir> [--split train|dev] | --dataset <file.jsonl>) --out <file.jsonl> [options]

Training data in the exact prompt Quarry sends: for each question, the text a model without a
chat template is sent (what 'quarry ask --print-prompt --model <such a model>' prints: the whole
schema with example values, read and rendered by the same code) and the gold SQL, one JSON line
each: {"db_id", "question", "prompt", "completion"}. A model trained on it is asked at run time
byte for byte as it learned.

Options:
  --spider <dir>        Spider layout: <dir>/train_spider.json (or .min.json), <dir>/database/<db_id>/<db_id>.sqlite
  --split train|dev     which Spider split (default train)
  --dataset <file>      Quarry JSONL: {"question", "sql", "db"} per line (a dataset build's train/quarry.jsonl)
  --trust-data-urls     send your Postgres credentials (PGPASSWORD, ~/.pgpass) to the servers the
                        dataset names; without it a db URL gets only the password written in it
  --out <file.jsonl>    where to write (a new file, or one this command wrote before; written whole)
${PROMPT_FORMAT_HELP_NO_MODEL}
  --schema-only         no example values in the schema, as 'quarry ask --schema-only' sends it
  --corrections F       also a correction turn for this share of examples (0 to 1, default 0): a
                        name of the gold query replaced by an invented one, its database error, and
                        the prompt Ask then sends; the line has "correction": {"sql", "error"}
  --seed N              which examples and names (default 1)
  --limit N             only the first N examples
  -h, --help            show this help`;

/** How the files this command writes begin: a later run may replace them, and nothing else. */
const OWN_START = /^\{"db_id":/;

export async function datasetPromptsCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('dataset prompts', args, {
    spider: { type: 'string' },
    split: { type: 'string' },
    dataset: { type: 'string' },
    out: { type: 'string' },
    'prompt-format': { type: 'string' },
    'schema-only': { type: 'boolean' },
    'trust-data-urls': { type: 'boolean' },
    corrections: { type: 'string' },
    seed: { type: 'string' },
    limit: { type: 'string' },
  });
  if (values.help) return write(DATASET_PROMPTS_HELP);
  if (!values.spider === !values.dataset) throw new UsageError('dataset prompts: give one of --spider <dir> or --dataset <file.jsonl>');
  if (!values.out) throw new UsageError('dataset prompts: --out <file.jsonl> is required');
  const split = values.split ?? 'train';
  if (split !== 'dev' && split !== 'train') throw new UsageError(`dataset prompts: --split must be train or dev, got '${split}'`);
  const limit = integerOption('dataset prompts', 'limit', values.limit, 1);
  const seed = integerOption('dataset prompts', 'seed', values.seed, 0) ?? 1;
  const corrections = values.corrections === undefined ? 0 : Number(values.corrections);
  if (!(corrections >= 0 && corrections <= 1)) throw new UsageError(`dataset prompts: --corrections must be between 0 and 1, got '${values.corrections}'`);
  const format = PROMPT_FORMATS[promptFormatOption('dataset prompts', values['prompt-format']) ?? 'quarry'];
  const input = values.spider ? spiderSplitFile(values.spider, split) : resolve(values.dataset!);
  const out = resolve(values.out);
  checkOutputFile(out, { inputs: [input], isOwnOutput: (path) => startsLike(path, OWN_START), option: 'out' });
  let examples: EvalExample[] = values.spider ? loadSpiderDataset(values.spider, split) : loadJsonlDataset(values.dataset!);
  if (limit) examples = examples.slice(0, limit);
  const lock = OutputLock.acquire(out, 'out');
  const interrupt = abortOnInterrupt();
  try {
    const tty = process.stderr.isTTY;
    const result = await exportPrompts(examples, {
      format,
      schemaOnly: !!values['schema-only'],
      corrections,
      seed,
      dataUrls: { configured: [], trustAll: values['trust-data-urls'] === true },
      signal: interrupt.signal,
      onProgress: (done, total) => tty && process.stderr.write(`\r\x1b[Kprompts… ${done}/${total}`),
    });
    if (tty) process.stderr.write('\r\x1b[K');
    writeAtomically(out, result.examples.map((example) => JSON.stringify(example)).join('\n') + (result.examples.length ? '\n' : ''));
    const turns = result.examples.filter((e) => e.correction).length;
    write(`${result.examples.length} prompts (${format.id} format${turns ? `, ${turns} of them correction turns` : ''}) written to ${out}${result.missing ? `; ${result.missing} left out: their database is missing` : ''}`);
  } finally {
    interrupt.dispose();
    lock.release();
  }
}
