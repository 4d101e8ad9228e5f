import type { SqlValue } from '../types/QueryResult';

/**
 * A value as the official evaluator holds it (Python's sqlite3): bigint is an int, number a float
 * (with `typed`, even when it is whole: SQLite's REAL 1.0), string a str, bytes a blob, null None.
 * Untyped rows (JSON ground truth, where 1 and 1.0 are one number) take a whole number for an int.
 */
export type EvalValue = SqlValue | Uint8Array;

export interface MatchOptions {
  /** Whether `number` always means a float (rows read for evaluation) or a whole number means an int (rows from JSON). */
  typed?: boolean;
}

/**
 * Execution match exactly as the Spider test-suite evaluator decides it (taoyds/test-suite-sql-eval,
 * exec_eval.py `result_eq`): bags of rows, or lists when the gold query orders them; columns may
 * come in another order; values compare as Python compares them (1 == 1.0, a blob never equals
 * text). One difference in method, none in verdict: `get_constraint_permutation` prunes column
 * permutations with 20 random rows, Quarry with every row, which never drops a permutation that
 * could match, so the verdict is the same and does not depend on chance.
 */
export function resultsMatch(gold: EvalValue[][], predicted: EvalValue[][], orderMatters: boolean, options: MatchOptions = {}): boolean {
  return preparedResultsMatch(new PreparedRows(gold, options.typed ?? false), predicted, orderMatters);
}

/** A result compared many times (a gold query's, against every prediction of it): what comparing needs is worked out once. */
export class PreparedRows {
  private identityCache: { ordered: string[]; sorted: string[] } | null = null;
  private keysCache: string[][] | null = null;
  private unorderedCache: string[] | null = null;

  constructor(
    readonly rows: EvalValue[][],
    readonly typed: boolean,
  ) {}

  get columns(): number {
    return this.rows[0]?.length ?? 0;
  }

  /** Each row with every value's type and value, in order and sorted: equal here means equal under any rule. */
  get identity(): { ordered: string[]; sorted: string[] } {
    if (!this.identityCache) {
      const ordered = this.rows.map((row) => JSON.stringify(row.map(identityOf)));
      this.identityCache = { ordered, sorted: [...ordered].sort() };
    }
    return this.identityCache;
  }

  get keys(): string[][] {
    this.keysCache ??= this.rows.map((row) => row.map(valueKey));
    return this.keysCache;
  }

  /** `unorder_row` for each row: its values sorted as Python sorts them by `str(x) + str(type(x))`. */
  get unordered(): string[] {
    this.unorderedCache ??= this.rows.map((row) => unorderRow(row, this.typed));
    return this.unorderedCache;
  }
}

export function preparedResultsMatch(gold: PreparedRows, predictedRows: EvalValue[][], orderMatters: boolean): boolean {
  if (gold.rows.length === 0 && predictedRows.length === 0) return true;
  if (gold.rows.length !== predictedRows.length) return false;
  if (predictedRows[0]!.length !== gold.columns) return false;
  const predicted = new PreparedRows(predictedRows, gold.typed);
  // The same rows with the same types: every step of result_eq passes (the common case: a right answer).
  const same = orderMatters ? sameStrings(gold.identity.ordered, predicted.identity.ordered) : sameStrings(gold.identity.sorted, predicted.identity.sorted);
  if (same) return true;
  if (!quickAccept(gold.unordered, predicted.unordered, orderMatters)) return false;
  const goldColumnSets = Array.from({ length: gold.columns }, (_, c) => new Set(gold.keys.map((row) => row[c]!)));
  for (const permutation of columnPermutations(goldColumnSets, predicted.keys)) {
    const permuted = predicted.keys.map((row) => permutation.map((c) => row[c]!));
    if (orderMatters ? sameList(gold.keys, permuted) : sameBag(gold.keys, permuted)) return true;
  }
  return false;
}

/** A value with its type: an int and a float of the same number differ here (they sort differently in quick_rej). */
function identityOf(value: EvalValue): string {
  if (value === null) return 'z';
  if (typeof value === 'bigint') return `i${value}`;
  if (typeof value === 'boolean') return `i${value ? 1 : 0}`;
  if (typeof value === 'number') return Object.is(value, -0) ? 'f-0' : `f${value}`;
  if (value instanceof Uint8Array) return `b${Buffer.from(value).toString('hex')}`;
  return `s${value}`;
}

function sameStrings(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/**
 * The value's identity under Python's `==` and `hash`: an int and a float are equal when the float
 * is whole and exactly that int (1 == 1.0, -0.0 == 0); text and bytes are never equal to each other.
 */
export function valueKey(value: EvalValue): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return `n:${value}`;
  if (typeof value === 'boolean') return `n:${value ? 1 : 0}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `n:${BigInt(value)}` : `f:${value}`;
  if (value instanceof Uint8Array) return `b:${Buffer.from(value).toString('hex')}`;
  return `s:${value}`;
}

/**
 * `quick_rej`: each row's values sorted by `str(x) + str(type(x))` must agree, as a list when order
 * matters, else as a set. The sort is Python's, so a float sorts by its repr ('1.0') and an int by
 * its digits ('1'): rows that differ only in int vs float can sort differently and be rejected, as
 * the official code rejects them.
 */
function quickAccept(gold: string[], predicted: string[], orderMatters: boolean): boolean {
  if (orderMatters) return sameStrings(gold, predicted);
  const setA = new Set(gold);
  const setB = new Set(predicted);
  return setA.size === setB.size && [...setA].every((row) => setB.has(row));
}

function unorderRow(row: EvalValue[], typed: boolean): string {
  return JSON.stringify(
    row
      .map((value) => ({ sort: pythonSortKey(value, typed), key: valueKey(value) }))
      .sort((a, b) => compareCodePoints(a.sort, b.sort))
      .map((entry) => entry.key),
  );
}

/** `str(x) + str(type(x))` for the value as Python's sqlite3 returns it. */
export function pythonSortKey(value: EvalValue, typed = false): string {
  return `${pythonStr(value, typed)}<class '${pythonType(value, typed)}'>`;
}

/** `str(x)` for the value as Python's sqlite3 returns it (with `typed`, a number is always a float). */
export function pythonStr(value: EvalValue, typed = true): string {
  if (value === null) return 'None';
  if (typeof value === 'bigint') return `${value}`;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return !typed && Number.isInteger(value) ? `${BigInt(value)}` : pythonFloatRepr(value);
  if (value instanceof Uint8Array) return pythonBytesRepr(value);
  return value;
}

function pythonType(value: EvalValue, typed: boolean): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'bigint' || typeof value === 'boolean') return 'int';
  if (typeof value === 'number') return !typed && Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof Uint8Array) return 'bytes';
  return 'str';
}

/** Python's repr of a float: the shortest digits that round-trip, fixed from 1e-4 up to 1e16, else an exponent of two digits at least. */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const rest = digits.slice(1);
    const power = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
    return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${power}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole}.${fraction || '0'}`;
}

/** Python's repr of bytes: b'…', double quotes when only a single quote is inside, \xhh for what is not printable ASCII. */
function pythonBytesRepr(bytes: Uint8Array): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let body = '';
  for (const byte of bytes) {
    if (byte === 0x5c) body += '\\\\';
    else if (byte === quote.charCodeAt(0)) body += `\\${quote}`;
    else if (byte === 0x09) body += '\\t';
    else if (byte === 0x0a) body += '\\n';
    else if (byte === 0x0d) body += '\\r';
    else if (byte < 0x20 || byte >= 0x7f) body += `\\x${byte.toString(16).padStart(2, '0')}`;
    else body += String.fromCharCode(byte);
  }
  return `b${quote}${body}${quote}`;
}

/** Python compares strings by code point; JavaScript's `<` by UTF-16 unit, which differs past U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    // A surrogate (a code point past U+FFFF) sorts after every BMP character, whatever its unit says.
    if (surrogateX !== surrogateY) return surrogateX ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
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
