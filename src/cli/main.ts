import { BAD_INPUT_CODES, DbError } from '../core/db/DbError';
import { EngineError, type EngineErrorCode } from '../core/engine/EngineError';
import { EvalInputError } from '../core/eval/EvalDataset';
import { FileError } from '../core/files/FileError';
import { ASK_HELP, askCommand } from './askCommand';
import { CONTEXT_COMMAND_HELP, contextCommand } from './contextCommand';
import { COMPLETE_HELP, completeCommand } from './completeCommand';
import { DATASET_HELP, datasetCommand } from './datasetCommand';
import { EVAL_HELP, evalCommand } from './evalCommand';
import { GRAMMAR_COMMAND_HELP, grammarCommand } from './grammarCommand';
import { MODELS_HELP, modelsCommand } from './modelsCommand';
import { REWARD_HELP, rewardCommand } from './rewardCommand';
import { SCHEMA_HELP, schemaCommand } from './schemaCommand';
import { SQL_HELP, sqlCommand } from './sqlCommand';
import { UsageError } from './UsageError';
import { stopAndExit, stopChildrenOnSignals } from './signals';
import { redactSecrets } from '../core/util/redactSecrets';

const HELP = `Usage: quarry <command> [options]

Commands:
  schema   print a database's schema (DDL or --json)
  sql      run one read-only SQL statement
  ask      write SQL for an English question with a local model
  context  what goes into the prompt for a question: tables, values, examples, tokens
  complete inline completion from the command line: the rest of a statement, or a query under a comment
  models   the curated text-to-SQL models: size, memory, license, format, reported accuracy, download
  eval     execution accuracy of predictions or a model on Spider or a JSONL dataset
  dataset  build train/test files from a query history (quarry dataset build …)
  reward   score a candidate SQL against a built example's ground truth
  grammar  print the grammar that constrains the model's SQL, or check statements against it

--db takes a SQLite or DuckDB file, or a postgresql://user@host:port/database URL (the password
from the URL, PGPASSWORD or ~/.pgpass). Run 'quarry <command> --help' for a command's options.`;

/** A command returns its exit code, or nothing for 0. */
type Command = (args: string[], write: (text: string) => void) => Promise<number | void>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  schema: { run: schemaCommand, help: SCHEMA_HELP },
  sql: { run: sqlCommand, help: SQL_HELP },
  ask: { run: askCommand, help: ASK_HELP },
  context: { run: contextCommand, help: CONTEXT_COMMAND_HELP },
  complete: { run: completeCommand, help: COMPLETE_HELP },
  models: { run: modelsCommand, help: MODELS_HELP },
  eval: { run: evalCommand, help: EVAL_HELP },
  dataset: { run: datasetCommand, help: DATASET_HELP },
  reward: { run: rewardCommand, help: REWARD_HELP },
  grammar: { run: grammarCommand, help: GRAMMAR_COMMAND_HELP },
};

/** Model problems the user fixes by pointing at another file or URL. */
const BAD_MODEL_CODES: ReadonlySet<EngineErrorCode> = new Set(['model-missing', 'model-invalid', 'model-load-failed', 'download-failed', 'checksum-mismatch', 'unsupported']);

export async function main(argv: string[]): Promise<number> {
  const write = (text: string) => void process.stdout.write(`${text}\n`);
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    write(args[0] && COMMANDS[args[0]] ? COMMANDS[args[0]]!.help : HELP);
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return (await command.run(args, write)) ?? 0;
  } catch (error) {
    // Messages may quote a URL given on the command line or found in a file: never its password or key.
    process.stderr.write(`quarry: ${redactSecrets(oneLine(error))}\n`);
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof EvalInputError || error instanceof FileError) return 2;
  if (error instanceof DbError && BAD_INPUT_CODES.has(error.code)) return 2;
  if (error instanceof EngineError && BAD_MODEL_CODES.has(error.code)) return 2;
  return 1;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function nodeIsTooOld(): boolean {
  return Number(process.versions.node.split('.')[0]) < 22;
}

if (require.main === module) {
  if (nodeIsTooOld()) {
    process.stderr.write(
      `quarry: Node ${process.versions.node} is too old; Quarry needs Node 22 or newer (run 'npm install' in the project, which brings Node 24, and use 'npx quarry')\n`,
    );
    process.exit(2);
  }
  endQuietlyOnClosedPipe();
  stopChildrenOnSignals();
  void main(process.argv.slice(2)).then((code) => exitOnceWritten(code));
}

/**
 * Exits only once everything written has reached the reader: stdout to a pipe is asynchronous, and
 * exiting at once cut `quarry schema | less` off at the pipe's 64 KiB. (Exiting rather than
 * waiting for the event loop to empty: a worker left by a failed run must not keep the CLI waiting.)
 */
function exitOnceWritten(code: number): void {
  let open = 2;
  const written = () => {
    if (--open === 0) process.exit(code);
  };
  process.stdout.write('', written);
  process.stderr.write('', written);
}

/** `quarry schema | head`: a reader that stops early is no error of Quarry's; it ends, quietly and at once. */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stopAndExit(0);
    });
  }
}
