import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './UsageError';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util's parseArgs, with its errors turned into one-line usage errors naming the command. */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${command}: ${(error as Error).message.split('\n')[0]} (see quarry ${command} --help)`);
  }
}

export function integerOption(command: string, name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new UsageError(`${command}: --${name} must be a whole number of at least ${min}, got '${value}'`);
  }
  return parsed;
}

export function requiredDb(command: string, db: string | undefined): string {
  if (!db) throw new UsageError(`${command}: --db <file> is required (a SQLite or DuckDB file)`);
  return db;
}
