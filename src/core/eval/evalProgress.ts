import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { FileError } from '../files/FileError';
import type { FileFingerprint } from '../files/fingerprintFile';
import type { ExampleResult } from '../protocol/evalReport';

/*
 * An evaluation's progress file, `<report>.progress.jsonl`: a header line with the run's settings
 * and inputs, then each finished example. An interrupted run resumes from it only when nothing that
 * could change a verdict changed.
 */

/** Finished examples go to the progress file in small batches: one write per example would cost more than scoring it. */
export class ProgressWriter {
  private pending: string[] = [];
  private lastFlush = performance.now();

  constructor(private readonly file: string) {}

  append(result: ExampleResult): void {
    this.pending.push(JSON.stringify(result));
    if (this.pending.length >= PROGRESS_BATCH || performance.now() - this.lastFlush >= PROGRESS_FLUSH_MS) this.flush();
  }

  flush(): void {
    if (this.pending.length) appendFileSync(this.file, `${this.pending.join('\n')}\n`);
    this.pending = [];
    this.lastFlush = performance.now();
  }
}

/** At most this many finished examples, or this much time, is lost when a run is killed outright. */
const PROGRESS_BATCH = 200;
const PROGRESS_FLUSH_MS = 500;


export interface ProgressHeader {
  settings: Record<string, unknown>;
  inputs: FileFingerprint[];
}

/** The finished examples of an earlier run with the same inputs and settings; a torn last line is dropped. */
export function readProgress(file: string, current: ProgressHeader): Map<number, ExampleResult> {
  const done = new Map<number, ExampleResult>();
  if (!existsSync(file)) return done;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const saved = safeParse(lines[0] ?? '') as Partial<ProgressHeader> | null;
  const difference = headerDifference(saved, current);
  if (difference) throw new FileError('resume-mismatch', `cannot resume from ${file}: ${difference}; run again without --resume to start over`);
  for (const line of lines.slice(1)) {
    const result = safeParse(line) as ExampleResult | null;
    if (result && Number.isInteger(result.index)) done.set(result.index, result);
  }
  return done;
}

/** The first thing that differs between the interrupted run and this one, in words; null when nothing does. */
function headerDifference(saved: Partial<ProgressHeader> | null, current: ProgressHeader): string | null {
  if (!saved?.settings) return 'it has no settings line';
  for (const key of new Set([...Object.keys(saved.settings), ...Object.keys(current.settings)])) {
    const before = JSON.stringify(saved.settings[key]);
    const now = JSON.stringify(current.settings[key]);
    if (before !== now) return `setting ${key} was ${before ?? 'unset'} and is now ${now ?? 'unset'}`;
  }
  const savedInputs = new Map((saved.inputs ?? []).map((f) => [f.path, f]));
  if (savedInputs.size !== current.inputs.length) return 'it was run on other input files';
  for (const input of current.inputs) {
    const before = savedInputs.get(input.path);
    if (!before) return `${input.path} was not one of its inputs`;
    if (before.size !== input.size || before.sha256 !== input.sha256) return `${input.path} changed since (size or content)`;
  }
  return null;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
