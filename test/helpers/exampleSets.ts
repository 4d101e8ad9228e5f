import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** A question and its gold query, as the example files hold them. */
export interface ExampleEntry {
  question: string;
  sql: string;
}

/** A history file read as a person would: the comment line right above each statement is its question. */
export function readHistoryEntries(file: string): ExampleEntry[] {
  return readFileSync(file, 'utf8')
    .split(/\n\s*\n/)
    .map((block) => block.trim().split('\n'))
    .filter((lines) => lines.some((line) => !line.startsWith('--')))
    .map((lines) => ({
      question: lines.filter((line) => line.startsWith('-- ')).at(-1)!.slice(3),
      sql: lines.filter((line) => !line.startsWith('--')).join(' ').trim().replace(/;$/, ''),
    }));
}

/** A JSONL file of {question, sql, …}. */
export const readJsonlEntries = <T extends ExampleEntry>(file: string): T[] => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as T);

/** Literals and spacing aside: two queries of one shape are the same template. */
export const queryShape = (sql: string) => sql.toLowerCase().replace(/'[^']*'/g, "'?'").replace(/\b\d+(\.\d+)?\b/g, '?').replace(/\s+/g, ' ').trim();
const words = (question: string) => question.toLowerCase().replace(/[^a-z0-9 ]/g, '').trim();

/** No held-out question is worded, and no held-out query shaped, like a history entry. */
export function assertHeldOutApart(history: ExampleEntry[], heldOut: ExampleEntry[]): void {
  const seenQuestions = new Set(history.map((e) => words(e.question)));
  const seenShapes = new Set(history.map((e) => queryShape(e.sql)));
  for (const example of heldOut) {
    assert.ok(!seenQuestions.has(words(example.question)), `worded as in the history: ${example.question}`);
    assert.ok(!seenShapes.has(queryShape(example.sql)), `shaped as in the history: ${example.sql}`);
  }
}

/**
 * For `SELECT … FROM … ORDER BY <one key> [ASC|DESC] LIMIT k`: the same query selecting only the key,
 * one row further, so that a tie at the cut shows. A tie makes the gold answer whichever row the
 * engine meets first — on DuckDB that changes with its thread count, so it passes on one machine
 * and not on another. Null for other shapes.
 */
export function tieProbe(sql: string): { sql: string; limit: number } | null {
  const m = /^SELECT .+? FROM (.+) ORDER BY ([^,]+?)( ASC| DESC)? LIMIT (\d+)$/i.exec(sql.trim());
  if (!m) return null;
  const limit = Number(m[4]);
  return { sql: `SELECT ${m[2]} FROM ${m[1]} ORDER BY ${m[2]}${m[3] ?? ''} LIMIT ${limit + 1}`, limit };
}
