import { FileError } from '../files/FileError';
import type { EvalReport, ExampleResult } from '../protocol/evalReport';
import { scoreOf } from './summarizeResults';

/** One run's headline numbers, in SQLForge's form: accuracy, how many right, how many crashed. */
export interface RunNumbers {
  evaluated: number;
  correct: number;
  execAccuracy: number;
  /** Predictions that failed to execute. */
  crashed: number;
  crashRate: number;
}

export interface ReportComparison {
  /** The metric both runs are compared by: their headline. */
  metric: string;
  before: RunNumbers;
  after: RunNumbers;
  /** Wrong before, right after (the after run's results). */
  gained: ExampleResult[];
  /** Right before, wrong after. */
  lost: ExampleResult[];
}

/**
 * Two runs over the same questions side by side: what the CLI's `--compare` prints and the panel's
 * run-vs-run view shows. Runs over other questions are refused (a flip between two different
 * questions means nothing), and so are runs scored by another rule or time limit (their numbers are
 * not the same measure).
 */
export function compareReports(before: EvalReport, after: EvalReport, names: { before: string; after: string }): ReportComparison {
  const differ = (why: string) => new FileError('bad-input', `${names.before} and ${names.after} are runs over different questions (${why}); compare runs of one dataset`);
  if (before.examples.length !== after.examples.length) throw differ(`${before.examples.length} and ${after.examples.length} examples`);
  const [rule, otherRule] = [headlineOf(before), headlineOf(after)];
  if (rule !== otherRule) throw new FileError('bad-input', `${names.before} was scored by ${rule} and ${names.after} by ${otherRule}: their numbers are not comparable; score both with one --metric`);
  const [limit, otherLimit] = [before.settings.timeoutMs, after.settings.timeoutMs];
  if (limit !== undefined && otherLimit !== undefined && limit !== otherLimit) {
    throw new FileError('bad-input', `${names.before} gave each query ${Number(limit) / 1000} s and ${names.after} ${Number(otherLimit) / 1000} s: their numbers are not comparable; run both with one --timeout`);
  }
  const earlier = new Map(before.examples.map((e) => [e.index, e]));
  const gained: ExampleResult[] = [];
  const lost: ExampleResult[] = [];
  for (const example of after.examples) {
    const other = earlier.get(example.index);
    if (!other || other.question !== example.question || other.goldSql !== example.goldSql) throw differ(`example ${example.index} differs`);
    const [was, now] = [scoreOf(other, rule), scoreOf(example, rule)];
    if (was === undefined || now === undefined || was === now) continue;
    (now === 1 ? gained : lost).push(example);
  }
  return { metric: rule, before: numbers(before, rule), after: numbers(after, rule), gained, lost };
}

/** The metric a report leads with: the first it was scored by (reports before metrics: Spider's). */
function headlineOf(report: EvalReport): string {
  const metrics = report.settings.metrics;
  return Array.isArray(metrics) && typeof metrics[0] === 'string' ? metrics[0] : 'spider-exec';
}

function numbers(report: EvalReport, metric: string): RunNumbers {
  const scored = report.examples.filter((e) => e.execMatch !== undefined);
  const correct = scored.filter((e) => scoreOf(e, metric) === 1).length;
  const crashed = scored.filter((e) => e.predError).length;
  return { evaluated: scored.length, correct, execAccuracy: scored.length ? correct / scored.length : 0, crashed, crashRate: scored.length ? crashed / scored.length : 0 };
}
