import type { Writable } from 'node:stream';
import { toJson } from './toJson';

/** Rows per write: large enough that writing costs little, small enough that no huge string is ever built. */
const ROWS_PER_CHUNK = 1000;

/**
 * `{"columns", "rows", "truncated"}`, written a chunk of rows at a time and waiting when the reader
 * is slower: a result of millions of rows never becomes one string of gigabytes.
 */
export async function writeJsonResult(out: Writable, result: { columns: string[]; rows: unknown[][]; truncated: boolean }): Promise<void> {
  await write(out, `{"columns":${toJson(result.columns)},"rows":[`);
  for (let start = 0; start < result.rows.length; start += ROWS_PER_CHUNK) {
    const chunk = result.rows.slice(start, start + ROWS_PER_CHUNK).map((row) => toJson(row));
    await write(out, (start > 0 ? ',' : '') + chunk.join(','));
  }
  await write(out, `],"truncated":${result.truncated}}\n`);
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = out.write(text, (error) => error && reject(error));
    if (ready) resolve();
    else out.once('drain', resolve);
  });
}
