import type { Writable } from 'node:stream';
import { toJson } from './toJson';

/** Rows per write: large enough that writing costs little, small enough that no huge string is ever built. */
const ROWS_PER_CHUNK = 1000;

/**
 * `{"columns", "rows", "truncated"}` written as the rows arrive, a chunk at a time, waiting when the
 * reader is slower: a result of millions of rows never becomes one string, nor one array here.
 */
export class JsonResultWriter {
  private started = false;
  private first = true;

  constructor(private readonly out: Writable) {}

  async rows(columns: string[], rows: unknown[][]): Promise<void> {
    if (!this.started) {
      this.started = true;
      await write(this.out, `{"columns":${toJson(columns)},"rows":[`);
    }
    for (let start = 0; start < rows.length; start += ROWS_PER_CHUNK) {
      const chunk = rows.slice(start, start + ROWS_PER_CHUNK).map((row) => toJson(row));
      await write(this.out, (this.first ? '' : ',') + chunk.join(','));
      this.first = false;
    }
  }

  async end(columns: string[], truncated: boolean): Promise<void> {
    await this.rows(columns, []);
    await write(this.out, `],"truncated":${truncated}}\n`);
  }
}

/** A whole result, as JsonResultWriter writes it. */
export async function writeJsonResult(out: Writable, result: { columns: string[]; rows: unknown[][]; truncated: boolean }): Promise<void> {
  const writer = new JsonResultWriter(out);
  await writer.rows(result.columns, result.rows);
  await writer.end(result.columns, result.truncated);
}

function write(out: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ready = out.write(text, (error) => error && reject(error));
    if (ready) resolve();
    else out.once('drain', resolve);
  });
}
