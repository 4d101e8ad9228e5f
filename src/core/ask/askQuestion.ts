import { DEFAULT_CORRECTIONS, DEFAULT_EXAMPLES, DEFAULT_GRAMMAR } from '../defaults';
import type { Database } from '../db/Database';
import type { QueryResult } from '../types/QueryResult';
import { tryQuery } from '../db/tryQuery';
import { EngineError } from '../engine/EngineError';
import { sampleTemperature } from './sampleTemperature';
import type { LanguageModel } from '../engine/LanguageModel';
import { extractSql } from '../prompt/extractSql';
import { buildConversation } from '../prompt/buildConversation';
import type { FewShotExample, PromptFormat, PromptFormatId } from '../prompt/PromptFormat';
import { detectPromptFormat } from '../prompt/detectPromptFormat';
import { PROMPT_FORMATS } from '../prompt/promptFormats';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import { fencedGrammar, grammarFor, SQL_FENCE, type GrammarMode } from '../sql/grammarFor';
import { jsonSafeValue } from '../results/resultFormats';
import { buildPromptContext, summarizeContext, type ContextSummary, type PromptContext } from '../context/buildPromptContext';
import { estimateTokens, scaleToModel } from '../context/estimateTokens';
import type { ExamplePool } from '../context/ExamplePool';
import { SchemaIndex } from '../context/SchemaIndex';
import type { ValueIndex } from '../context/ValueIndex';

export type AskStage = 'fitting schema' | 'writing SQL' | 'checking' | 'correcting';

export interface AskOptions {
  /** How the model was trained to be asked (default: detected from the model file's metadata); it sets the answer's shape and budget too. */
  promptFormat?: PromptFormatId;
  /** External knowledge for the question (BIRD's evidence). */
  evidence?: string;
  /** How decoding is constrained (default `sql`: the dialect's language, the schema's names). */
  grammar?: GrammarMode;
  /**
   * For a model that reasons before it answers: its thinking is free text, and only its SQL block
   * (from the ```sql fence on) is constrained. The fence is written for it after `thinkingTokens`.
   * Formats that reason first (omnisql) set it themselves.
   */
  reasoning?: { thinkingTokens: number };
  /** Corrections after the first attempt, each told the database's error (default 2). */
  corrections?: number;
  maxTokens?: number;
  /**
   * Self-consistency: write this many answers, run each, and keep one whose result most answers
   * agree on (as the Arctic and SLM-SQL harnesses vote). Sampled at `temperature`, or at 0.8 when
   * that is 0 (greedy decoding would write the same answer every time). Corrections follow only when none runs.
   */
  samples?: number;
  /** 0 (the default) always picks the likeliest token; above 0 samples, reproducibly with a seed. */
  temperature?: number;
  /** With sampling: only the likeliest tokens whose probabilities add up to this (nucleus sampling). */
  topP?: number;
  seed?: number;
  /** Limits for checking (and running) the SQL. */
  timeoutMs?: number;
  maxRows?: number;
  signal?: AbortSignal;
  onStage?: (stage: AskStage) => void;
  /** What chooses the tables, values and examples when the schema does not fit, or examples are wanted. */
  context?: AskContextOptions;
  /**
   * A query that failed, with the database's error (Fix with Quarry): the first attempt is already a
   * correction of it, through the same prompt a failed answer of the model's gets.
   */
  failed?: { sql: string; error: string };
  /**
   * A follow-up: the conversation so far (each earlier question and the SQL it got, oldest first),
   * `question` being the new request ("only for 2024"). Only formats with `conversation`, on a model
   * with a chat template.
   */
  earlier?: readonly FewShotExample[];
}

export interface AskContextOptions {
  /** The schema's index, kept between questions (built from the schema when absent). */
  index?: SchemaIndex;
  /** The value index, asked for only when the schema does not fit whole (none in schema-only mode). */
  loadValues?: () => Promise<ValueIndex | undefined>;
  /** The user's own (question, SQL) pairs. */
  pool?: ExamplePool;
  /** Examples to show from the pool; default: DEFAULT_EXAMPLES for formats that take examples by default, else none. */
  examples?: number;
  /** Tables (qualified names) that always go in. */
  pinned?: readonly string[];
  /** Tokens the schema, values and examples may take at most, besides what the context allows. */
  budget?: number;
}

export interface AskAttempt {
  sql: string;
  /** The database's own error message, when it rejected the SQL. */
  error?: string;
  ms: number;
  promptTokens: number;
  /** Prompt tokens reused from the previous question (the schema prefix). */
  reusedTokens: number;
}

export interface AskResult {
  sql: string;
  valid: boolean;
  attempts: AskAttempt[];
  /** Rows of the final SQL when it ran. */
  result: QueryResult | null;
  /** Tables left out of the prompt because the schema did not fit the context. */
  omittedTables: string[];
  /** What the prompt held: tables, values, examples, their tokens, and what was left out. */
  context: ContextSummary;
  /** With `samples`: the answers that ran, grouped by the result they gave, most votes first. */
  votes?: { sql: string; count: number }[];
  /** The prompt format the model was asked in (chosen, or detected from its file). */
  promptFormat: PromptFormatId;
}

/** Room kept free in the context beyond the answer itself (chat template, correction text). */
const CONTEXT_MARGIN_TOKENS = 256;
/** The least thinking a reasoning format is given, however full the context. */
const MIN_THINKING_TOKENS = 256;

/**
 * Question → SQL → checked on the database → corrected with the database's own error, up to the
 * allowed number of corrections. Every attempt is kept, so the correction trace can be shown.
 */
export async function askQuestion(
  db: Database,
  schema: DatabaseSchema,
  engine: LanguageModel,
  question: string,
  options: AskOptions = {},
): Promise<AskResult> {
  const format = PROMPT_FORMATS[options.promptFormat ?? detectPromptFormat(engine.metadata, { adapter: engine.status?.loraPath }).id];
  const earlier = options.earlier?.length ? options.earlier : undefined;
  if (earlier && !format.conversation) {
    throw new EngineError('unsupported', `the ${format.id} prompt format takes one question at a time, as its models were trained: ask the whole question instead`);
  }
  if (earlier && engine.capabilities && !engine.capabilities.chatTemplate) {
    throw new EngineError('unsupported', 'follow-ups need a chat model (one with a chat template): ask the whole question instead, or choose a chat model');
  }
  const maxTokens = options.maxTokens ?? format.answer.maxTokens;
  const wantedThinking = options.reasoning?.thinkingTokens ?? (format.answer.reasonsFirst ? format.answer.thinkingTokens : undefined);
  options.onStage?.('fitting schema');
  const contextSize = engine.status?.contextSize;
  if (!contextSize) throw new EngineError('no-model', 'no model is loaded: choose one first');
  // Counted once: both the thinking budget and the schema fit start from the whole-schema prompt.
  const wholePromptTokens = await countWholePrompt(engine, buildConversation(format, { schema, schemaText: format.renderSchema(schema), question, ...(earlier ? { earlier } : {}) }).completion, contextSize, options.signal);
  const thinkingTokens = wantedThinking === undefined ? undefined : thinkingBudget(contextSize - maxTokens - wholePromptTokens, wantedThinking);
  const thinkingEnds = format.answer.thinkingEnds;
  const reasoning = thinkingTokens !== undefined ? { ...SQL_FENCE, thinkingTokens, ...(thinkingEnds ? { after: thinkingEnds } : {}) } : undefined;
  const answerTokens = maxTokens + (reasoning?.thinkingTokens ?? 0);
  const budget = contextSize - answerTokens - CONTEXT_MARGIN_TOKENS;
  // A follow-up's tables are the whole conversation's: "and their cities" names none of them.
  const contextQuestion = earlier ? [...earlier.map((turn) => turn.question), question].join('\n') : question;
  const chosen = await chooseContext(engine, format, schema, { question: contextQuestion, evidence: options.evidence, wholePromptTokens, budget }, options.context ?? {}, options.signal);
  const fitted = chosen.schema;
  const examples = chosen.examples;
  const omittedTables = chosen.omitted.tables;
  const context = summarizeContext(chosen);
  const schemaText = format.renderSchema(fitted);
  const sqlGrammar = grammarFor(fitted, options.grammar ?? DEFAULT_GRAMMAR);
  const grammar = reasoning && sqlGrammar ? fencedGrammar(sqlGrammar) : sqlGrammar;
  const attempts: AskAttempt[] = [];
  /** One answer: generated, its SQL taken out, checked and run on the database. */
  const attempt = async (correction: Correction | undefined, temperature: number, seed: number | undefined) => {
    // A correction has a draft: the pool's examples are chosen again with its skeleton, as DAIL-SQL chooses by a preliminary query's.
    const pool = options.context?.pool;
    const shots = correction && pool && examples.length ? pool.rank(question, examples.length, correction.sql).map(({ question: q, sql }) => ({ question: q, sql })) : examples;
    const prompt = buildConversation(format, { schema: fitted, schemaText, question, evidence: options.evidence, correction, ...(shots.length ? { examples: shots } : {}), ...(earlier ? { earlier } : {}) });
    const started = performance.now();
    const generated = await engine.generate(
      {
        system: prompt.system,
        user: prompt.user,
        completion: prompt.completion,
        rawCompletion: prompt.rawCompletion,
        ...(prompt.responsePrefix ? { responsePrefix: prompt.responsePrefix } : {}),
        ...(prompt.earlierTurns ? { earlierTurns: prompt.earlierTurns } : {}),
        stop: format.answer.stop,
        grammar,
        ...(reasoning ? { reasoning } : {}),
        maxTokens,
        temperature,
        ...(options.topP !== undefined ? { topP: options.topP } : {}),
        seed,
      },
      options.signal,
    );
    const sql = extractSql(generated.text);
    options.onStage?.('checking');
    const check = await checkSql(db, sql, options);
    attempts.push({
      sql,
      ...(check.error ? { error: check.error } : {}),
      ms: performance.now() - started,
      promptTokens: generated.promptTokens,
      reusedTokens: generated.reusedTokens,
    });
    return { sql, ...check };
  };

  let correction: Correction | undefined = options.failed ? { ...options.failed, validNames: validNames(fitted) } : undefined;
  let tries = (options.corrections ?? DEFAULT_CORRECTIONS) + 1;
  if ((options.samples ?? 1) > 1 && !correction) {
    options.onStage?.('writing SQL');
    const answers = [];
    const temperature = sampleTemperature(options.temperature, engine.metadata).value;
    for (let i = 0; i < options.samples!; i++) answers.push(await attempt(undefined, temperature, (options.seed ?? 0) + i));
    const votes = voteByResult(answers);
    if (votes[0]) return { sql: votes[0].sql, valid: true, attempts, result: votes[0].result, omittedTables, context, votes: votes.map(({ sql, count }) => ({ sql, count })), promptFormat: format.id };
    // None ran: the samples were the first try, and the corrections start from the first of them.
    correction = { sql: answers[0]!.sql, error: answers[0]!.error!, validNames: validNames(fitted) };
    tries--;
  }
  for (let i = 0; i < tries; i++) {
    options.onStage?.(correction ? 'correcting' : 'writing SQL');
    const answer = await attempt(correction, options.temperature ?? 0, options.seed);
    if (!answer.error) return { sql: answer.sql, valid: true, attempts, result: answer.result, omittedTables, context, promptFormat: format.id };
    correction = { sql: answer.sql, error: answer.error, validNames: validNames(fitted) };
  }
  return { sql: attempts.at(-1)!.sql, valid: false, attempts, result: null, omittedTables, context, promptFormat: format.id };
}

type Correction = { sql: string; error: string; validNames: string };

/** The answers that ran, grouped by their result (rows as a bag), most first; a tie goes to the group that answered first. */
function voteByResult(answers: { sql: string; error: string | null; result: QueryResult | null }[]): { sql: string; count: number; result: QueryResult | null }[] {
  const groups = new Map<string, { sql: string; count: number; result: QueryResult | null; first: number }>();
  answers.forEach((answer, i) => {
    if (answer.error || !answer.result) return;
    const key = JSON.stringify(answer.result.rows.map((row) => JSON.stringify(row.map(jsonSafeValue))).sort());
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { sql: answer.sql, count: 1, result: answer.result, first: i });
  });
  return [...groups.values()].sort((a, b) => b.count - a.count || a.first - b.first);
}

/** The database's verdict on an answer: its error as the correction prompt quotes it, or its result. */
export async function checkSql(
  db: Database,
  sql: string,
  options: AskOptions,
): Promise<{ error: string | null; result: QueryResult | null }> {
  if (!sql) return { error: 'the model wrote no SQL', result: null };
  const outcome = await tryQuery(db, sql, { validate: true, timeoutMs: options.timeoutMs, maxRows: options.maxRows, signal: options.signal });
  return outcome.ok ? { error: null, result: outcome.value } : { error: outcome.error.message, result: null };
}

/** The names a correction prompt lists: every table with its columns. */
export function validNames(schema: DatabaseSchema): string {
  return schema.tables.map((t) => `${t.name}(${t.columns.map((c) => c.name).join(', ')})`).join('; ');
}

/** Characters of a whole prompt far over the context that are counted; the rest is scaled from them. */
const WHOLE_PROMPT_SAMPLE_CHARS = 100_000;

/**
 * The whole-schema prompt's tokens. Only whether it fits and the tokenizer's ratio to the estimate
 * are read from it, so a prompt estimated at over four contexts (a warehouse: 3,000 tables take a
 * second to tokenize) is counted on its first 100,000 characters and scaled; the estimator is never
 * off by that much, so such a prompt does not fit either way.
 */
async function countWholePrompt(engine: LanguageModel, text: string, contextSize: number, signal?: AbortSignal): Promise<number> {
  if (text.length <= WHOLE_PROMPT_SAMPLE_CHARS || estimateTokens(text) <= 4 * contextSize) return engine.countTokens(text, signal);
  const sample = await engine.countTokens(text.slice(0, WHOLE_PROMPT_SAMPLE_CHARS), signal);
  return Math.ceil((sample * text.length) / WHOLE_PROMPT_SAMPLE_CHARS);
}

/**
 * The thinking a reasoning format asks for, cut to what the context leaves beside the whole-schema
 * prompt and the answer (`room`; a 4K-token habit does not fit a 4K context); never below a floor,
 * where the schema is cut instead. When the budget runs out the fence is written for the model, so it still answers.
 */
function thinkingBudget(room: number, wanted: number): number {
  return Math.min(wanted, Math.max(MIN_THINKING_TOKENS, room - CONTEXT_MARGIN_TOKENS));
}

/**
 * The schema, values and examples the prompt holds. A whole prompt that fits the context goes as it
 * is (with examples only when wanted); otherwise retrieval fits a part to the room the context
 * leaves, counted in the model's own tokens: the estimate is scaled to the tokenizer by the whole
 * prompt's real count, and the chosen prompt is counted again, and cut further should the estimate
 * have been short.
 */
async function chooseContext(
  engine: LanguageModel,
  format: PromptFormat,
  schema: DatabaseSchema,
  ask: { question: string; evidence?: string; wholePromptTokens: number; budget: number },
  options: AskContextOptions,
  signal?: AbortSignal,
): Promise<PromptContext> {
  const index = options.index ?? new SchemaIndex(schema);
  const wholePrompt = format.build({ schema, schemaText: format.renderSchema(schema), question: ask.question, evidence: ask.evidence }).completion;
  const countTokens = scaleToModel(wholePrompt, ask.wholePromptTokens);
  const examples = options.pool ? (options.examples ?? (format.examples === 'default' ? DEFAULT_EXAMPLES : 0)) : 0;
  const bare = await engine.countTokens(format.build({ schema, schemaText: '', question: ask.question, evidence: ask.evidence }).completion, signal);
  // The user's budget is for the schema (with values and examples), not for the instructions and question around it.
  const fits = ask.wholePromptTokens <= ask.budget && (options.budget === undefined || ask.wholePromptTokens - bare <= options.budget);
  const values = fits ? undefined : await options.loadValues?.();
  let room = Math.min(ask.budget - bare, options.budget ?? Infinity);
  for (let attempt = 0; ; attempt++) {
    const context = buildPromptContext(
      { index, format, countTokens, ...(values ? { values } : {}), ...(options.pool ? { pool: options.pool } : {}) },
      { question: ask.question, ...(ask.evidence ? { evidence: ask.evidence } : {}), budget: fits && !examples ? undefined : room, examples, ...(options.pinned ? { pinned: options.pinned } : {}) },
    );
    if (context.tables.length === 0) throw new EngineError('generation-failed', `not even one table of the schema fits the model's context (${ask.budget - bare} tokens left beside the answer)`);
    if (!context.retrieved && !examples) return context;
    const prompt = format.build({ schema: context.schema, schemaText: format.renderSchema(context.schema), question: ask.question, evidence: ask.evidence, examples: context.examples });
    const real = await engine.countTokens(prompt.completion, signal);
    if (real <= ask.budget || attempt === 2) return context;
    room -= Math.ceil((real - ask.budget) * 1.1) + 1;
  }
}
