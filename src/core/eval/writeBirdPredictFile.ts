import { checkOutputFile } from '../files/checkOutputPath';
import { startsLike } from '../files/startsLike';
import { writeAtomically } from '../files/writeAtomically';
import type { EvalReport } from '../protocol/evalReport';
import { BIRD_SEPARATOR, type EvalExample } from './EvalDataset';

/** Where a model run on BIRD writes its predictions for BIRD's own evaluation.py: beside the report, `<report>.predict_<split>.json`. */
export function birdPredictFileFor(report: string, split: string): string {
  return `${report.replace(/\.json$/i, '')}.predict_${split}.json`;
}

/**
 * The run's predictions as BIRD's evaluation.py reads them, `{"<question_id>": "SQL\t----- bird -----\t<db_id>"}`,
 * so BIRD's own code can score Quarry's output as it is. A question without a prediction (its gold
 * failed, so it was never asked) gets an empty query, which BIRD's code scores 0. Refuses to replace a
 * file that is not such an object; written atomically.
 */
export function writeBirdPredictFile(file: string, report: EvalReport, examples: readonly EvalExample[], inputs: string[]): void {
  checkOutputFile(file, { inputs, isOwnOutput: (path) => startsLike(path, /^\{\s*("\d+"\s*:|\})/), option: 'BIRD predict file' });
  const predicted = new Map(report.examples.map((result) => [result.index, result.predSql ?? '']));
  const entries = examples.filter((example) => predicted.has(example.index)).map((example) => [String(example.questionId ?? example.index), `${predicted.get(example.index)}${BIRD_SEPARATOR}${example.dbId}`]);
  writeAtomically(file, `${JSON.stringify(Object.fromEntries(entries), null, 1)}\n`);
}
