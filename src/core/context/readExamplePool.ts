import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkInputFile } from '../files/checkInputFile';
import { FileError } from '../files/FileError';
import type { PoolExample } from './ExamplePool';

/**
 * The example pool's pairs from any of the files users have:
 * - JSONL, a pair a line: `{question, sql}` (what `quarry dataset build` writes), `{question, query}`
 *   (Spider), `{question, SQL}` (BIRD), with `db_id` or `db` when known;
 * - a JSON array of the same (Spider's train_spider.json);
 * - a dataset folder from `quarry dataset build`: its train split.
 * A line that is not such a pair is refused naming the file and line: a pool silently missing half
 * its examples would look like bad retrieval.
 */
export function readExamplePool(path: string): PoolExample[] {
  if (existsSync(path) && statSync(path).isDirectory()) return readDatasetFolder(path);
  checkInputFile(path, 'example pool');
  const text = readFileSync(path, 'utf8');
  if (text.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new FileError('bad-input', `${path} is not valid JSON (${(error as Error).message}): give a JSON array or JSONL of {"question", "sql"} pairs`);
    }
    if (!Array.isArray(parsed)) throw new FileError('bad-input', `${path} is not a JSON array of {"question", "sql"} pairs`);
    return parsed.map((item, i) => toExample(item, `${path}: item ${i + 1}`));
  }
  const examples: PoolExample[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch {
      throw new FileError('bad-input', `${path}:${i + 1} is not a JSON object: each line must be {"question": …, "sql": …}`);
    }
    examples.push(toExample(item, `${path}:${i + 1}`));
  });
  return examples;
}

function readDatasetFolder(folder: string): PoolExample[] {
  const train = join(folder, 'train');
  const files = existsSync(train) ? readdirSync(train).filter((name) => name.endsWith('.jsonl')) : [];
  // The quarry export has question and sql on each line; other exports of the same folder carry prompts instead.
  const file = files.find((name) => name === 'quarry.jsonl') ?? files[0];
  if (!file) throw new FileError('bad-input', `${folder} is a folder without train/*.jsonl: give a dataset folder from quarry dataset build, or a JSONL file of {"question", "sql"} pairs`);
  return readExamplePool(join(train, file));
}

function toExample(item: unknown, where: string): PoolExample {
  const record = (item && typeof item === 'object' ? item : {}) as Record<string, unknown>;
  const question = record.question;
  const sql = record.sql ?? record.query ?? record.SQL;
  if (typeof question !== 'string' || !question.trim() || typeof sql !== 'string' || !sql.trim()) {
    throw new FileError('bad-input', `${where} has no question and SQL: each example needs "question" and "sql" (or Spider's "query", BIRD's "SQL")`);
  }
  const db = record.db_id ?? record.db;
  return { question, sql, ...(typeof db === 'string' ? { db } : {}) };
}
