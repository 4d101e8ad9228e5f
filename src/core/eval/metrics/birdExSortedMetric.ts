import { pythonStr, type EvalValue } from '../compareResults';
import { birdExMetric, sameRowSet } from './birdExMetric';
import type { EvalMetric } from './EvalMetric';

/**
 * BIRD's newer revision of evaluation.py: each row's values are first sorted by their string form
 * (`sort_tuple`), so the order of the columns stops counting; otherwise as `bird-ex`.
 */
export const birdExSortedMetric: EvalMetric = {
  id: 'bird-ex-sorted',
  label: 'EX (BIRD, sorted rows)',
  rule: "BIRD's newer evaluation.py: as bird-ex, each row's values sorted by their string form first, so column order does not count",
  prepare: birdExMetric.prepare,
  refuses: birdExMetric.refuses,
  matches: (gold, predicted) => sameRowSet(gold.rows, predicted, sortedByString),
};

function sortedByString(row: EvalValue[]): EvalValue[] {
  return row
    .map((value) => ({ value, text: pythonStr(value) }))
    .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
    .map((entry) => entry.value);
}
