/**
 * BIRD's efficiency metrics, from each question's time ratio (gold time / predicted time, timed in
 * the database worker: a warm-up run of each, then N runs alternating, prediction first, ratios
 * outside mean ± 3σ dropped, the rest averaged, as BIRD's `iterated_execute_sql` and
 * `clean_abnormal` do). A wrong prediction has no ratio and scores 0. The figure is the mean over
 * all questions of the per-question score (BIRD prints it × 100).
 */
export interface EfficiencyMetric {
  readonly id: string;
  readonly label: string;
  readonly rule: string;
  /** A question's score from its time ratio; null (a wrong prediction) scores 0. */
  score(ratio: number | null): number;
}

/** R-VES's reward for a time ratio: BIRD's buckets. */
export function rVesReward(ratio: number): number {
  if (ratio >= 2) return 1.25;
  if (ratio >= 1) return 1;
  if (ratio >= 0.5) return 0.75;
  if (ratio >= 0.25) return 0.5;
  return 0.25;
}

export const EFFICIENCY_METRICS = {
  ves: { id: 'ves', label: 'VES', rule: "BIRD's Valid Efficiency Score: 100 × mean of sqrt(gold time / predicted time) over all questions, wrong ones 0", score: (ratio) => (ratio === null ? 0 : Math.sqrt(ratio)) },
  'r-ves': { id: 'r-ves', label: 'R-VES', rule: "BIRD's Reward-based VES: the time ratio bucketed (≥2: 1.25, ≥1: 1, ≥0.5: 0.75, ≥0.25: 0.5, else 0.25), 100 × mean of sqrt(reward)", score: (ratio) => (ratio === null ? 0 : Math.sqrt(rVesReward(ratio))) },
} satisfies Record<string, EfficiencyMetric>;

export type EfficiencyMetricId = keyof typeof EFFICIENCY_METRICS;

export function isEfficiencyMetricId(value: string): value is EfficiencyMetricId {
  return Object.hasOwn(EFFICIENCY_METRICS, value);
}

/** BIRD's `clean_abnormal` then the mean: ratios strictly inside mean ± 3σ (population σ); all of them when none is (every run alike). */
export function meanWithoutOutliers(ratios: number[]): number {
  const mean = ratios.reduce((sum, x) => sum + x, 0) / ratios.length;
  const sigma = Math.sqrt(ratios.reduce((sum, x) => sum + (x - mean) ** 2, 0) / ratios.length);
  const kept = ratios.filter((x) => x < mean + 3 * sigma && x > mean - 3 * sigma);
  const used = kept.length ? kept : ratios;
  return used.reduce((sum, x) => sum + x, 0) / used.length;
}
