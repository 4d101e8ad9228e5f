import { FileError } from '../files/FileError';
import type { EvalReport, ExampleResult } from '../protocol/evalReport';

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
  before: RunNumbers;
  after: RunNumbers;
  /** Wrong before, right after (the after run's results). */
  gained: ExampleResult[];
  /** Right before, wrong after. */
  lost: ExampleResult[];
}

/**
 * Two runs over the same questions side by side: what the CLI's `--compare` prints and the panel's
 * run-vs-run view shows. Runs over other questions are refused: a flip between two different
 * questions means nothing.
 */
export function compareReports(before: EvalReport, after: EvalReport, names: { before: string; after: string }): ReportComparison {
  const differ = (why: string) => new FileError('bad-input', `${names.before} and ${names.after} are runs over different questions (${why}); compare runs of one dataset`);
  if (before.examples.length !== after.examples.length) throw differ(`${before.examples.length} and ${after.examples.length} examples`);
  const earlier = new Map(before.examples.map((e) => [e.index, e]));
  const gained: ExampleResult[] = [];
  const lost: ExampleResult[] = [];
  for (const example of after.examples) {
    const other = earlier.get(example.index);
    if (!other || other.question !== example.question || other.goldSql !== example.goldSql) throw differ(`example ${example.index} differs`);
    if (other.execMatch === undefined || example.execMatch === undefined || other.execMatch === example.execMatch) continue;
    (example.execMatch === 1 ? gained : lost).push(example);
  }
  return { before: numbers(before), after: numbers(after), gained, lost };
}

function numbers(report: EvalReport): RunNumbers {
  const scored = report.examples.filter((e) => e.execMatch !== undefined);
  const correct = scored.filter((e) => e.execMatch === 1).length;
  const crashed = scored.filter((e) => e.predError).length;
  return { evaluated: scored.length, correct, execAccuracy: scored.length ? correct / scored.length : 0, crashed, crashRate: scored.length ? crashed / scored.length : 0 };
}
