import type { AttachedDatabase } from '../core/types/AttachedDatabase';
import { UsageError } from './UsageError';

export const ATTACH_ARGS = { attach: { type: 'string', multiple: true } } as const;

export const ATTACH_HELP = `  --attach ALIAS=FILE   another file of the same engine opened beside --db, read-only, its tables
                        named ALIAS.table in prompts, the grammar and SQL; repeat it for more`;

/** `--attach sales=sales.duckdb`, as many as given; the files themselves are checked when the database opens. */
export function attachOption(command: string, values: string[] | undefined): AttachedDatabase[] {
  return (values ?? []).map((value) => {
    const at = value.indexOf('=');
    if (at <= 0 || at === value.length - 1) throw new UsageError(`${command}: --attach takes ALIAS=FILE (e.g. --attach sales=sales.duckdb), got '${value}'`);
    return { alias: value.slice(0, at), path: value.slice(at + 1) };
  });
}
