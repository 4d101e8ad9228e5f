import type { ResultsValue as SqlValue } from '../src/core/protocol/resultsPanelMessages';

/**
 * A grid column's filter: `NULL` (or `!NULL`) for missing values, `>10`, `<=2.5`, `=x`, `!=x` to
 * compare (as numbers when both sides are), anything else a case-insensitive substring.
 */
export function matchesFilter(term: string, value: SqlValue): boolean {
  const wanted = term.trim();
  if (wanted === '') return true;
  if (/^null$/i.test(wanted)) return value === null;
  if (/^!null$/i.test(wanted)) return value !== null;
  const comparison = /^(>=|<=|!=|<>|>|<|=)\s*(.*)$/.exec(wanted);
  if (comparison) {
    if (value === null) return false;
    const [, operator, operand] = comparison as unknown as [string, string, string];
    const order = compare(value, operand);
    switch (operator) {
      case '>':
        return order > 0;
      case '>=':
        return order >= 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '=':
        return order === 0;
      default:
        return order !== 0;
    }
  }
  return value !== null && String(value).toLowerCase().includes(wanted.toLowerCase());
}

function compare(value: Exclude<SqlValue, null>, operand: string): number {
  const left = Number(value);
  const right = Number(operand);
  if (typeof value !== 'string' && operand !== '' && !Number.isNaN(right)) return Math.sign(left - right);
  if (typeof value === 'string' && value.trim() !== '' && operand !== '' && !Number.isNaN(left) && !Number.isNaN(right)) return Math.sign(left - right);
  return String(value).localeCompare(operand, undefined, { sensitivity: 'base' });
}
