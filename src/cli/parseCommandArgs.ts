import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_GRAMMAR } from '../core/defaults';
import { GRAMMAR_MODES, type GrammarMode } from '../core/sql/grammarFor';
import { UsageError } from './UsageError';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ArgsShape<O extends Options> {
  /** Most positional arguments the command takes (default none): any more are refused by name. */
  maxPositionals?: number;
  /** Options that take one or more values, as a shell glob expands (`--history a.sql b.sql`); they may also repeat. */
  lists?: (keyof O & string)[];
}

/**
 * node:util's parseArgs, strict, with its errors turned into one-line usage errors naming the
 * command; stray positionals are refused too, so nothing the user typed is silently ignored.
 */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, shape: ArgsShape<O> = {}) {
  const prepared = spreadLists(joinNegativeNumbers(args, options), shape.lists ?? []);
  const parsed = strictParse(command, prepared, options);
  const extra = parsed.positionals.slice(shape.maxPositionals ?? 0);
  if (extra.length && !(parsed.values as { help?: boolean }).help) {
    const list = extra.map((arg) => `'${arg}'`).join(', ');
    throw new UsageError(`${command}: unexpected argument${extra.length > 1 ? 's' : ''} ${list} (see quarry ${command} --help)`);
  }
  return parsed;
}

function strictParse<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]} (see quarry ${command} --help)`);
  }
}

/** `--context-size -5` means the value -5, which the option's own check then refuses; parseArgs would call it ambiguous. */
function joinNegativeNumbers(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = /^--([^=]+)$/.exec(args[i]!)?.[1];
    const next = args[i + 1];
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else {
      out.push(args[i]!);
    }
  }
  return out;
}

/** `--history a b c` → `--history a --history b --history c`, up to the next option. */
function spreadLists(args: string[], lists: string[]): string[] {
  const out: string[] = [];
  let list: string | null = null;
  for (const arg of args) {
    if (arg === '--') {
      list = null;
      out.push(arg);
    } else if (arg.startsWith('-')) {
      list = lists.find((name) => arg === `--${name}`) ?? null;
      out.push(arg);
    } else if (list && out.at(-1) !== `--${list}`) {
      out.push(`--${list}`, arg);
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function integerOption(command: string, name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${command}: --${name} must be a whole number ${range}, got '${value}'`);
  }
  return parsed;
}

/** CPU threads: more than the cores only slows llama.cpp down, and a typo like 1000 would ask for 1000 of them. */
export function threadsOption(command: string, name: string, value: string | undefined): number | undefined {
  return integerOption(command, name, value, 1, availableParallelism());
}

export function requiredDb(command: string, db: string | undefined): string {
  if (!db) throw new UsageError(`${command}: --db <file|url> is required (a SQLite or DuckDB file, or a postgresql:// URL)`);
  return db;
}

/** `--grammar sql|narrow|off`; `--no-grammar` is the older spelling of `off`. */
export function grammarOption(command: string, values: { grammar?: string; 'no-grammar'?: boolean }): GrammarMode {
  if (values['no-grammar']) {
    if (values.grammar && values.grammar !== 'off') throw new UsageError(`${command}: --no-grammar and --grammar ${values.grammar} contradict each other`);
    return 'off';
  }
  const mode = (values.grammar ?? DEFAULT_GRAMMAR) as GrammarMode;
  if (!GRAMMAR_MODES.includes(mode)) throw new UsageError(`${command}: --grammar must be one of ${GRAMMAR_MODES.join(', ')}, got '${values.grammar}'`);
  return mode;
}

export const GRAMMAR_ARGS = { grammar: { type: 'string' }, 'no-grammar': { type: 'boolean' } } as const;

export const GRAMMAR_HELP = `  --grammar <mode>      sql (default): the dialect's whole query language, only the schema's names;
                        narrow: simple queries only (for tiny models that cannot write SQL alone); off
  --no-grammar          the same as --grammar off`;
