import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SqlValue } from '../core/types/QueryResult';
import { tryQuery } from '../core/db/tryQuery';
import { checkInputFile } from '../core/files/checkInputFile';
import { isUrlTarget } from '../core/db/databaseEngines';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { PreparedRows } from '../core/eval/compareResults';
import { EVAL_METRICS, isMetricId, METRIC_IDS } from '../core/eval/metrics/evalMetrics';
import { integerOption, parseCommandArgs } from './parseCommandArgs';
import { toJson } from './toJson';
import { UsageError } from './UsageError';

export const REWARD_HELP = `Usage: quarry reward --rft <file.jsonl> [--line N] --sql "<candidate SQL>" [--metric <id>] [--json]

The reward function for reinforcement fine-tuning: runs the candidate SQL on the example's database
and compares its rows with the stored ground truth, as the evaluation does. Prints the score (1 or 0)
and the reason.

Options:
  --rft <file>   an rft.jsonl file written by quarry dataset build
  --line N       which example (1-based line; default 1)
  --sql <text>   the model's SQL
  --metric <id>  the rule a match is decided by, as quarry eval --metric (default: spider-exec)
${METRIC_IDS.map((id) => `                   ${id.padEnd(15)} ${EVAL_METRICS[id].label}`).join('\n')}
  --json         print {"score", "reason"}
  --trust-data-urls
                 send your Postgres credentials (PGPASSWORD, ~/.pgpass) to a server the rft file
                 names; without it its URL gets only the password written in it`;

export async function rewardCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('reward', args, { rft: { type: 'string' }, line: { type: 'string' }, sql: { type: 'string' }, metric: { type: 'string' }, json: { type: 'boolean' }, 'trust-data-urls': { type: 'boolean' } });
  if (values.help) return write(REWARD_HELP);
  if (!values.rft || values.sql === undefined) throw new UsageError('reward: --rft <file.jsonl> and --sql "<candidate>" are required');
  const metricId = values.metric ?? 'spider-exec';
  if (!isMetricId(metricId)) throw new UsageError(`reward: --metric '${metricId}' is not a match metric; they are ${METRIC_IDS.join(', ')}`);
  const metric = EVAL_METRICS[metricId];
  const lineNumber = integerOption('reward', 'line', values.line, 1) ?? 1;
  checkInputFile(values.rft, 'reward: rft file');
  let text: string;
  try {
    text = readFileSync(values.rft, 'utf8');
  } catch {
    throw new UsageError(`reward: file not found: ${values.rft}`);
  }
  const line = text.split('\n')[lineNumber - 1];
  let example: { db: string; sql: string; ground_truth: { rows: SqlValue[][] } };
  try {
    example = JSON.parse(line ?? '');
  } catch {
    throw new UsageError(`reward: ${values.rft}:${lineNumber} is not an rft example`);
  }
  if (typeof example?.db !== 'string' || typeof example.sql !== 'string' || !Array.isArray(example.ground_truth?.rows)) {
    throw new UsageError(`reward: ${values.rft}:${lineNumber} is not an rft example: it needs "db", "sql" and "ground_truth" (quarry dataset build writes them)`);
  }
  const dbPath = isUrlTarget(example.db) || isAbsolute(example.db) ? example.db : resolve(dirname(values.rft), example.db);
  // The rft file names the database: a server there gets the user's credentials only when told so.
  const db = await IsolatedDatabase.open(dbPath, values['trust-data-urls'] ? {} : { fromDataFile: true });
  let score = 0;
  let reason: string;
  try {
    // The stored rows are the gold query's as written, which is how every metric but Spider's runs it.
    const refused = metric.refuses(values.sql);
    const outcome = refused === null ? await tryQuery(db, metric.prepare(values.sql, { keepDistinct: false }), { maxRows: 1_000_000 }) : null;
    if (!outcome) reason = `the SQL failed: ${refused}`;
    else if (!outcome.ok) reason = `the SQL failed: ${outcome.error.message}`;
    else {
      const gold = example.ground_truth;
      // The gold query as the metric's harness prepares it: Spider's rule reads its ORDER BY to decide whether row order counts.
      score = metric.matches(new PreparedRows(gold.rows, false), outcome.value.rows, metric.prepare(example.sql, { keepDistinct: false })) ? 1 : 0;
      reason = score ? 'the rows match the ground truth' : `different rows (${outcome.value.rows.length} vs ${gold.rows.length} expected)`;
    }
  } finally {
    await db.dispose();
  }
  write(values.json ? toJson({ score, reason }) : `${score} ${reason}`);
}
