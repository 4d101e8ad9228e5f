import { contentWords, stemWord } from './contextWords';
import { sqlSkeleton } from './sqlSkeleton';

/** A (question, SQL) pair the user has: from a dataset build, a questions file, or Quarry's history. */
export interface PoolExample {
  question: string;
  sql: string;
  /** The database it was asked of, when the pool says (Spider's db_id). */
  db?: string;
}

/**
 * Words that carry a question's shape rather than its subject: what DAIL-SQL's masking leaves once
 * schema words and values are masked. Everything else is masked, so no schema is needed to mask a
 * pool question, and two questions of one shape over two databases look alike.
 */
const SHAPE_WORDS: ReadonlySet<string> = new Set(
  `what which who whom whose when where how many much number count total sum average mean maximum minimum max min
   highest lowest largest smallest biggest most least more less fewer greater larger smaller higher lower longest shortest
   oldest youngest older younger earliest latest before after between than each every per all distinct different unique
   both either or and not no without never only except but other others also order ordered sort sorted ascending descending
   alphabetical alphabetically first last top one two three four five ten at least above below over under equal same
   of the in for with by that have has had is are was were do does did list show find give return name names id ids
   their its from to on a an as any there those these them whose contain containing include including start starting
   begin beginning end ending like percentage percent ratio difference year years month date time day`
    .split(/\s+/)
    .filter(Boolean)
    .map(stemWord),
);

const MASK = '_';
/** How much the question's subject counts beside its shape (history from one database shares subjects). */
const SUBJECT_WEIGHT = 0.3;
/** How much a draft query's skeleton counts beside the question's shape. */
const SKELETON_WEIGHT = 0.5;

export interface RankedExample extends PoolExample {
  score: number;
  skeleton: string;
}

/**
 * A pool of examples ranked for a question as DAIL-SQL ranks them: by the question with its
 * schema words and values masked (so shape matches shape), then the subject's words; among the
 * best, examples of a query shape already chosen give way to another shape, since an example of
 * each likely shape helps more than three of one.
 */
export class ExamplePool {
  readonly examples: readonly PoolExample[];
  private readonly skeletons: string[];
  private readonly shape: FeatureIndex;
  private readonly subject: FeatureIndex;
  private readonly skeletonIndex: FeatureIndex;

  constructor(examples: readonly PoolExample[]) {
    this.examples = examples;
    this.skeletons = examples.map((e) => sqlSkeleton(e.sql));
    this.shape = new FeatureIndex(examples.map((e) => shapeFeatures(e.question)));
    this.subject = new FeatureIndex(examples.map((e) => contentWords(e.question)));
    this.skeletonIndex = new FeatureIndex(this.skeletons.map(skeletonFeatures));
  }

  get size(): number {
    return this.examples.length;
  }

  /**
   * The `k` examples most like the question, best first; an example whose question is the same text
   * is left out (it would be the answer). With `draft`, a query already written for the question (a
   * failed attempt being corrected), the examples whose skeletons are like its skeleton also rank
   * higher, as DAIL-SQL ranks by the skeleton of a preliminary query.
   */
  rank(question: string, k = 3, draft?: string): RankedExample[] {
    if (k <= 0 || this.examples.length === 0) return [];
    const shape = this.shape.similarities(shapeFeatures(question));
    const subject = this.subject.similarities(contentWords(question));
    const skeleton = draft ? this.skeletonIndex.similarities(skeletonFeatures(sqlSkeleton(draft))) : new Map<number, number>();
    const asked = question.trim().toLowerCase();
    const scored: { index: number; score: number }[] = [];
    for (const index of new Set([...shape.keys(), ...subject.keys(), ...skeleton.keys()])) {
      if (this.examples[index]!.question.trim().toLowerCase() === asked) continue;
      scored.push({ index, score: (shape.get(index) ?? 0) + SUBJECT_WEIGHT * (subject.get(index) ?? 0) + SKELETON_WEIGHT * (skeleton.get(index) ?? 0) });
    }
    scored.sort((a, b) => b.score - a.score || a.index - b.index);
    const chosen: typeof scored = [];
    const shapes = new Set<string>();
    // Among the best few, one example per query shape first; the rest fill in order.
    for (const candidate of scored.slice(0, k * 10)) {
      if (chosen.length === k) break;
      if (shapes.has(this.skeletons[candidate.index]!)) continue;
      shapes.add(this.skeletons[candidate.index]!);
      chosen.push(candidate);
    }
    for (const candidate of scored) {
      if (chosen.length === k) break;
      if (!chosen.includes(candidate)) chosen.push(candidate);
    }
    chosen.sort((a, b) => b.score - a.score || a.index - b.index);
    return chosen.map(({ index, score }) => ({ ...this.examples[index]!, score, skeleton: this.skeletons[index]! }));
  }
}

/** The masked question's words, pairs and triples: "how many _ have more than _" keeps its shape, not its subject. */
function shapeFeatures(question: string): string[] {
  const masked: string[] = [];
  const text = question.replace(/"[^"]*"|'[^']*'|“[^”]*”/g, ' 0 ');
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const word = /^\p{N}+$/u.test(raw) ? '#' : SHAPE_WORDS.has(stemWord(raw)) ? stemWord(raw) : MASK;
    if (word === MASK && masked.at(-1) === MASK) continue;
    masked.push(word);
  }
  return withPairsAndTriples(masked);
}

/** A skeleton's tokens, pairs and triples: SELECT count ( * ) FROM _ WHERE _ > ? keeps its order. */
function skeletonFeatures(skeleton: string): string[] {
  return withPairsAndTriples(skeleton.split(' ').filter(Boolean));
}

/** The tokens, then each two and three in a row: order counts without a model of it. */
function withPairsAndTriples(tokens: string[]): string[] {
  const features = [...tokens];
  for (let i = 0; i + 1 < tokens.length; i++) features.push(`${tokens[i]} ${tokens[i + 1]}`);
  for (let i = 0; i + 2 < tokens.length; i++) features.push(`${tokens[i]} ${tokens[i + 1]} ${tokens[i + 2]}`);
  return features;
}

/** TF-IDF vectors of many documents, by inverted index: a query is scored against all of them by its own features only. */
class FeatureIndex {
  private readonly postings = new Map<string, { doc: number; weight: number }[]>();
  private readonly idf = new Map<string, number>();

  constructor(documents: string[][]) {
    const frequency = new Map<string, number>();
    for (const features of documents) for (const feature of new Set(features)) frequency.set(feature, (frequency.get(feature) ?? 0) + 1);
    for (const [feature, n] of frequency) this.idf.set(feature, Math.log((1 + documents.length) / (1 + n)) + 1);
    documents.forEach((features, doc) => {
      const vector = this.vector(features);
      for (const [feature, weight] of vector) {
        let posting = this.postings.get(feature);
        if (!posting) this.postings.set(feature, (posting = []));
        posting.push({ doc, weight });
      }
    });
  }

  /** Cosine similarity of the query with every document that shares a feature with it. */
  similarities(features: string[]): Map<number, number> {
    const result = new Map<number, number>();
    for (const [feature, weight] of this.vector(features)) {
      for (const { doc, weight: other } of this.postings.get(feature) ?? []) result.set(doc, (result.get(doc) ?? 0) + weight * other);
    }
    return result;
  }

  /** Unit-length TF-IDF weights; features no document has are dropped (they cannot match). */
  private vector(features: string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const feature of features) if (this.idf.has(feature)) counts.set(feature, (counts.get(feature) ?? 0) + 1);
    let norm = 0;
    for (const [feature, count] of counts) {
      const weight = (1 + Math.log(count)) * this.idf.get(feature)!;
      counts.set(feature, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [feature, weight] of counts) counts.set(feature, weight / norm);
    return counts;
  }
}
