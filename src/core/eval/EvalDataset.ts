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
  /** BIRD's `question_id`: what its predict files are keyed by (mini-dev's are not the positions). */
  questionId?: number;
}

/** A problem with an input file, named with the file (and line) and how to fix it. */
export class EvalInputError extends Error {
  readonly code = 'bad-input';
}

/**
 * A model asked an empty question answers nothing it was asked, so its score would be noise: such a
 * dataset is refused before a model is loaded, naming how many and what to do.
 */
export function refuseUnaskable(examples: EvalExample[]): void {
  const unasked = examples.filter((e) => !e.question.trim());
  if (unasked.length === 0) return;
  throw new EvalInputError(
    `${unasked.length} of the ${examples.length} examples have no question (the first: example ${unasked[0]!.index}); a model cannot be asked them: write the questions (quarry dataset build --questions model) or score predictions instead`,
  );
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
  const entries = parseJson(file) as { question_id?: number; question?: string; evidence?: string; SQL?: string; difficulty?: string; db_id?: string }[];
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
      ...(Number.isInteger(entry.question_id) ? { questionId: entry.question_id } : {}),
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
 * Predictions as Spider's evaluator reads them (one SQL per line, in dataset order), as BIRD's reads
 * them (a JSON object keyed by question_id, `SQL\t----- bird -----\t<db_id>`), or JSONL `{"index" or
 * "question_id", "sql"}`, checked against the dataset: a file with a line too many or too few, a key
 * the dataset lacks, or a prediction for another database is out of step with it, and every verdict
 * after the gap would be about another question (pairing by position scored a right BIRD mini-dev
 * file at 0.13%). `needed` examples (the first ones; all by default) must each have one prediction.
 */
export function loadPredictions(file: string, examples: readonly EvalExample[], needed = examples.length): Map<number, string> {
  if (file.endsWith('.jsonl')) return jsonlPredictions(file, examples, needed);
  if (file.endsWith('.json')) return birdPredictions(file, examples, needed);
  return textPredictions(file, examples.length, needed);
}

/** A BIRD predict file's value: the SQL, BIRD's separator, the database it is for. */
export const BIRD_SEPARATOR = '\t----- bird -----\t';

/** How a keyed prediction names its example: BIRD's question_id where the dataset has them, else the position. */
function keyOf(example: EvalExample): string {
  return String(example.questionId ?? example.index);
}

function birdPredictions(file: string, examples: readonly EvalExample[], needed: number): Map<number, string> {
  const parsed = parseJson(file);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EvalInputError(`${file}: a .json predictions file is BIRD's: an object {"<question_id>": "SQL${'\\t'}----- bird -----${'\\t'}<db_id>"}`);
  }
  const byKey = new Map(examples.map((example) => [keyOf(example), example]));
  const predictions = new Map<number, string>();
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    const example = byKey.get(key);
    if (!example) throw new EvalInputError(`${file}: question_id ${key} is not in the dataset; predictions must be for this dataset's questions`);
    if (typeof value !== 'string') throw new EvalInputError(`${file}: question_id ${key}: the prediction must be a string`);
    const [sql, dbId] = value.split(BIRD_SEPARATOR);
    if (dbId !== undefined && dbId.trim() !== example.dbId) {
      throw new EvalInputError(`${file}: question_id ${key} is predicted on ${dbId.trim()}, but the dataset asks it of ${example.dbId}: the file is out of step with the dataset`);
    }
    predictions.set(example.index, sql!);
  }
  const missing = examples.slice(0, needed).filter((example) => !predictions.has(example.index));
  if (missing.length) throw new EvalInputError(`${file} has no prediction for ${missing.length} of the ${needed} questions (first: question_id ${keyOf(missing[0]!)})`);
  return predictions;
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

function jsonlPredictions(file: string, examples: readonly EvalExample[], needed: number): Map<number, string> {
  const total = examples.length;
  const byQuestionId = new Map(examples.map((example) => [keyOf(example), example.index]));
  const predictions = new Map<number, string>();
  for (const { value, line } of readJsonl(file)) {
    const entry = value as { index?: unknown; question_id?: unknown; sql?: unknown };
    if (Number.isInteger(entry.question_id) && typeof entry.sql === 'string' && entry.index === undefined) {
      const index = byQuestionId.get(String(entry.question_id));
      if (index === undefined) throw new EvalInputError(`${file}:${line}: question_id ${String(entry.question_id)} is not in the dataset`);
      entry.index = index;
    }
    if (!Number.isInteger(entry.index) || typeof entry.sql !== 'string') {
      throw new EvalInputError(`${file}:${line}: each line needs an integer "index" (or BIRD's "question_id") and an "sql" string`);
    }
    const index = entry.index as number;
    if (index < 0 || index >= total) throw new EvalInputError(`${file}:${line}: index ${index} is outside the dataset (0 to ${total - 1})`);
    if (predictions.has(index)) throw new EvalInputError(`${file}:${line}: a second prediction for index ${index}; keep one per example`);
    predictions.set(index, entry.sql as string);
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
