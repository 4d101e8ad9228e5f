import type { FewShotExample, PromptFormat } from '../prompt/PromptFormat';
import type { ColumnSchema, DatabaseSchema, TableSchema } from '../types/DatabaseSchema';
import type { ExamplePool } from './ExamplePool';
import { qualifiedName, type SchemaIndex } from './SchemaIndex';
import type { ValueHit, ValueIndex } from './ValueIndex';

/** What goes into one prompt besides the question: the part of the schema, the values and the examples. */
export interface PromptContext {
  /** The schema the prompt shows: the chosen tables, in the database's order, with the values found put first among their columns' examples. */
  schema: DatabaseSchema;
  /** Qualified names of the chosen tables (`schema.table` outside the default namespace). */
  tables: string[];
  /** `table.column` for every column shown. */
  columns: string[];
  values: { table: string; column: string; value: string }[];
  examples: FewShotExample[];
  /** Tokens each part takes, by the counter given (the model's tokenizer, or the estimate). */
  tokens: { schema: number; values: number; examples: number; total: number };
  omitted: { tables: string[]; values: { table: string; column: string; value: string }[] };
  /** False when the whole schema fitted: no retrieval was needed. */
  retrieved: boolean;
}

export interface ContextSources {
  index: SchemaIndex;
  format: PromptFormat;
  /** Absent in schema-only mode, or before the index is built: no values then. Used only when the schema does not fit whole. */
  values?: ValueIndex;
  pool?: ExamplePool;
  countTokens: (text: string) => number;
}

export interface ContextRequest {
  question: string;
  /** External knowledge for the question (BIRD's evidence): its words help find tables and values, not examples. */
  evidence?: string;
  /** Tokens the schema, values and examples may take together; none: the whole schema, as before retrieval. */
  budget?: number;
  /** Qualified names of tables that always go in (the user pinned them for this connection). */
  pinned?: readonly string[];
  /** How many examples from the pool (0: none). */
  examples?: number;
  /** A query already written for the question (the attempt being corrected): examples of its skeleton rank higher. */
  draft?: string;
}

/** Values shown at most: a question names a few things, not dozens. */
const MAX_VALUES = 12;
const MAX_VALUES_PER_COLUMN = 3;
const MAX_COLUMNS_PER_VALUE = 2;
/** A table a value of the question lives in counts this much more (a BM25 score is about 2 to 15 for a good match). */
const VALUE_BONUS = 4;
/** When tables come from many schemas (databases), this many of the best are taken whole where they fit: routing first. */
const WHOLE_GROUPS = 1;

/**
 * Chooses what goes into the prompt for a question. A schema that fits the budget goes in whole, as
 * it did before retrieval (its own example values, no others: the prompt small models were trained on).
 * Otherwise tables are ranked (SchemaIndex's BM25, plus the tables holding values the question
 * names), grouped by schema so that the best database is chosen first when there are many, joined
 * up by foreign keys (the tables on the shortest path between two chosen ones, then their
 * neighbours), and taken in that order while they fit. Pinned tables always go in first.
 */
export function buildPromptContext(sources: ContextSources, request: ContextRequest): PromptContext {
  const { index, format, countTokens } = sources;
  const schema = index.schema;
  const asked = request.evidence?.trim() ? `${request.question}\n${request.evidence}` : request.question;
  const examples = request.examples && sources.pool ? sources.pool.rank(request.question, request.examples, request.draft).map(({ question, sql }) => ({ question, sql })) : [];
  const examplesTokens = examples.length ? Math.max(0, countTokens(format.build({ schema, schemaText: '', question: request.question, examples }).completion) - countTokens(format.build({ schema, schemaText: '', question: request.question }).completion)) : 0;
  const costs = tableCosts(index, format, countTokens);
  const wholeCost = costs.reduce((a, b) => a + b, 0);
  const pinned = new Set((request.pinned ?? []).map((name) => index.byKey.get(name.toLowerCase())).filter((i): i is number => i !== undefined));

  let chosen: Set<number>;
  let hits: ValueHit[] = [];
  if (request.budget === undefined || wholeCost + examplesTokens <= request.budget) {
    // What fits goes in as before retrieval existed: the whole schema with its own example values.
    chosen = new Set(schema.tables.map((_, i) => i));
  } else {
    hits = sources.values?.lookup(asked, 50, index.nameWords) ?? [];
    const valueRoom = estimateValueTokens(hits, countTokens);
    const budget = request.budget - examplesTokens - valueRoom;
    chosen = new Set();
    let used = 0;
    const take = (i: number, force = false) => {
      if (chosen.has(i)) return;
      if (!force && used + costs[i]! > budget) return;
      chosen.add(i);
      used += costs[i]!;
    };
    for (const i of pinned) take(i, true);
    for (const i of tableOrder(index, asked, hits)) take(i);
  }

  const shown = showValues(hits, chosen, index);
  const fitted: DatabaseSchema = { ...schema, tables: schema.tables.filter((_, i) => chosen.has(i)).map((table) => withValues(table, shown)) };
  const bareTokens = [...chosen].reduce((sum, i) => sum + costs[i]!, 0);
  const schemaTokens = chosen.size === schema.tables.length && !shown.length ? bareTokens : countTokens(format.renderSchema(fitted));
  const valuesTokens = shown.length ? Math.max(0, schemaTokens - bareTokens) : 0;
  const omittedValues = hits.filter((hit) => !shown.some((s) => s.table === hit.table && s.column === hit.column && s.value === hit.value)).map(({ table, column, value }) => ({ table, column, value }));
  return {
    schema: fitted,
    tables: fitted.tables.map(qualifiedName),
    columns: fitted.tables.flatMap((table) => table.columns.map((column) => `${qualifiedName(table)}.${column.name}`)),
    values: shown,
    examples,
    tokens: { schema: schemaTokens - valuesTokens, values: valuesTokens, examples: examplesTokens, total: schemaTokens + examplesTokens },
    omitted: { tables: schema.tables.filter((_, i) => !chosen.has(i)).map(qualifiedName), values: omittedValues },
    retrieved: chosen.size < schema.tables.length,
  };
}

/** What a context was, without the schema itself: what `quarry context` prints and an Ask reports. */
export type ContextSummary = Omit<PromptContext, 'schema'>;

export function summarizeContext({ schema: _, ...summary }: PromptContext): ContextSummary {
  return summary;
}

/** Every table in the order it should go in while the budget lasts. */
function tableOrder(index: SchemaIndex, question: string, hits: ValueHit[]): number[] {
  const { tables: scored, schemas } = index.score(question);
  const bonus = new Map<number, number>();
  for (const hit of hits) {
    const i = index.byKey.get(hit.table.toLowerCase());
    if (i !== undefined) bonus.set(i, Math.max(bonus.get(i) ?? 0, VALUE_BONUS * hit.score));
  }
  const groupBonus = new Map<string, number>();
  for (const [i, extra] of bonus) {
    scored[i]!.score += extra;
    const key = (scored[i]!.table.schema ?? '').toLowerCase();
    groupBonus.set(key, Math.max(groupBonus.get(key) ?? 0, extra));
  }
  const groups = new Map<string, number[]>();
  for (const { table, index: i } of scored) {
    const key = (table.schema ?? '').toLowerCase();
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(i);
  }
  const score = (i: number) => scored[i]!.score;
  const byScore = (a: number, b: number) => score(b) - score(a) || a - b;
  const ranked = [...groups]
    .map(([key, members]) => ({ members, score: (schemas.get(key) ?? 0) + (groupBonus.get(key) ?? 0) }))
    .sort((a, b) => b.score - a.score || a.members[0]! - b.members[0]!);

  const first: number[] = [];
  const later: number[] = [];
  ranked.forEach(({ members, score: groupScore }, rank) => {
    // A database none of the question's words or values point to adds nothing but noise.
    if (rank > 0 && groupScore <= 0) return;
    const matching = members.filter((i) => score(i) > 0).sort(byScore);
    const core: number[] = [];
    const inCore = new Set<number>();
    for (const i of matching) {
      // The tables that join this one to those already chosen come with it (a many-to-many link table has no words of the question).
      const path = inCore.size ? index.joinPath(i, inCore) : [];
      for (const j of [...(path ?? []), i]) {
        if (inCore.has(j)) continue;
        inCore.add(j);
        core.push(j);
      }
    }
    const neighbours = [...new Set(core.flatMap((i) => index.neighbours[i]!))].filter((j) => !inCore.has(j)).sort(byScore);
    const rest = members.filter((i) => !inCore.has(i) && !neighbours.includes(i)).sort(byScore);
    if (rank < WHOLE_GROUPS) first.push(...core, ...neighbours, ...rest);
    else {
      first.push(...core);
      later.push(...neighbours, ...rest);
    }
  });
  return [...first, ...later];
}

/** The values to show: those in chosen tables, best first, a few per column. */
function showValues(hits: ValueHit[], chosen: Set<number>, index: SchemaIndex): { table: string; column: string; value: string }[] {
  const shown: { table: string; column: string; value: string }[] = [];
  const perColumn = new Map<string, number>();
  const perText = new Map<string, number>();
  for (const hit of hits) {
    const i = index.byKey.get(hit.table.toLowerCase());
    if (i === undefined || !chosen.has(i) || shown.length >= MAX_VALUES) continue;
    const key = `${hit.table}\u0000${hit.column}`;
    const text = hit.value.toLowerCase();
    // The same text in many columns ("French" in five tables) would crowd out the other values named.
    if ((perColumn.get(key) ?? 0) >= MAX_VALUES_PER_COLUMN || (perText.get(text) ?? 0) >= MAX_COLUMNS_PER_VALUE) continue;
    perColumn.set(key, (perColumn.get(key) ?? 0) + 1);
    perText.set(text, (perText.get(text) ?? 0) + 1);
    shown.push({ table: hit.table, column: hit.column, value: hit.value });
  }
  return shown;
}

/** The table with the values found put first among its columns' examples: every format shows them where it shows example values. */
function withValues(table: TableSchema, shown: { table: string; column: string; value: string }[]): TableSchema {
  const name = qualifiedName(table);
  const mine = shown.filter((v) => v.table === name);
  if (!mine.length) return table;
  const columns: ColumnSchema[] = table.columns.map((column) => {
    const found = mine.filter((v) => v.column === column.name).map((v) => v.value);
    if (!found.length) return column;
    const examples = [...found, ...column.examples.filter((e) => !found.includes(e))].slice(0, Math.max(column.examples.length, found.length));
    return { ...column, examples };
  });
  return { ...table, columns };
}

/** Room the values may take beside their tables: a quoted value and a comma each. */
function estimateValueTokens(hits: ValueHit[], countTokens: (text: string) => number): number {
  return countTokens(hits.slice(0, MAX_VALUES).map((hit) => `'${hit.value}', `).join(''));
}

const costCache = new WeakMap<SchemaIndex, Map<string, { counter: (text: string) => number; costs: number[] }>>();

/** Tokens the whole schema takes as the format renders it, table by table: over the budget, retrieval starts (and the value index is wanted). */
export function wholeSchemaTokens(index: SchemaIndex, format: PromptFormat, countTokens: (text: string) => number): number {
  return tableCosts(index, format, countTokens).reduce((a, b) => a + b, 0);
}

/** Each table's tokens as the format renders it alone; counted once per index, format and counter. */
function tableCosts(index: SchemaIndex, format: PromptFormat, countTokens: (text: string) => number): number[] {
  let byFormat = costCache.get(index);
  if (!byFormat) costCache.set(index, (byFormat = new Map()));
  const cached = byFormat.get(format.id);
  if (cached && cached.counter === countTokens) return cached.costs;
  const costs = index.schema.tables.map((table) => countTokens(format.renderSchema({ ...index.schema, tables: [table] })));
  byFormat.set(format.id, { counter: countTokens, costs });
  return costs;
}
