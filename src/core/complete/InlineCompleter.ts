import { DEFAULT_COMPLETION_SETTINGS } from '../defaults';
import type { Dialect } from '../types/QueryResult';
import type { LanguageModel } from '../engine/LanguageModel';
import { detectPromptFormat } from '../prompt/detectPromptFormat';
import type { PromptFormat, PromptFormatId } from '../prompt/PromptFormat';
import { PROMPT_FORMATS } from '../prompt/promptFormats';
import type { GenerateParams } from '../protocol/modelServerMethods';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import { tableIdentifier } from '../sql/quoteIdentifier';
import { buildClauseGrammar, buildNarrowGrammar, schemaGrammar } from '../sql/buildNarrowGrammar';
import { continueGrammar, lastSentenceEnd, parseGbnf, type ParsedGrammar } from '../sql/continueGrammar';
import { grammarFor, type GrammarMode } from '../sql/grammarFor';
import { tokenizeSql } from '../sql/tokenizeSql';
import { analyzeCompletionContext, canonicalPrefix, type CompletionContext } from './analyzeCompletionContext';
import { clauseAtCursor } from './clauseAtCursor';
import { CompletionCache } from './CompletionCache';
import { cutAtUnknownName, finishCompletion } from './finishCompletion';

export interface CompletionSettings {
  /** How completions are constrained (the same setting as Ask's): `sql` follows on from any SQL the user writes. */
  grammar: GrammarMode;
  /** Quiet time after the last keystroke before the model is asked. */
  debounceMs: number;
  /** Longest whole query (under a comment), in tokens. */
  maxTokens: number;
  /** Longest continuation of a statement being typed; DEFAULT_COMPLETION_SETTINGS' when absent. */
  continuationMaxTokens?: number;
  /** Only whole queries under English comments, never continuations. */
  onlyOnComment: boolean;
  /** How the model is asked (Ask's setting); undefined: detected from the model file. */
  promptFormat?: PromptFormatId;
}


/** One database's schema, with what completion derives from it made once. */
export class CompletionSchema {
  readonly dialect: Dialect;
  /** The schema as each prompt format renders it, made once. */
  private readonly texts = new Map<PromptFormatId, string>();
  private readonly grammars = new Map<string, { text: string; parsed: ParsedGrammar }>();
  private dialectGrammar: { text: string; parsed: ParsedGrammar } | undefined;
  private readonly names: Set<string>;
  /** Each table and column name by its lower case: how the schema (and so the narrow grammar) spells it. */
  readonly spellings: ReadonlyMap<string, string>;

  constructor(readonly schema: DatabaseSchema) {
    this.dialect = schema.dialect;
    const all = schema.tables.flatMap((t) => [t.name, ...t.columns.map((c) => c.name)]);
    this.names = new Set(all.map((n) => n.toLowerCase()));
    this.spellings = new Map(all.map((n) => [n.toLowerCase(), n]));
  }

  textFor(format: PromptFormat): string {
    let text = this.texts.get(format.id);
    if (text === undefined) this.texts.set(format.id, (text = format.renderSchema(this.schema)));
    return text;
  }

  /** The grammar of a mode: `narrow` over the tables a statement names (all tables when it names none of them); `sql` over the whole schema. */
  grammarOf(mode: Exclude<GrammarMode, 'off'>, tables: string[] = []): { text: string; parsed: ParsedGrammar } {
    if (mode === 'narrow') return this.narrowGrammar(tables);
    this.dialectGrammar ??= parsedGrammar(grammarFor(this.schema, 'sql')!);
    return this.dialectGrammar;
  }

  /** The narrow schema grammar over the tables a statement names (all tables when it names none of them). */
  narrowGrammar(tables: string[]): { text: string; parsed: ParsedGrammar } {
    const wanted = new Set(tables.map((t) => t.toLowerCase()));
    const scoped = this.schema.tables.filter((t) => wanted.has(t.name.toLowerCase()));
    const key = scoped.map((t) => t.name).join('\u0000');
    let grammar = this.grammars.get(key);
    if (!grammar) {
      const text = scoped.length ? buildNarrowGrammar({ ...this.schema, tables: scoped }, { dialect: this.dialect }) : schemaGrammar(this.schema);
      grammar = parsedGrammar(text);
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /**
   * The narrow grammar of the rest of a statement from the clause its prefix ends by opening, over
   * the query's tables under its aliases; null when the prefix opens no clause or names a table the schema lacks.
   */
  clauseGrammar(prefix: string): { text: string; parsed: ParsedGrammar } | null {
    const at = clauseAtCursor(prefix);
    if (!at) return null;
    const tables = at.tables.map(({ name, alias }) => ({ table: this.schema.tables.find((t) => t.name.toLowerCase() === name.toLowerCase()), alias }));
    if (tables.some((t) => !t.table?.columns.length)) return null;
    const request = {
      clause: at.clause,
      // One table's columns go bare; in a join each is qualified as the statement qualifies its table.
      tables: tables.map(({ table, alias }) => ({ table: table!, qualifier: tables.length === 1 ? null : (alias ?? tableIdentifier(table!, this.dialect)) })),
      grouped: at.grouped,
      noOrderBy: at.noOrderBy,
      leadingSpace: !/\s$/.test(prefix),
    };
    const key = JSON.stringify({ ...request, tables: request.tables.map((t) => [t.table.name, t.qualifier]) });
    let grammar = this.grammars.get(key);
    if (!grammar) {
      grammar = parsedGrammar(buildClauseGrammar(this.schema, request));
      this.grammars.set(key, grammar);
    }
    return grammar;
  }

  /** The schema's names and every word the user wrote (aliases, functions the grammar does not know). */
  knownNames(userText: string): Set<string> {
    const written = tokenizeSql(userText).flatMap((t) => (t.kind === 'word' ? [t.text.toLowerCase()] : []));
    return new Set([...this.names, ...written]);
  }
}

function parsedGrammar(text: string): { text: string; parsed: ParsedGrammar } {
  return { text, parsed: parseGbnf(text) };
}

export interface CompletionRequest {
  /** The database (its path): completions are cached per database. */
  database: string;
  schema: CompletionSchema;
  text: string;
  offset: number;
}

export interface CompletionResult {
  text: string;
  source: 'cache' | 'reuse' | 'model';
  kind: 'comment' | 'continue';
  /** Where a model call's time went (absent for answers from the cache or a running generation). */
  timing?: CompletionTiming;
}

/** The stages of one model call for a completion, in ms, and its tokens. */
export interface CompletionTiming {
  /** Quarry's side: the context, the grammar from the statement prefix (built, or followed on from it). */
  grammarMs: number;
  /** llama.cpp parsing that grammar (0 when cached). */
  engineGrammarMs: number;
  /** Evaluating the prompt, to the first token. */
  promptMs: number;
  /** Generating the rest. */
  generateMs: number;
  promptTokens: number;
  reusedTokens: number;
  generatedTokens: number;
}

export interface CompleterStats {
  requests: number;
  /** Requests cancelled during the debounce: model calls saved. */
  debounced: number;
  fromCache: number;
  /** Requests answered by a generation already running for an earlier keystroke: model calls saved. */
  reused: number;
  modelCalls: number;
  /** Generations stopped because the user typed on. */
  cancelledCalls: number;
}

interface InFlight {
  /** Why the generation gave no completion, when it gave none. */
  failure: string | null;
  timing: CompletionTiming | null;
  base: string;
  prefix: string;
  promise: Promise<string | null>;
  controller: AbortController;
  waiters: number;
  done: boolean;
}

/** What a statement with no comment above it is asked as. */
const CONTINUE_QUESTION = 'Complete the SQL statement.';

/** How long a generation nobody waits for any more is kept, in case the next keystroke can use it. */
const ADOPTION_GRACE_MS = 150;

/**
 * Inline completion without blocking typing: answers from the cache or from a generation already
 * running when what the user typed agrees with it; otherwise waits out the debounce and asks the
 * model, stopping any generation the new text has made useless.
 */
export class InlineCompleter {
  readonly stats: CompleterStats = { requests: 0, debounced: 0, fromCache: 0, reused: 0, modelCalls: 0, cancelledCalls: 0 };
  /** Why the last request gave no completion (null after one that gave one): for the log, where a person can see why no ghost text came. */
  lastSkip: string | null = null;
  private readonly cache = new CompletionCache();
  private inFlight: InFlight | null = null;

  constructor(
    /** The model's file metadata and status, where the engine has them, tell its prompt format. */
    private readonly engine: Pick<LanguageModel, 'generate'> & Partial<Pick<LanguageModel, 'metadata' | 'status'>>,
    private readonly settings: () => CompletionSettings,
  ) {}

  async complete(request: CompletionRequest, signal: AbortSignal): Promise<CompletionResult | null> {
    const result = await this.answer(request, signal);
    if (result) this.lastSkip = null;
    return result;
  }

  private async answer(request: CompletionRequest, signal: AbortSignal): Promise<CompletionResult | null> {
    this.stats.requests++;
    const context = analyzeCompletionContext(request.text, request.offset);
    if (context.kind === 'none') return this.skip('nothing to complete here: the cursor is neither under a comment line nor inside a statement');
    if (context.kind === 'continue' && this.settings().onlyOnComment) return this.skip('quarry.completion.onlyOnComment is on, and the cursor is inside a statement');
    const question = context.kind === 'comment' ? context.question : context.comment;
    const base = `${request.database}\u0000${question ?? ''}`;
    const prefix = context.kind === 'continue' ? context.prefix : '';
    const kind = context.kind;

    const cached = this.cache.get(base, prefix);
    if (cached !== null) {
      this.stats.fromCache++;
      return { text: cached, source: 'cache', kind };
    }
    const running = this.inFlight;
    if (running && running.base === base && prefix.startsWith(running.prefix)) {
      const rest = await this.await(running, signal);
      if (signal.aborted) return this.skip('cancelled: typing went on');
      const whole = rest === null ? null : running.prefix + rest;
      if (whole !== null && whole.length > prefix.length && whole.startsWith(prefix)) {
        this.stats.reused++;
        return { text: whole.slice(prefix.length), source: 'reuse', kind };
      }
    } else if (running) {
      this.stop(running);
    }

    if (!(await pause(this.settings().debounceMs, signal))) {
      this.stats.debounced++;
      return this.skip('cancelled: typing went on before the pause (quarry.completion.debounceMs) ended');
    }
    const flight = this.start(request, context, base, prefix);
    const text = await this.await(flight, signal);
    if (signal.aborted) return this.skip('cancelled: typing went on while the model wrote');
    if (text === null) return this.skip(flight.failure ?? 'empty: the model wrote no SQL here');
    return { text, source: 'model', kind, ...(flight.timing ? { timing: flight.timing } : {}) };
  }

  private skip(reason: string): null {
    this.lastSkip = reason;
    return null;
  }

  /**
   * Evaluates a database's prompt (its schema) ahead of the first keystroke, so the first
   * completion there evaluates only the statement: call when a SQL file bound to it comes into view.
   */
  async prepare(schema: CompletionSchema, signal?: AbortSignal): Promise<void> {
    // The sql grammar is built and parsed once per schema (a Spider schema's takes ~130 ms): here, not on the first keystroke.
    if (this.settings().grammar === 'sql') schema.grammarOf('sql');
    await this.engine.generate({ ...this.prompt(schema, CONTINUE_QUESTION), maxTokens: 1, temperature: 0, grammar: null }, signal);
  }

  dispose(): void {
    if (this.inFlight) this.stop(this.inFlight);
  }

  private start(request: CompletionRequest, context: Exclude<CompletionContext, { kind: 'none' }>, base: string, prefix: string): InFlight {
    const controller = new AbortController();
    this.stats.modelCalls++;
    const grammarStarted = performance.now();
    const params = this.paramsFor(request.schema, context);
    const grammarMs = performance.now() - grammarStarted;
    const flight: InFlight = {
      failure: params.note,
      timing: null,
      base,
      prefix,
      controller,
      waiters: 0,
      done: false,
      promise: this.engine.generate(params.generate, controller.signal).then(
        (result) => {
          flight.timing = {
            grammarMs,
            engineGrammarMs: result.grammarMs ?? 0,
            promptMs: result.promptMs,
            generateMs: result.generateMs,
            promptTokens: result.promptTokens,
            reusedTokens: result.reusedTokens,
            generatedTokens: result.generatedTokens,
          };
          let raw = result.text;
          if (result.stopReason === 'maxTokens' && params.grammar) {
            // Cut off mid-statement: back to where the last whole statement ends, if one does.
            raw = raw.slice(0, lastSentenceEnd(params.grammar.parsed, params.grammar.prefix, raw) ?? raw.length);
          }
          // The model went on from the prefix (in the narrow grammar's spelling, under it); the user's own text stays as typed.
          let text = finishCompletion(raw);
          if (text !== null && !params.grammar) text = cutAtUnknownName(text, request.schema.knownNames(prefix));
          if (text !== null) this.cache.set(base, prefix, text);
          return text;
        },
        (error: Error) => {
          flight.failure = `the model failed: ${error.message}`;
          return null;
        },
      ),
    };
    void flight.promise.finally(() => {
      flight.done = true;
      if (this.inFlight === flight) this.inFlight = null;
    });
    this.inFlight = flight;
    return flight;
  }

  /**
   * The prompt in the model's own format (the setting's, else its file's), through the registry as
   * Ask's; a format that reasons before answering cannot give ghost text at once, so Quarry's own
   * stands in for it.
   */
  private prompt(schema: CompletionSchema, question: string): Pick<GenerateParams, 'system' | 'user' | 'completion' | 'rawCompletion' | 'responsePrefix' | 'stop'> {
    const id = this.settings().promptFormat ?? detectPromptFormat(this.engine.metadata ?? null, { adapter: this.engine.status?.loraPath }).id;
    const format = PROMPT_FORMATS[id].answer.reasonsFirst ? PROMPT_FORMATS.quarry : PROMPT_FORMATS[id];
    const built = format.build({ schema: schema.schema, schemaText: schema.textFor(format), question });
    return { system: built.system, user: built.user, completion: built.completion, rawCompletion: built.rawCompletion, ...(built.responsePrefix ? { responsePrefix: built.responsePrefix } : {}), stop: format.answer.stop };
  }

  /** The request to the model, and the grammar (parsed, with the text it is read after) that its answer follows, if any. */
  private paramsFor(
    schema: CompletionSchema,
    context: Exclude<CompletionContext, { kind: 'none' }>,
  ): { generate: GenerateParams; grammar: { parsed: ParsedGrammar; prefix: string } | null; note: string | null } {
    const settings = this.settings();
    const question = context.kind === 'comment' ? context.question : (context.comment ?? CONTINUE_QUESTION);
    const { responsePrefix: begun = '', ...prompt } = this.prompt(schema, question);
    const maxTokens = context.kind === 'comment' ? settings.maxTokens : (settings.continuationMaxTokens ?? DEFAULT_COMPLETION_SETTINGS.continuationMaxTokens);
    const base = { ...prompt, maxTokens, temperature: 0 };
    const mode = settings.grammar;
    if (context.kind === 'comment') {
      if (mode === 'off') return { generate: { ...base, grammar: null }, grammar: null, note: null };
      const full = schema.grammarOf(mode);
      return { generate: { ...base, grammar: full.text }, grammar: { parsed: full.parsed, prefix: '' }, note: null };
    }
    // The narrow grammar writes one spelling of SQL, so the prefix is put in it; the sql grammar reads SQL as written.
    const prefix = mode === 'narrow' ? canonicalPrefix(context.prefix, schema.spellings) : context.prefix;
    const generate = { ...base, responsePrefix: begun + prefix, ...(context.suffix.trim() ? { suffix: context.suffix } : {}) };
    if (mode === 'off') return { generate: { ...generate, grammar: null }, grammar: null, note: null };
    for (const attempt of continuationGrammars(schema, mode, context.tables, prefix)) {
      const found = attempt();
      if (found) return { generate: { ...generate, grammar: found.text }, grammar: { parsed: found.parsed, prefix: found.after }, note: null };
    }
    // What the user wrote is outside the grammar: the model goes on unconstrained, and if that gives nothing, this says why.
    return { generate: { ...generate, grammar: null }, grammar: null, note: `empty: the ${mode} grammar cannot follow the statement before the cursor, and the model unconstrained wrote no SQL` };
  }

  /** Waits for a generation without owning it: a waiter that gives up leaves it running a moment for the next keystroke. */
  private async await(flight: InFlight, signal: AbortSignal): Promise<string | null> {
    flight.waiters++;
    const abandoned = new Promise<null>((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true }));
    try {
      return signal.aborted ? null : await Promise.race([flight.promise, abandoned]);
    } finally {
      flight.waiters--;
      if (signal.aborted) {
        setTimeout(() => {
          if (flight.waiters === 0 && this.inFlight === flight) this.stop(flight);
        }, ADOPTION_GRACE_MS).unref?.();
      }
    }
  }

  private stop(flight: InFlight): void {
    if (flight.done || flight.controller.signal.aborted) return;
    flight.controller.abort();
    this.stats.cancelledCalls++;
    if (this.inFlight === flight) this.inFlight = null;
  }
}

/** A grammar for what follows a statement prefix (`after`: the text its sentences are read after), or null where it cannot follow it. */
type ContinuationAttempt = () => { text: string; parsed: ParsedGrammar; after: string } | null;

/**
 * The grammars a continuation tries, in turn. `sql`: the whole language, read from the prefix as
 * written. `narrow`: the tables in scope first (their columns only); then, for a statement the
 * narrow grammar could not have written, the rest of it from the clause it has opened; then the
 * whole schema.
 */
function continuationGrammars(schema: CompletionSchema, mode: Exclude<GrammarMode, 'off'>, tables: string[], prefix: string): ContinuationAttempt[] {
  // Each grammar is built only when its turn comes: the whole schema's narrow grammar can be megabytes.
  const followed = (grammarOf: () => { parsed: ParsedGrammar }): ContinuationAttempt => () => {
    const { parsed } = grammarOf();
    const text = continueGrammar(parsed, prefix);
    return text ? { text, parsed, after: prefix } : null;
  };
  if (mode === 'sql') return [followed(() => schema.grammarOf('sql'))];
  const fromClause: ContinuationAttempt = () => {
    const clause = schema.clauseGrammar(prefix);
    return clause ? { ...clause, after: '' } : null;
  };
  return [...(tables.length ? [followed(() => schema.narrowGrammar(tables))] : []), fromClause, followed(() => schema.narrowGrammar([]))];
}

/** Resolves true after `ms`, or false as soon as the signal aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
