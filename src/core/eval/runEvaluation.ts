import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEFAULT_EVAL_TIMEOUT_MS, DEFAULT_MEMORY_LIMIT_MB } from '../defaults';
import { askQuestion, type AskContextOptions, type AskOptions } from '../ask/askQuestion';
import { buildValueIndex } from '../context/buildValueIndex';
import type { ExamplePool } from '../context/ExamplePool';
import { SchemaIndex } from '../context/SchemaIndex';
import { ValueIndex } from '../context/ValueIndex';
import type { Database } from '../db/Database';
import { IsolatedDatabase } from '../db/IsolatedDatabase';
import type { LanguageModel } from '../engine/LanguageModel';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import type { ServerCredentials } from '../types/ServerCredentials';
import { refuseUnaskable, type EvalExample } from './EvalDataset';
import { extractLiterals } from '../instances/extractLiterals';
import { generateInstancesInWorker } from '../instances/generateInstancesInWorker';
import { EvalScorer } from './EvalScorer';
import type { EvalItem, EvalItemVerdict, MetricVerdict } from '../protocol/dbWorkerMethods';
import { hasSecondStatement } from './prepareForEval';
import type { MetricId } from './metrics/evalMetrics';
import type { EfficiencyMetricId } from './metrics/efficiencyMetrics';
import { ProgressWriter, readProgress, type ProgressHeader } from './evalProgress';
import { scoreOf, summarizeResults } from './summarizeResults';
import type { EvalReport, EvalSummary, ExampleResult, Hardness } from '../protocol/evalReport';
import { spiderHardness } from './spiderHardness';
import { checkOutputFile } from '../files/checkOutputPath';
import { fingerprintFile } from '../files/fingerprintFile';
import { isUrlTarget } from '../db/databaseEngines';
import { trustsDataTarget, type DataUrlTrust } from '../db/dataUrlTrust';
import { OutputLock } from '../files/OutputLock';
import { writeAtomically } from '../files/writeAtomically';
import { startsLike } from '../files/startsLike';
import { seedFromText } from '../util/seededRandom';
import { redactSecrets, redactSecretsIn } from '../util/redactSecrets';
import { workPool } from '../util/workPool';

export type { EvalReport, EvalSummary, ExampleResult };

export type Predictor =
  | {
      kind: 'predictions';
      predictions: Map<number, string>;
      /** Further samples for each question (a predictions file each): pass@K and maj@K over the first and these. */
      moreSamples?: Map<number, string>[];
    }
  | { kind: 'model'; engine: LanguageModel; ask: Pick<AskOptions, 'promptFormat' | 'grammar' | 'corrections' | 'samples' | 'maxTokens' | 'temperature' | 'topP' | 'seed'>; context?: EvalContextOptions };

/** Retrieval for the model's prompts, as Ask has it: a value index per database (built in memory), examples from a pool, a token budget. */
export interface EvalContextOptions {
  pool?: ExamplePool;
  examples?: number;
  budget?: number;
  /** Read each database's value index for schemas that do not fit (off in schema-only mode). */
  values: boolean;
}

export interface EvalOptions {
  /** The report's path; progress is saved next to it as `<report>.progress.jsonl`. */
  report: string;
  /** What the run is called where runs are picked; without it, runName(settings). */
  name?: string;
  /** Recorded in the report, and compared when resuming: every setting that can change a verdict. */
  settings: Record<string, unknown>;
  /** Files the verdicts depend on (dataset, predictions, model): a resumed run refuses if one changed. */
  inputs?: string[];
  keepDistinct?: boolean;
  /**
   * The metrics to score by, the first the run's headline (default: spider-exec). spider-exec is
   * always scored too: `execMatch` and `execAccuracy` are its figures.
   */
  metrics?: MetricId[];
  /** BIRD's efficiency metrics (VES, R-VES): each right prediction and its gold query are timed this many times. */
  efficiency?: { metrics: EfficiencyMetricId[]; runs: number };
  /** Quarry's stricter rule: a prediction with a second statement is wrong (the official evaluator runs its first statement). */
  singleStatement?: boolean;
  /** Extra generated database instances a prediction must also match on (strict mode); 0 by default. */
  instances?: number;
  resume?: boolean;
  /** Per query; a prediction that runs longer counts as failed. */
  timeoutMs?: number;
  /** Rows a result may have (default 1,000,000): a gold result over it is skipped, not compared as if complete. */
  maxRows?: number;
  /** Parallel database workers (default: the cores here). */
  workers?: number;
  /** Model answers asked for at once (default 1): a serving engine batches them; a local model takes them in turn. */
  concurrency?: number;
  /** The database worker script, when not next to the running bundle (tests). */
  workerScript?: string;
  /** Servers' passwords by database URL, where the caller holds them (the editor's SecretStorage). */
  passwords?: Record<string, string>;
  /** Which servers the dataset names may get the user's credentials (default: none but by their own URL's password). */
  dataUrls?: DataUrlTrust;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; correct: number; evaluated: number }) => void;
}

/** Results this large would not fit in memory twice; no Spider query comes near. */
const MAX_RESULT_ROWS = 1_000_000;

/**
 * Execution accuracy over a dataset: each example's gold and predicted SQL run on its database and
 * are compared as the Spider test-suite evaluator compares them (prepareForEval, compareResults).
 * Examples run in parallel lanes of worker processes (EvalScorer), grouped by database; finished
 * examples go to the progress file in small batches, so an interrupted run resumes where it stopped.
 */
export async function runEvaluation(examples: EvalExample[], predictor: Predictor, options: EvalOptions): Promise<EvalReport> {
  if (predictor.kind === 'model') refuseUnaskable(examples);
  const progressFile = `${options.report}.progress.jsonl`;
  const inputs = [...(options.inputs ?? []), ...new Set(examples.flatMap((e) => (e.dbPath && !isUrlTarget(e.dbPath) ? [e.dbPath] : [])))];
  checkOutputFile(options.report, { inputs, isOwnOutput: (path) => startsLike(path, REPORT_START), option: 'report' });
  checkOutputFile(progressFile, { inputs, isOwnOutput: (path) => startsLike(path, PROGRESS_START), option: 'progress file' });
  const lock = OutputLock.acquire(options.report, 'report');
  try {
    return await evaluateAll(examples, predictor, options, progressFile);
  } finally {
    lock.release();
  }
}

/** How Quarry's own report and progress files begin, so a later run may replace them (and nothing else). */
const REPORT_START = /^\{\s*"settings"\s*:/;
const PROGRESS_START = /^\{"settings":/;

async function evaluateAll(examples: EvalExample[], predictor: Predictor, options: EvalOptions, progressFile: string): Promise<EvalReport> {
  const started = performance.now();
  // Recorded settings name endpoints and URLs: their keys and passwords stay out of every file.
  const settings = redactSecretsIn(options.settings);
  const header: ProgressHeader = { settings, inputs: (options.inputs ?? []).map(fingerprintFile) };
  const done = options.resume ? readProgress(progressFile, header) : new Map<number, ExampleResult>();
  if (!options.resume || !existsSync(progressFile)) writeFileSync(progressFile, `${JSON.stringify(header)}\n`);
  const todo = examples.filter((e) => !done.has(e.index));
  const headline = primaryMetric(options);
  const right = (r: ExampleResult) => scoreOf(r, headline) === 1;
  const counters = { done: done.size, correct: [...done.values()].filter(right).length, evaluated: [...done.values()].filter((r) => r.execMatch !== undefined).length };
  const progress = new ProgressWriter(progressFile);
  const record = (result: ExampleResult) => {
    done.set(result.index, result);
    progress.append(result);
    counters.done++;
    if (result.execMatch !== undefined) counters.evaluated++;
    if (right(result)) counters.correct++;
    options.onProgress?.({ ...counters, total: examples.length });
  };
  options.onProgress?.({ ...counters, total: examples.length });

  // Given predictions fan out over several workers; a model's questions go through one, `concurrency` of them at once.
  const workers = predictor.kind === 'model' ? 1 : Math.max(1, options.workers ?? availableParallelism());
  const lanes = assignLanes(todo, workers);
  const scorer = new EvalScorer({
    lanes: Math.max(1, lanes.length),
    timeoutMs: options.timeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS,
    maxRows: options.maxRows ?? MAX_RESULT_ROWS,
    memoryLimitMb: DEFAULT_MEMORY_LIMIT_MB,
    workerScript: options.workerScript,
  });
  try {
    await Promise.all(lanes.map((groups, lane) => runLane({ lane, scorer, predictor, options }, groups, record)));
  } finally {
    scorer.dispose();
    progress.flush();
  }

  const ordered = examples.map((e) => done.get(e.index)).filter((r): r is ExampleResult => r !== undefined);
  const report: EvalReport = { settings, ...(options.name ? { name: options.name } : {}), summary: summarizeResults(ordered, (performance.now() - started) / 1000, scoredMetrics(options), options.efficiency?.metrics ?? []), examples: ordered };
  writeAtomically(options.report, `${JSON.stringify(report, null, 1)}\n`);
  return report;
}

/** Groups examples by database and deals the groups to lanes, largest first, to balance the work. */
function assignLanes(examples: EvalExample[], count: number): EvalExample[][][] {
  const groups = new Map<string, EvalExample[]>();
  for (const example of examples) {
    const key = example.dbPath ?? `missing:${example.dbId}`;
    groups.set(key, [...(groups.get(key) ?? []), example]);
  }
  const lanes: { load: number; groups: EvalExample[][] }[] = Array.from({ length: count }, () => ({ load: 0, groups: [] }));
  for (const group of [...groups.values()].sort((a, b) => b.length - a.length)) {
    const lightest = lanes.reduce((min, lane) => (lane.load < min.load ? lane : min));
    lightest.groups.push(group);
    lightest.load += group.length;
  }
  return lanes.map((lane) => lane.groups).filter((groups) => groups.length > 0);
}

/** One worker lane's share of the run: its scorer lane, and what the examples are scored with. */
interface LaneContext {
  lane: number;
  scorer: EvalScorer;
  predictor: Predictor;
  options: EvalOptions;
}

/** What a group's examples need besides the scorer: the database to ask a model on, and the strict mode's instances. */
interface GroupTools {
  db: Database | null;
  schema: DatabaseSchema | null;
  instancePaths: string[];
  /** The database's retrieval inputs, made once for all of its questions. */
  context?: AskContextOptions;
}

async function runLane(context: LaneContext, groups: EvalExample[][], record: (r: ExampleResult) => void): Promise<void> {
  for (const group of groups) {
    const dbPath = group[0]!.dbPath;
    if (!dbPath) {
      for (const example of group) record(skip(example, `database missing: ${example.dbId}`));
      continue;
    }
    let tools: Awaited<ReturnType<typeof openGroupTools>>;
    try {
      tools = await openGroupTools(dbPath, group, context);
    } catch (error) {
      if (context.options.signal?.aborted) throw error;
      for (const example of group) record(skip(example, `database cannot be opened: ${(error as Error).message}`));
      continue;
    }
    try {
      if (context.predictor.kind === 'predictions') await scoreGivenPredictions(context.predictor.predictions, group, dbPath, tools, context, record);
      else await workPool(group, context.options.concurrency ?? 1, async (example) => record(await scoreModelAnswer(example, dbPath, tools, context)));
    } finally {
      await tools.dispose();
    }
  }
}

/** The model's connection (its prompt needs the schema) and, in strict mode, the generated instances of the group's database. */
async function openGroupTools(dbPath: string, group: EvalExample[], context: LaneContext): Promise<GroupTools & { dispose(): Promise<void> }> {
  const { predictor, options } = context;
  const db =
    predictor.kind === 'model'
      ? await IsolatedDatabase.open(dbPath, {
          timeoutMs: options.timeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS,
          ...(options.workerScript ? { workerScript: options.workerScript } : {}),
          ...credentialsFor(dbPath, options),
        })
      : null;
  try {
    const schema = db ? await db.readSchema() : null;
    const instances = options.instances ? await generateGroupInstances(dbPath, group, predictor, options) : null;
    const retrieval = predictor.kind === 'model' ? predictor.context : undefined;
    let values: Promise<ValueIndex | undefined> | undefined;
    const context: AskContextOptions | undefined =
      db && schema && retrieval !== undefined
        ? {
            index: new SchemaIndex(schema),
            ...(retrieval.values ? { loadValues: () => (values ??= buildValueIndex(db, schema, options.signal ? { signal: options.signal } : {}).then((data) => new ValueIndex(data))) } : {}),
            ...(retrieval.pool ? { pool: retrieval.pool } : {}),
            ...(retrieval.examples !== undefined ? { examples: retrieval.examples } : {}),
            ...(retrieval.budget !== undefined ? { budget: retrieval.budget } : {}),
          }
        : undefined;
    return {
      db,
      schema,
      ...(context ? { context } : {}),
      instancePaths: instances?.paths ?? [],
      async dispose() {
        await db?.dispose();
        instances?.dispose();
      },
    };
  } catch (error) {
    await db?.dispose();
    throw error;
  }
}

/** Examples scored per message to a worker: enough that messages cost little, few enough that progress moves. */
const SCORING_BATCH = 64;

async function scoreGivenPredictions(
  predictions: Map<number, string>,
  group: EvalExample[],
  dbPath: string,
  tools: GroupTools,
  context: LaneContext,
  record: (r: ExampleResult) => void,
): Promise<void> {
  const batches: EvalExample[][] = [];
  for (let from = 0; from < group.length; from += SCORING_BATCH) batches.push(group.slice(from, from + SCORING_BATCH));
  const prepare = (batch: EvalExample[]) => batch.map((example) => preparedExample(example, predictions.get(example.index), dbPath, context.options));
  // The next batch is on its way to the worker while this process records the last one: both stay busy.
  let next = batches.length ? prepare(batches[0]!) : [];
  for (let i = 0; i < batches.length; i++) {
    context.options.signal?.throwIfAborted();
    const batch = next;
    const started = performance.now();
    const scoring = context.scorer.score(context.lane, batch.map((p) => p.item), context.options.signal);
    next = i + 1 < batches.length ? prepare(batches[i + 1]!) : [];
    const verdicts = await scoring;
    const ms = (performance.now() - started) / batch.length;
    for (const [k, prepared] of batch.entries()) {
      context.options.signal?.throwIfAborted();
      const more = (context.predictor.kind === 'predictions' ? (context.predictor.moreSamples ?? []) : []).map((m) => m.get(prepared.example.index) ?? '');
      const result = await concluded(prepared, verdicts[k]!, tools, context, ms);
      record(more.length ? await withSamples(result, prepared.example, [prepared.predSql ?? '', ...more], dbPath, context) : result);
    }
  }
}

async function scoreModelAnswer(example: EvalExample, dbPath: string, tools: GroupTools, context: LaneContext): Promise<ExampleResult> {
  const { scorer, lane, predictor, options } = context;
  if (predictor.kind !== 'model') throw new Error('scoreModelAnswer needs a model');
  const started = performance.now();
  // The gold query first: a model is not asked an example that cannot be scored. Its result stays in the worker for the prediction.
  const gold = preparedExample(example, undefined, dbPath, options);
  const [goldVerdict] = await scorer.score(lane, [gold.item], options.signal);
  if ('goldError' in goldVerdict!) return skip(example, goldVerdict.goldError);
  const k = predictor.ask.samples ?? 1;
  // With K samples every one is scored: the first is the example's answer, all K make pass@K and maj@K (no corrections: they would be an answer of another kind).
  const answer = await askQuestion(tools.db!, tools.schema!, predictor.engine, example.question, { ...predictor.ask, ...(k > 1 ? { corrections: 0 } : {}), evidence: example.evidence, signal: options.signal, ...(tools.context ? { context: tools.context } : {}) });
  const sampled = k > 1 ? answer.attempts.slice(0, k).map((a) => a.sql) : [];
  const prepared = preparedExample(example, sampled[0] ?? answer.sql, dbPath, options);
  const [verdict] = await scorer.score(lane, [prepared.item], options.signal);
  const concludedResult = await concluded(prepared, verdict!, tools, context, performance.now() - started);
  const result = sampled.length > 1 ? await withSamples(concludedResult, example, sampled, dbPath, context) : concludedResult;
  return {
    ...result,
    attempts: answer.attempts.map((a) => ({ sql: a.sql, ...(a.error ? { error: a.error } : {}), ms: Math.round(a.ms) })),
    corrected: answer.valid && answer.attempts.length > 1,
  };
}

/**
 * Every sample of a question scored, the first being the question's own answer: pass@K (any sample
 * right) and maj@K by OmniSQL's vote: samples grouped by the set of rows they return, those that fail
 * or time out not voting, the largest group winning and a tie going to the group seen first; when
 * every sample fails, the first is taken (OmniSQL draws one at random with seed 42).
 */
async function withSamples(result: ExampleResult, example: EvalExample, sqls: string[], dbPath: string, context: LaneContext): Promise<ExampleResult> {
  if (result.skipped) return result;
  const { options } = context;
  const prepared = sqls.map((sql) => preparedExample(example, sql, dbPath, options));
  // VES times the answer, not every sample.
  const items = prepared.map(({ item: { timingRuns: _timed, ...item } }) => ({ ...item, rowSet: true }));
  const verdicts = await context.scorer.score(context.lane, items, options.signal);
  const metrics = scoredMetrics(options);
  const headline = primaryMetric(options);
  const groups = new Map<string, number>();
  const samples = verdicts.map((verdict, i) => {
    const scores = Object.fromEntries(metrics.map((id) => [id, prepared[i]!.notRun || !('scored' in verdict) ? 0 : isMatch(verdict.scored[id]) ? 1 : 0])) as Record<string, 0 | 1>;
    const ran = !prepared[i]!.notRun && 'scored' in verdict && verdict.rowSet !== undefined && !('error' in (verdict.scored[headline] ?? {}));
    let group: number | null = null;
    if (ran) {
      const key = (verdict as { rowSet: string }).rowSet;
      if (!groups.has(key)) groups.set(key, groups.size);
      group = groups.get(key)!;
    }
    return { sql: sqls[i]!, scores, group };
  });
  const votes = new Map<number, number>();
  for (const sample of samples) if (sample.group !== null) votes.set(sample.group, (votes.get(sample.group) ?? 0) + 1);
  // Groups are numbered as first seen: the lowest number among the most voted is the tie's winner.
  const winner = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
  const chosen = winner === undefined ? samples[0]! : samples.find((sample) => sample.group === winner)!;
  const passAtK = Object.fromEntries(metrics.map((id) => [id, samples.some((sample) => sample.scores[id] === 1) ? 1 : 0])) as Record<string, 0 | 1>;
  return { ...result, samples, passAtK, majAtK: chosen.scores };
}

/** An example's queries as the worker runs them, and why a prediction is not run at all (there is none; Quarry's single-statement rule). */
interface PreparedExample {
  example: EvalExample;
  predSql: string | undefined;
  item: EvalItem;
  notRun?: string;
}

function preparedExample(example: EvalExample, predSql: string | undefined, dbPath: string, options: EvalOptions): PreparedExample {
  const notRun =
    predSql === undefined
      ? 'no prediction for this example'
      : options.singleStatement && hasSecondStatement(predSql)
        ? 'more than one statement (--single-statement: Quarry runs only single statements)'
        : undefined;
  const prediction = predSql === undefined || notRun ? null : predSql;
  const item: EvalItem = {
    path: dbPath,
    gold: example.goldSql,
    prediction,
    metrics: scoredMetrics(options),
    keepDistinct: options.keepDistinct ?? false,
    ...(options.efficiency ? { timingRuns: options.efficiency.runs } : {}),
    ...credentialsFor(dbPath, options),
  };
  return { example, predSql, item, ...(notRun ? { notRun } : {}) };
}

/** The run's headline metric: the first asked for. */
function primaryMetric(options: EvalOptions): MetricId {
  return options.metrics?.[0] ?? 'spider-exec';
}

/** The metrics asked for, and spider-exec, whose figures execMatch and execAccuracy keep. */
function scoredMetrics(options: EvalOptions): MetricId[] {
  return [...new Set<MetricId>([...(options.metrics ?? []), 'spider-exec'])];
}


/** A server the dataset names gets the user's credentials only when the user configured or trusted it. */
function credentialsFor(dbPath: string, options: EvalOptions): ServerCredentials {
  return trustsDataTarget(dbPath, options.dataUrls) ? { password: options.passwords?.[dbPath] } : { fromDataFile: true };
}

async function concluded(prepared: PreparedExample, verdict: EvalItemVerdict, tools: GroupTools, context: LaneContext, ms: number): Promise<ExampleResult> {
  const { example, predSql, item, notRun } = prepared;
  if ('goldError' in verdict) return skip(example, verdict.goldError);
  const result: ExampleResult = { ...describe(example), ...(predSql !== undefined ? { predSql } : {}), ms };
  const zeros = Object.fromEntries(item.metrics.map((id) => [id, 0 as const]));
  if (notRun) return { ...result, execMatch: 0, scores: zeros, predError: notRun };
  if ('predError' in verdict) return { ...result, execMatch: 0, scores: zeros, predError: verdict.predError, ...(verdict.timedOut ? { timedOut: true } : {}) };
  if (!('scored' in verdict)) throw new Error('the worker scored no metric');
  const scores = Object.fromEntries(Object.entries(verdict.scored).map(([id, v]) => [id, 'match' in v && v.match ? (1 as const) : (0 as const)]));
  // A crash is the headline metric's: the prediction failed to run as that benchmark runs it.
  const failed = verdict.scored[primaryMetric(context.options)];
  const crash = failed && 'error' in failed ? { predError: failed.error } : {};
  const match = scores['spider-exec'] === 1;
  const timing = { goldMs: round(verdict.goldMs), ...(verdict.predMs !== undefined ? { predMs: round(verdict.predMs) } : {}), ...(verdict.timeRatio !== undefined ? { vesRatio: verdict.timeRatio } : {}) };
  const scoredResult: ExampleResult = { ...result, execMatch: match ? 1 : 0, scores, ...crash, ...timing };
  if (!context.options.instances) return scoredResult;
  const strict = match && (await matchesEverywhere(tools.instancePaths, item, context));
  return { ...scoredResult, strictMatch: strict ? 1 : 0 };
}

/** The prediction agrees with the gold query on every generated instance where the gold query runs. */
async function matchesEverywhere(instancePaths: string[], item: EvalItem, context: LaneContext): Promise<boolean> {
  const verdicts = await context.scorer.score(context.lane, instancePaths.map((path) => ({ ...item, path, metrics: ['spider-exec'] })), context.options.signal);
  return verdicts.every((verdict) => 'goldError' in verdict || ('scored' in verdict && isMatch(verdict.scored['spider-exec'])));
}

/** Milliseconds to a hundredth: more digits are noise. */
function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function isMatch(verdict: MetricVerdict | undefined): boolean {
  return !!verdict && 'match' in verdict && verdict.match;
}

/** K instances of one database, seeded with the literals of its examples' gold (and given predicted) queries. */
async function generateGroupInstances(dbPath: string, group: EvalExample[], predictor: Predictor, options: EvalOptions) {
  const queries = group.flatMap((e) => [e.goldSql, ...(predictor.kind === 'predictions' ? [predictor.predictions.get(e.index) ?? ''] : [])]);
  const directory = mkdtempSync(join(tmpdir(), 'quarry-instances-'));
  try {
    const paths = await generateInstancesInWorker(
      dbPath,
      { count: options.instances!, directory, literals: extractLiterals(queries), seed: seedFromText(basename(dbPath)) },
      { workerScript: options.workerScript, signal: options.signal },
    );
    return { paths, dispose: () => rmSync(directory, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

const hardnessCache = new Map<string, Hardness | null>();

/** Spider's hardness of a gold query, parsed once per distinct query: a split repeats its gold queries. */
function hardnessOf(goldSql: string): Hardness | null {
  let hardness = hardnessCache.get(goldSql);
  if (hardness === undefined) {
    hardness = spiderHardness(goldSql);
    if (hardnessCache.size > 100_000) hardnessCache.clear();
    hardnessCache.set(goldSql, hardness);
  }
  return hardness;
}

function describe(example: EvalExample) {
  return {
    index: example.index,
    db_id: example.dbId,
    ...(example.dbPath ? { dbPath: redactSecrets(example.dbPath) } : {}),
    question: example.question,
    goldSql: example.goldSql,
    hardness: hardnessOf(example.goldSql),
    ...(example.difficulty ? { difficulty: example.difficulty } : {}),
    ...(example.evidence ? { evidence: example.evidence } : {}),
  };
}

function skip(example: EvalExample, reason: string): ExampleResult {
  return { ...describe(example), skipped: reason, ms: 0 };
}

