import { preparedResultsMatch } from '../compareResults';
import { goldOrdersRows, prepareForEval } from '../prepareForEval';
import type { EvalMetric } from './EvalMetric';

/** The Spider test-suite evaluator's execution match (exec_eval.py): bags of rows, order only under ORDER BY, columns in any order, DISTINCT stripped. */
export const spiderExecMetric: EvalMetric = {
  id: 'spider-exec',
  label: 'EX (Spider)',
  rule: "Spider's test-suite evaluator: rows as a bag (a list under ORDER BY), columns in any order, DISTINCT removed, the first statement run",
  prepare: (sql, options) => prepareForEval(sql, options),
  refuses: () => null,
  matches: (gold, predicted, preparedGold) => preparedResultsMatch(gold, predicted, goldOrdersRows(preparedGold)),
};
