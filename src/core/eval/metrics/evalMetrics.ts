import { birdExMetric } from './birdExMetric';
import { birdExSortedMetric } from './birdExSortedMetric';
import type { EvalMetric } from './EvalMetric';
import { multisetMetric } from './multisetMetric';
import { spiderExecMetric } from './spiderExecMetric';

/** Every metric an evaluation can score by; adding one is a file in this folder and an entry here. */
export const EVAL_METRICS = {
  'spider-exec': spiderExecMetric,
  'bird-ex': birdExMetric,
  'bird-ex-sorted': birdExSortedMetric,
  multiset: multisetMetric,
} satisfies Record<string, EvalMetric>;

export type MetricId = keyof typeof EVAL_METRICS;
export const METRIC_IDS = Object.keys(EVAL_METRICS) as MetricId[];

export function isMetricId(value: string): value is MetricId {
  return Object.hasOwn(EVAL_METRICS, value);
}
