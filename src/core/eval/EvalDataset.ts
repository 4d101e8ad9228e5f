import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { checkInputFile } from '../files/checkInputFile';
import { databaseNameOf, isUrlTarget } from '../db/databaseEngines';
import { DIFFICULTIES, type Difficulty } from '../protocol/evalReport';

export interface EvalExample {
  index: number;
  question: string;
  goldSql: string;
  dbId: string;
  /** null when the database file is missing: the example is skipped and reported. */
  dbPath: string | null;
  /** External knowledge for the question (BIRD's evidence). */
  evidence?: string;
  /** BIRD's level. */
  difficulty?: Difficulty;
}

/** A problem with an input file, named with the file (and line) and how to fix it. */
export class EvalInputError extends Error {
  readonly code = 'bad-input';
}

/** Spider layout: `<dir>/<split>.json` and `<dir>/database/<db_id>/<db_id>.sqlite`. */
export function loadSpiderDataset(dir: string, split: 'dev' | 'train'): EvalExample[] {
  const file = spiderSplitFile(dir, split);
  const entries = parseJson(file) as { question?: string; query?: string; db_id?: string }[];
  if (!Array.isArray(entries)) throw new EvalInputError(`${file}: expected a JSON array of examples`);
  return entries.map((entry, index) => {
    if (typeof entry.query !== 'string' || typeof entry.db_id !== 'string') {
      throw new EvalInputError(`${file}: example ${index} has no "query" or "db_id"`);
    }
    const dbPath = join(dir, 'database', entry.db_id, `${entry.db_id}.sqlite`);
    return { index, question: entry.question ?? '', goldSql: entry.query, dbId: entry.db_id, dbPath: existsSync(dbPath) ? dbPath : null };
  });
}

/** The file of a Spider split in `dir`. */
export function spiderSplitFile(dir: string, split: 'dev' | 'train'): string {
  const candidates = split === 'dev' ? ['dev.json'] : ['train_spider.json', 'train_spider.min.json'];
  const file = candidates.map((name) => resolve(dir, name)).find(existsSync);
  if (!file) throw new EvalInputError(`no Spider ${split} file in ${dir} (looked for ${candidates.join(', ')})`);
  return file;
}

/** BIRD layout: `<dir>/<split>.json` (question, evidence, SQL, difficulty, db_id) and `<dir>/<split>_databases/<db_id>/<db_id>.sqlite`. */
export function loadBirdDataset(dir: string, split: 'dev' | 'train'): EvalExample[] {
  const file = birdSplitFile(dir, split);
  const entries = parseJson(file) as { question?: string; evidence?: string; SQL?: string; difficulty?: string; db_id?: string }[];
  if (!Array.isArray(entries)) throw new EvalInputError(`${file}: expected a JSON array of examples`);
  return entries.map((entry, index) => {
    if (typeof entry.SQL !== 'string' || typeof entry.db_id !== 'string') throw new EvalInputError(`${file}: example ${index} has no "SQL" or "db_id"`);
    const dbPath = join(dir, `${split}_databases`, entry.db_id, `${entry.db_id}.sqlite`);
    const difficulty = DIFFICULTIES.find((level) => level === entry.difficulty);
    return {
      index,
      question: entry.question ?? '',
      goldSql: entry.SQL,
      dbId: entry.db_id,
      dbPath: existsSync(dbPath) ? dbPath : null,
      ...(entry.evidence?.trim() ? { evidence: entry.evidence } : {}),
      ...(difficulty ? { difficulty } : {}),
    };
  });
}

export function birdSplitFile(dir: string, split: 'dev' | 'train'): string {
  const file = resolve(dir, `${split}.json`);
  if (!existsSync(file)) throw new EvalInputError(`no BIRD ${split} file in ${dir} (looked for ${split}.json beside ${split}_databases/)`);
  return file;
}

/** Quarry's own JSONL: one `{"question", "sql", "db", "evidence"?}` per line, `db` relative to the file's folder, or a postgresql:// URL. */
export function loadJsonlDataset(file: string): EvalExample[] {
  return readJsonl(file).map(({ value, line }, index) => {
    const entry = value as { question?: unknown; sql?: unknown; db?: unknown; evidence?: unknown };
    if (typeof entry.sql !== 'string' || typeof entry.db !== 'string') {
      throw new EvalInputError(`${file}:${line}: each line needs "sql" and "db" strings (and a "question")`);
    }
    // A server's URL as it is; a file relative to the dataset.
    const server = isUrlTarget(entry.db);
    const dbPath = server || isAbsolute(entry.db) ? entry.db : resolve(dirname(file), entry.db);
    return {
      index,
      question: typeof entry.question === 'string' ? entry.question : '',
      goldSql: entry.sql,
      dbId: databaseNameOf(entry.db),
      dbPath: server || existsSync(dbPath) ? dbPath : null,
      ...(typeof entry.evidence === 'string' && entry.evidence.trim() ? { evidence: entry.evidence } : {}),
    };
  });
}

/**
 * Predictions as the official evaluator reads them (one SQL per line, in dataset order) or JSONL
 * `{"index", "sql"}`, checked against the dataset: a file with a line too many or too few is out of
 * step with it, and every verdict after the gap would be about another question.
 * `needed` examples (the first ones; all by default) must each have exactly one prediction.
 */
export function loadPredictions(file: string, total: number, needed = total): Map<number, string> {
  return file.endsWith('.jsonl') ? jsonlPredictions(file, total, needed) : textPredictions(file, total, needed);
}

function textPredictions(file: string, total: number, needed: number): Map<number, string> {
  const lines = readText(file).split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== total && lines.length !== needed) {
    const expected = needed === total ? `${total}` : `${total} (or ${needed}, the examples evaluated)`;
    throw new EvalInputError(`${file} has ${lines.length} lines but the dataset has ${total} examples; give one prediction per line, ${expected} lines in dataset order`);
  }
  return new Map(lines.map((line, index) => [index, line.split('\t')[0]!.trim()]));
}

function jsonlPredictions(file: string, total: number, needed: number): Map<number, string> {
  const predictions = new Map<number, string>();
  for (const { value, line } of readJsonl(file)) {
    const entry = value as { index?: unknown; sql?: unknown };
    if (!Number.isInteger(entry.index) || typeof entry.sql !== 'string') {
      throw new EvalInputError(`${file}:${line}: each line needs an integer "index" and an "sql" string`);
    }
    const index = entry.index as number;
    if (index < 0 || index >= total) throw new EvalInputError(`${file}:${line}: index ${index} is outside the dataset (0 to ${total - 1})`);
    if (predictions.has(index)) throw new EvalInputError(`${file}:${line}: a second prediction for index ${index}; keep one per example`);
    predictions.set(index, entry.sql);
  }
  const missing = Array.from({ length: needed }, (_, i) => i).filter((i) => !predictions.has(i));
  if (missing.length) {
    throw new EvalInputError(`${file} has no prediction for ${missing.length} of the ${needed} examples (first: index ${missing[0]}); give one line per example`);
  }
  return predictions;
}

function readText(file: string): string {
  // A FIFO would keep readFileSync waiting for a writer.
  checkInputFile(file, 'file');
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EvalInputError(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
}

function parseJson(file: string): unknown {
  try {
    return JSON.parse(readText(file));
  } catch (error) {
    if (error instanceof EvalInputError) throw error;
    throw new EvalInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

function readJsonl(file: string): { value: unknown; line: number }[] {
  return readText(file)
    .split(/\r?\n/)
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== '')
    .map(({ text, line }) => {
      try {
        return { value: JSON.parse(text) as unknown, line };
      } catch (error) {
        throw new EvalInputError(`${file}:${line}: not valid JSON (${(error as Error).message})`);
      }
    });
}
