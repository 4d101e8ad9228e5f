import type { SqlValue } from '../types/QueryResult';

/**
 * Execution match as the Spider test-suite evaluator (taoyds/test-suite-sql-eval, exec_eval.py
 * `result_eq`) decides it: bags of rows, or lists when the gold query orders them; columns may come
 * in another order. One deliberate difference: the column permutations are pruned with every row
 * rather than 20 random ones, which never drops a permutation that could match, so the verdict is
 * the same and does not depend on chance.
 */
export function resultsMatch(gold: SqlValue[][], predicted: SqlValue[][], orderMatters: boolean): boolean {
  if (gold.length === 0 && predicted.length === 0) return true;
  if (gold.length !== predicted.length) return false;
  const columns = gold[0]!.length;
  if (predicted[0]!.length !== columns) return false;
  const goldKeys = gold.map((row) => row.map(valueKey));
  const predKeys = predicted.map((row) => row.map(valueKey));
  if (!quickAccept(goldKeys, predKeys, orderMatters)) return false;
  const goldColumnSets = Array.from({ length: columns }, (_, c) => new Set(goldKeys.map((row) => row[c]!)));
  for (const permutation of columnPermutations(goldColumnSets, predKeys)) {
    const permuted = predKeys.map((row) => permutation.map((c) => row[c]!));
    if (orderMatters ? sameList(goldKeys, permuted) : sameBag(goldKeys, permuted)) return true;
  }
  return false;
}

/**
 * Values as Python's sqlite3 would compare them: 1 == 1.0, and an integer beyond 2^53 exact.
 * Blob values arrive as hex text already.
 */
export function valueKey(value: SqlValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `n:${value}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `n:${BigInt(value)}` : `n:${value}`;
  if (typeof value === 'boolean') return `n:${value ? 1 : 0}`;
  return `s:${value}`;
}

/** `quick_rej`: the rows with their values sorted must agree (as a set, or as a list when order matters). */
function quickAccept(gold: string[][], predicted: string[][], orderMatters: boolean): boolean {
  const unordered = (row: string[]) => JSON.stringify([...row].sort());
  const a = gold.map(unordered);
  const b = predicted.map(unordered);
  if (orderMatters) return a.every((row, i) => row === b[i]);
  const setA = new Set(a);
  const setB = new Set(b);
  return setA.size === setB.size && [...setA].every((row) => setB.has(row));
}

/** `get_constraint_permutation`: each gold column may map only to predicted columns whose values it holds. */
function* columnPermutations(goldColumnSets: Set<string>[], predicted: string[][]): Generator<number[]> {
  const columns = goldColumnSets.length;
  const candidates = goldColumnSets.map((set) =>
    Array.from({ length: columns }, (_, c) => c).filter((c) => predicted.every((row) => set.has(row[c]!))),
  );
  const chosen: number[] = [];
  const used = new Set<number>();
  function* extend(column: number): Generator<number[]> {
    if (column === columns) {
      yield [...chosen];
      return;
    }
    for (const candidate of candidates[column]!) {
      if (used.has(candidate)) continue;
      used.add(candidate);
      chosen.push(candidate);
      yield* extend(column + 1);
      chosen.pop();
      used.delete(candidate);
    }
  }
  yield* extend(0);
}

function sameList(a: string[][], b: string[][]): boolean {
  return a.every((row, i) => row.every((value, c) => value === b[i]![c]));
}

/** `set(result1) == set(result2) and multiset_eq(result1, result2)`: the same rows, as many times each. */
function sameBag(a: string[][], b: string[][]): boolean {
  const counts = new Map<string, number>();
  for (const row of a) {
    const key = JSON.stringify(row);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const row of b) {
    const key = JSON.stringify(row);
    const left = counts.get(key);
    if (!left) return false;
    counts.set(key, left - 1);
  }
  return true;
}
