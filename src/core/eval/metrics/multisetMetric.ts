import { valueKey, type EvalValue } from '../compareResults';
import { birdExMetric } from './birdExMetric';
import type { EvalMetric } from './EvalMetric';

/** Rows as a bag, columns in order: the same rows, as many times each, in any order. */
export const multisetMetric: EvalMetric = {
  id: 'multiset',
  label: 'EX (multiset)',
  rule: 'rows as a bag (repeats count, row order does not), columns in order, the query run as written',
  prepare: birdExMetric.prepare,
  refuses: birdExMetric.refuses,
  matches: ({ rows: gold }, predicted) => {
    if (gold.length !== predicted.length) return false;
    const key = (row: EvalValue[]) => JSON.stringify(row.map(valueKey));
    const counts = new Map<string, number>();
    for (const row of gold) counts.set(key(row), (counts.get(key(row)) ?? 0) + 1);
    for (const row of predicted) {
      const left = counts.get(key(row));
      if (!left) return false;
      counts.set(key(row), left - 1);
    }
    return true;
  },
};
