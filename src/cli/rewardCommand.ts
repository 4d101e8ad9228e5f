import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SqlValue } from '../core/types/QueryResult';
import { tryQuery } from '../core/db/tryQuery';
import { checkInputFile } from '../core/files/checkInputFile';
import { isUrlTarget } from '../core/db/databaseEngines';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { resultsMatch } from '../core/eval/compareResults';
import { prepareForEval } from '../core/eval/prepareForEval';
import { integerOption, parseCommandArgs } from './parseCommandArgs';
import { toJson } from './toJson';
import { UsageError } from './UsageError';

export const REWARD_HELP = `Usage: quarry reward --rft <file.jsonl> [--line N] --sql "<candidate SQL>" [--json]

The reward function for reinforcement fine-tuning: runs the candidate SQL on the example's database
and compares its rows with the stored ground truth, as the evaluation does. Prints the score (1 or 0)
and the reason.

Options:
  --rft <file>   an rft.jsonl file written by quarry dataset build
  --line N       which example (1-based line; default 1)
  --sql <text>   the model's SQL
  --json         print {"score", "reason"}
  --trust-data-urls
                 send your Postgres credentials (PGPASSWORD, ~/.pgpass) to a server the rft file
                 names; without it its URL gets only the password written in it`;

export async function rewardCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('reward', args, { rft: { type: 'string' }, line: { type: 'string' }, sql: { type: 'string' }, json: { type: 'boolean' }, 'trust-data-urls': { type: 'boolean' } });
  if (values.help) return write(REWARD_HELP);
  if (!values.rft || values.sql === undefined) throw new UsageError('reward: --rft <file.jsonl> and --sql "<candidate>" are required');
  const lineNumber = integerOption('reward', 'line', values.line, 1) ?? 1;
  checkInputFile(values.rft, 'reward: rft file');
  let text: string;
  try {
    text = readFileSync(values.rft, 'utf8');
  } catch {
    throw new UsageError(`reward: file not found: ${values.rft}`);
  }
  const line = text.split('\n')[lineNumber - 1];
  let example: { db: string; ground_truth: { rows: SqlValue[][]; orderMatters: boolean } };
  try {
    example = JSON.parse(line ?? '');
  } catch {
    throw new UsageError(`reward: ${values.rft}:${lineNumber} is not an rft example`);
  }
  const dbPath = isUrlTarget(example.db) || isAbsolute(example.db) ? example.db : resolve(dirname(values.rft), example.db);
  // The rft file names the database: a server there gets the user's credentials only when told so.
  const db = await IsolatedDatabase.open(dbPath, values['trust-data-urls'] ? {} : { fromDataFile: true });
  let score = 0;
  let reason: string;
  try {
    const outcome = await tryQuery(db, prepareForEval(values.sql, { keepDistinct: false }), { maxRows: 1_000_000 });
    if (outcome.ok) {
      score = resultsMatch(example.ground_truth.rows, outcome.value.rows, example.ground_truth.orderMatters) ? 1 : 0;
      reason = score ? 'the rows match the ground truth' : `different rows (${outcome.value.rows.length} vs ${example.ground_truth.rows.length} expected)`;
    } else {
      reason = `the SQL failed: ${outcome.error.message}`;
    }
  } finally {
    await db.dispose();
  }
  write(values.json ? toJson({ score, reason }) : `${score} ${reason}`);
}
