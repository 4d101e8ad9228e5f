import { contextWords, STOP_WORDS } from './contextWords';

/** A value of a text column the question names, and where it lives. */
export interface ValueHit {
  /** The table's qualified name (`schema.table` outside the default namespace). */
  table: string;
  column: string;
  value: string;
  /** The share of the value's words the question has (1: all of them), with a bonus when they are adjacent there. */
  score: number;
}

export interface IndexedColumn {
  table: string;
  column: string;
  values: string[];
  /** The column has more distinct values than the per-column bound: only the first were read. */
  truncated: boolean;
}

/** What is on disk (and what the builder returns): plain data, so it can be cached as JSON. */
export interface ValueIndexData {
  /** The schema's fingerprint when it was built: another means the index is stale. */
  fingerprint: string;
  limits: ValueIndexLimits;
  columns: IndexedColumn[];
  /** Set when the database bound was reached: the columns after it were not read. */
  stoppedAtBound?: { columnsLeft: number };
  buildMs: number;
}

export interface ValueIndexLimits {
  /** Distinct values read per column. */
  perColumn: number;
  /** Values in all, for the whole database. */
  perDatabase: number;
  /** Longer values are not indexed: nobody names them in a question. */
  maxValueLength: number;
}

export const DEFAULT_VALUE_INDEX_LIMITS: ValueIndexLimits = { perColumn: 5_000, perDatabase: 1_000_000, maxValueLength: 80 };

/** A word in more values than this does not seed a search by itself ("the", "inc"): it still counts once a value is found. */
const COMMON_WORD_VALUES = 2_000;
/** The least share of a value's words a question must have (and at least one that is not a function word). */
const MIN_COVERAGE = 0.75;
/** Words shorter than this are not matched by prefix. */
const MIN_PREFIX = 4;
/** A value's word found only as the start of a question's word ("Asian" for Asia) counts this much. */
const PREFIX_MATCH = 0.9;
/** A value made only of the schema's own names keeps this share of its score. */
const NAME_VALUE_DISCOUNT = 0.4;
/** Values are split as written: "JetBlue" stays one word, as a question writes it ("Jetblue"). */
const AS_WRITTEN = { camelCase: false };

/**
 * Every indexed value by the words it contains, so that the values a question names ("Green Line",
 * "France") are found in milliseconds among a million: the words of the question seed candidates,
 * and a value counts when most of its words are in the question (CodeS matches values so, by
 * coarse lexical search then a finer check).
 */
export class ValueIndex {
  readonly data: ValueIndexData;
  private readonly postings = new Map<string, number[]>();
  private readonly entries: { column: number; value: string; words: string[] }[] = [];

  constructor(data: ValueIndexData) {
    this.data = data;
    data.columns.forEach((column, c) => {
      for (const value of column.values) {
        const words = contextWords(value, AS_WRITTEN);
        if (words.length === 0) continue;
        const id = this.entries.push({ column: c, value, words }) - 1;
        for (const word of new Set(words)) {
          let posting = this.postings.get(word);
          if (!posting) this.postings.set(word, (posting = []));
          posting.push(id);
        }
      }
    });
  }

  get size(): number {
    return this.entries.length;
  }

  /**
   * The values the question names, best first; `limit` of them at most. A value made only of the
   * schema's own names (`nameWords`: a column holding "Languages" when the question says
   * "languages") is more likely the question naming a table than a value: it ranks below.
   */
  lookup(question: string, limit = 50, nameWords?: ReadonlySet<string>): ValueHit[] {
    const asked = contextWords(question, AS_WRITTEN);
    // Each word of the question, and the shorter forms of it the values have ("Asian": asia, "engineering": engineer);
    // not longer ones: "singer" would find every Singerman.
    const matches = new Map<string, number>();
    for (const word of asked) {
      matches.set(word, 1);
      if (word.length < MIN_PREFIX || STOP_WORDS.has(word)) continue;
      for (let cut = MIN_PREFIX; cut < word.length; cut++) if (this.postings.has(word.slice(0, cut)) && !matches.has(word.slice(0, cut))) matches.set(word.slice(0, cut), PREFIX_MATCH);
    }
    const candidates = new Set<number>();
    for (const word of matches.keys()) {
      if (STOP_WORDS.has(word)) continue;
      const posting = this.postings.get(word);
      if (posting && posting.length <= COMMON_WORD_VALUES) for (const id of posting) candidates.add(id);
    }
    const hits: ValueHit[] = [];
    for (const id of candidates) {
      const entry = this.entries[id]!;
      const found = entry.words.reduce((sum, w) => sum + (matches.get(w) ?? 0), 0);
      const coverage = found / entry.words.length;
      if (coverage < MIN_COVERAGE) continue;
      const column = this.data.columns[entry.column]!;
      const onlyNames = nameWords !== undefined && entry.words.every((w) => nameWords.has(w));
      const score = (coverage + (adjacentIn(entry.words, asked) ? 0.5 : 0) + Math.min(entry.words.length, 4) * 0.05) * (onlyNames ? NAME_VALUE_DISCOUNT : 1);
      hits.push({ table: column.table, column: column.column, value: entry.value, score });
    }
    hits.sort((a, b) => b.score - a.score || a.table.localeCompare(b.table) || a.column.localeCompare(b.column) || a.value.localeCompare(b.value));
    return hits.slice(0, limit);
  }
}

/** Whether the words appear in the question one after another, as a phrase. */
function adjacentIn(words: string[], asked: string[]): boolean {
  if (words.length === 1) return asked.includes(words[0]!);
  for (let i = 0; i + words.length <= asked.length; i++) {
    if (words.every((w, k) => asked[i + k] === w)) return true;
  }
  return false;
}
