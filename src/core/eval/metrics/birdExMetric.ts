import { valueKey, type EvalValue } from '../compareResults';
import { hasSecondStatement } from '../prepareForEval';
import type { EvalMetric } from './EvalMetric';

/** What Python's sqlite3 says of a second statement in one `cursor.execute`. */
export const ONE_STATEMENT_ERROR = 'You can only execute one statement at a time.';

/**
 * BIRD's evaluation.py: both queries run as given (`cursor.execute`, `fetchall`), and the prediction
 * is right when `set(predicted_res) == set(ground_truth_res)`: row order and repeats do not count,
 * column order does; values compare as Python compares them (1 == 1.0, text case-sensitive).
 */
export const birdExMetric: EvalMetric = {
  id: 'bird-ex',
  label: 'EX (BIRD)',
  rule: "BIRD's evaluation.py: set(predicted rows) == set(gold rows); columns in order, repeats and row order ignored; the query run as written",
  prepare: (sql) => sql,
  refuses: (sql) => (hasSecondStatement(sql) ? ONE_STATEMENT_ERROR : null),
  matches: (gold, predicted) => sameRowSet(gold.rows, predicted, (row) => row),
};

/** `set(a) == set(b)` over rows, each row first put through `arrange` (BIRD's newer revision sorts its values). */
export function sameRowSet(gold: EvalValue[][], predicted: EvalValue[][], arrange: (row: EvalValue[]) => EvalValue[]): boolean {
  const key = (row: EvalValue[]) => JSON.stringify(arrange(row).map(valueKey));
  const a = new Set(gold.map(key));
  const b = new Set(predicted.map(key));
  return a.size === b.size && [...a].every((row) => b.has(row));
}
