import type { DatabaseSchema, TableSchema } from '../types/DatabaseSchema';
import { contentWords, contextWords, stemWord, wordsWithPrefix } from './contextWords';

/** A table as the context names it: `schema.table` outside the default namespace, else its name. */
export function qualifiedName(table: { name: string; schema?: string }): string {
  return table.schema ? `${table.schema}.${table.name}` : table.name;
}

/** How much a word found in each part of a table says that a question is about the table. */
const FIELD_WEIGHTS = { table: 3, schema: 1, comment: 1, column: 1, columnComment: 0.5, example: 0.5 } as const;
const BM25_K1 = 1.2;
const BM25_B = 0.75;
/** Words shorter than this are not matched by prefix ("cat" is no prefix of `category`'s meaning). */
const MIN_PREFIX = 4;
const PREFIX_MATCH = 0.7;

export interface ScoredTable {
  table: TableSchema;
  /** The table's position in the schema as read. */
  index: number;
  score: number;
}

/**
 * A schema ready to be ranked against questions: each table a weighted bag of words (its name,
 * its schema's, its comment, its columns' names, comments and example values), scored by BM25 (as
 * CodeS and most table retrievers score), and the foreign-key graph that joins tables. Built once
 * per schema; ranking a question is a walk over the question's words only.
 */
export class SchemaIndex {
  readonly schema: DatabaseSchema;
  /** Tables by lower-cased qualified name. */
  readonly byKey: ReadonlyMap<string, number>;
  /** Each table's neighbours by foreign key, either direction. */
  readonly neighbours: readonly (readonly number[])[];
  private readonly postings = new Map<string, { table: number; weight: number }[]>();
  private readonly lengths: number[];
  private readonly averageLength: number;
  /** Each table's schema, lower case ('' for the default one): the unit retrieval routes to first. */
  private readonly groupOf: string[];
  private readonly vocabulary: string[];
  /** Every word of a table's or column's name: a value made only of these is likely the schema named, not a value. */
  readonly nameWords: ReadonlySet<string>;

  constructor(schema: DatabaseSchema) {
    this.schema = schema;
    this.byKey = new Map(schema.tables.map((t, i) => [qualifiedName(t).toLowerCase(), i]));
    this.lengths = schema.tables.map((table, i) => this.addTable(table, i));
    this.averageLength = this.lengths.reduce((a, b) => a + b, 0) / Math.max(1, this.lengths.length);
    this.groupOf = schema.tables.map((t) => (t.schema ?? '').toLowerCase());
    this.vocabulary = [...this.postings.keys()].sort();
    this.nameWords = new Set(schema.tables.flatMap((t) => [...contextWords(t.name), ...t.columns.flatMap((c) => contextWords(c.name))]));
    const edges = schema.tables.map(() => new Set<number>());
    schema.tables.forEach((table, i) => {
      for (const fk of table.foreignKeys) {
        const j = this.byKey.get(qualifiedName({ name: fk.refTable, schema: fk.refSchema ?? table.schema }).toLowerCase()) ?? this.byKey.get(fk.refTable.toLowerCase());
        if (j === undefined || j === i) continue;
        edges[i]!.add(j);
        edges[j]!.add(i);
      }
    });
    this.neighbours = edges.map((set) => [...set].sort((a, b) => a - b));
  }

  /**
   * Every table's score for the question (0 for no word in common), in schema order, and each
   * schema's: the sum over the question's words of the best score a table of that schema gets for
   * the word, so a database that has every word the question uses beats one with many tables that
   * share one common word.
   */
  score(question: string): { tables: ScoredTable[]; schemas: Map<string, number> } {
    const n = this.schema.tables.length;
    const scores = new Float64Array(n);
    const schemas = new Map<string, number>();
    for (const { word, weight: match } of this.questionTerms(question)) {
      const posting = this.postings.get(word)!;
      const idf = Math.log(1 + (n - posting.length + 0.5) / (posting.length + 0.5));
      const best = new Map<string, number>();
      for (const { table, weight } of posting) {
        const norm = BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[table]!) / this.averageLength);
        const gained = (match * idf * weight * (BM25_K1 + 1)) / (weight + norm);
        scores[table]! += gained;
        const group = this.groupOf[table]!;
        if (gained > (best.get(group) ?? 0)) best.set(group, gained);
      }
      for (const [group, gained] of best) schemas.set(group, (schemas.get(group) ?? 0) + gained);
    }
    return { tables: this.schema.tables.map((table, index) => ({ table, index, score: scores[index]! })), schemas };
  }

  /**
   * The question's words as the index has them, each with how well it matches: exactly (1), or as
   * one word's prefix of the other ("independent" and `indep_year`, "Asian" and `asia`: 0.7), and
   * two adjacent words written as one ("high schoolers" and `highschooler`: 1).
   */
  private questionTerms(question: string): { word: string; weight: number }[] {
    const words = contentWords(question);
    const terms = new Map<string, number>();
    const add = (word: string, weight: number) => {
      if (this.postings.has(word) && weight > (terms.get(word) ?? 0)) terms.set(word, weight);
    };
    for (const word of words) {
      add(word, 1);
      if (word.length < MIN_PREFIX) continue;
      for (let cut = MIN_PREFIX; cut < word.length; cut++) add(word.slice(0, cut), PREFIX_MATCH);
      for (const longer of wordsWithPrefix(this.vocabulary, word)) add(longer, PREFIX_MATCH);
    }
    const all = contextWords(question);
    for (let i = 0; i + 1 < all.length; i++) add(stemWord(all[i]! + all[i + 1]!), 1);
    return [...terms].map(([word, weight]) => ({ word, weight }));
  }



  /** The shortest chain of tables joining `from` to any of `to` by foreign keys (without `from`), up to `maxHops` joins; null when none is that close. */
  joinPath(from: number, to: ReadonlySet<number>, maxHops = 3): number[] | null {
    if (to.has(from)) return [];
    const previous = new Map<number, number>([[from, -1]]);
    let frontier = [from];
    for (let hop = 0; hop < maxHops && frontier.length > 0; hop++) {
      const next: number[] = [];
      for (const node of frontier) {
        for (const neighbour of this.neighbours[node]!) {
          if (previous.has(neighbour)) continue;
          previous.set(neighbour, node);
          if (to.has(neighbour)) {
            const path: number[] = [];
            for (let at = previous.get(neighbour)!; at !== from; at = previous.get(at)!) path.push(at);
            return path.reverse();
          }
          next.push(neighbour);
        }
      }
      frontier = next;
    }
    return null;
  }

  private addTable(table: TableSchema, index: number): number {
    const bag = new Map<string, number>();
    const add = (text: string | undefined, weight: number, split = contextWords) => {
      if (!text) return;
      for (const word of split(text)) bag.set(word, (bag.get(word) ?? 0) + weight);
    };
    add(table.name, FIELD_WEIGHTS.table);
    add(table.schema, FIELD_WEIGHTS.schema);
    add(table.comment, FIELD_WEIGHTS.comment, contentWords);
    for (const column of table.columns) {
      add(column.name, FIELD_WEIGHTS.column);
      add(column.comment, FIELD_WEIGHTS.columnComment, contentWords);
      for (const example of column.examples) add(example, FIELD_WEIGHTS.example, contentWords);
    }
    let length = 0;
    for (const [word, weight] of bag) {
      let posting = this.postings.get(word);
      if (!posting) this.postings.set(word, (posting = []));
      posting.push({ table: index, weight });
      length += weight;
    }
    return length;
  }
}
