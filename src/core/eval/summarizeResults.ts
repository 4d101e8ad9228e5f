import { DIFFICULTIES, HARDNESS_LEVELS, type EvalSummary, type ExampleResult } from '../protocol/evalReport';
import { EVAL_METRICS, type MetricId } from './metrics/evalMetrics';
import { EFFICIENCY_METRICS, type EfficiencyMetricId } from './metrics/efficiencyMetrics';

/** An example's score by a metric; older reports have only execMatch, Spider's. */
export function scoreOf(result: ExampleResult, metric: string): 0 | 1 | undefined {
  return result.scores?.[metric] ?? (metric === 'spider-exec' ? result.execMatch : undefined);
}

/** A run's figures: each metric's accuracy overall and by level, crashes, time-outs, what was skipped and why. */
export function summarizeResults(results: ExampleResult[], seconds: number, metrics: MetricId[] = ['spider-exec'], efficiency: EfficiencyMetricId[] = []): EvalSummary {
  const evaluated = results.filter((r) => r.execMatch !== undefined);
  const accuracyBy = (list: ExampleResult[], metric: string) => (list.length ? list.filter((r) => scoreOf(r, metric) === 1).length / list.length : 0);
  const accuracies = (list: ExampleResult[]) => Object.fromEntries(metrics.map((id) => [id, accuracyBy(list, id)]));
  const byLevel = <L extends string>(levels: readonly L[], levelOf: (r: ExampleResult) => string | undefined) =>
    Object.fromEntries(
      levels.map((level) => {
        const list = evaluated.filter((r) => levelOf(r) === level);
        return [level, { count: list.length, execAccuracy: accuracyBy(list, 'spider-exec'), metrics: accuracies(list) }];
      }),
    ) as Record<L, { count: number; execAccuracy: number; metrics: Record<string, number> }>;
  const byHardness = byLevel(HARDNESS_LEVELS, (r) => r.hardness ?? 'unknown');
  const skipped = results.filter((r) => r.skipped);
  const byDifficulty = results.some((r) => r.difficulty) ? byLevel(DIFFICULTIES, (r) => r.difficulty) : undefined;
  return {
    total: results.length,
    evaluated: evaluated.length,
    skipped: skipped.length,
    execAccuracy: accuracyBy(evaluated, 'spider-exec'),
    // VES and R-VES: the mean per-question score, wrong predictions 0 (BIRD prints it × 100), on the scale of the accuracies.
    metrics: {
      ...accuracies(evaluated),
      ...Object.fromEntries(efficiency.map((id) => [id, evaluated.length ? (evaluated.reduce((sum, r) => sum + EFFICIENCY_METRICS[id].score(scoreOf(r, metrics[0]!) === 1 ? (r.vesRatio ?? null) : null), 0)) / evaluated.length : 0])),
    },
    ...(efficiency.length ? { efficiencyMetrics: [...efficiency] } : {}),
    metricLabels: Object.fromEntries([...metrics.map((id) => [id, EVAL_METRICS[id].label]), ...efficiency.map((id) => [id, EFFICIENCY_METRICS[id].label])]),
    ...(evaluated.some((r) => r.strictMatch !== undefined)
      ? { strictAccuracy: evaluated.length ? evaluated.filter((r) => r.strictMatch === 1).length / evaluated.length : 0 }
      : {}),
    byHardness,
    ...(byDifficulty ? { byDifficulty } : {}),
    crashRate: evaluated.length ? evaluated.filter((r) => r.predError).length / evaluated.length : 0,
    timeouts: evaluated.filter((r) => r.timedOut).length,
    ...samplesFigures(evaluated, metrics),
    rescuedByCorrection: evaluated.filter((r) => r.corrected && scoreOf(r, metrics[0]!) === 1).length,
    skippedExamples: skipped.map((r) => ({ index: r.index, db_id: r.db_id, reason: r.skipped! })),
    seconds,
  };
}


/** pass@K and maj@K by each metric, over the questions that were sampled (a question whose answer never ran counts as its one sample). */
function samplesFigures(evaluated: ExampleResult[], metrics: MetricId[]): Pick<EvalSummary, 'samples' | 'passAtK' | 'majAtK'> {
  const k = Math.max(0, ...evaluated.map((r) => r.samples?.length ?? 0));
  if (k < 2) return {};
  const mean = (pick: (r: ExampleResult, id: string) => 0 | 1 | undefined) =>
    Object.fromEntries(metrics.map((id) => [id, evaluated.length ? evaluated.filter((r) => pick(r, id) === 1).length / evaluated.length : 0]));
  return { samples: k, passAtK: mean((r, id) => r.passAtK?.[id] ?? scoreOf(r, id)), majAtK: mean((r, id) => r.majAtK?.[id] ?? scoreOf(r, id)) };
}
