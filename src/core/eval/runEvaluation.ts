import { appendFileSync, closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_EVAL_TIMEOUT_MS } from '../defaults';
import { askQuestion, type AskOptions } from '../ask/askQuestion';
import type { Database } from '../db/Database';
import type { QueryResult } from '../types/QueryResult';
import { tryQuery } from '../db/tryQuery';
import { IsolatedDatabase } from '../db/IsolatedDatabase';
import type { LanguageModel } from '../engine/LanguageModel';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import { resultsMatch } from './compareResults';
import type { EvalExample } from './EvalDataset';
import { extractLiterals } from '../instances/extractLiterals';
import { generateInstancesInWorker } from '../instances/generateInstancesInWorker';
import { goldOrdersRows, normalizeForEval } from './normalizeForEval';
import { DIFFICULTIES, type EvalReport, type EvalSummary, type ExampleResult, type Hardness } from '../protocol/evalReport';
import { spiderHardness } from './spiderHardness';
import { checkOutputFile } from '../files/checkOutputPath';
import { FileError } from '../files/FileError';
import { fingerprintFile, type FileFingerprint } from '../files/fingerprintFile';
import { OutputLock } from '../files/OutputLock';
import { writeAtomically } from '../files/writeAtomically';
import { seedFromText } from '../util/seededRandom';

export type { EvalReport, EvalSummary, ExampleResult };

export type Predictor =
  | { kind: 'predictions'; predictions: Map<number, string> }
  | { kind: 'model'; engine: LanguageModel; ask: Pick<AskOptions, 'promptFormat' | 'grammar' | 'corrections' | 'samples' | 'maxTokens' | 'temperature' | 'topP' | 'seed'> };

export interface EvalOptions {
  /** The report's path; progress is saved next to it as `<report>.progress.jsonl`. */
  report: string;
  /** Recorded in the report, and compared when resuming: every setting that can change a verdict. */
  settings: Record<string, unknown>;
  /** Files the verdicts depend on (dataset, predictions, model): a resumed run refuses if one changed. */
  inputs?: string[];
  keepDistinct?: boolean;
  /** Extra generated database instances a prediction must also match on (strict mode); 0 by default. */
  instances?: number;
  resume?: boolean;
  /** Per query; a prediction that runs longer counts as failed. */
  timeoutMs?: number;
  /** Parallel database workers (default: the cores here). */
  workers?: number;
  /** The database worker script, when not next to the running bundle (tests). */
  workerScript?: string;
  signal?: AbortSignal;
  onProgress?: (progress: { done: number; total: number; correct: number; evaluated: number }) => void;
}

/** Results this large would not fit in memory twice; no Spider query comes near. */
const MAX_RESULT_ROWS = 1_000_000;

/**
 * Execution accuracy over a dataset: each example's gold and predicted SQL run on its database and
 * are compared as the Spider test-suite evaluator compares them. Examples run in parallel, one
 * database worker process per database and lane; every finished example is appended to the
 * progress file at once, so an interrupted run resumes where it stopped.
 */
export async function runEvaluation(examples: EvalExample[], predictor: Predictor, options: EvalOptions): Promise<EvalReport> {
  const progressFile = `${options.report}.progress.jsonl`;
  const inputs = [...(options.inputs ?? []), ...new Set(examples.flatMap((e) => (e.dbPath ? [e.dbPath] : [])))];
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
  const header: ProgressHeader = { settings: options.settings, inputs: (options.inputs ?? []).map(fingerprintFile) };
  const done = options.resume ? readProgress(progressFile, header) : new Map<number, ExampleResult>();
  if (!options.resume || !existsSync(progressFile)) writeFileSync(progressFile, `${JSON.stringify(header)}\n`);
  const todo = examples.filter((e) => !done.has(e.index));
  const counters = { done: done.size, correct: [...done.values()].filter((r) => r.execMatch === 1).length, evaluated: [...done.values()].filter((r) => r.execMatch !== undefined).length };
  const record = (result: ExampleResult) => {
    done.set(result.index, result);
    appendFileSync(progressFile, `${JSON.stringify(result)}\n`);
    counters.done++;
    if (result.execMatch !== undefined) counters.evaluated++;
    if (result.execMatch === 1) counters.correct++;
    options.onProgress?.({ ...counters, total: examples.length });
  };
  options.onProgress?.({ ...counters, total: examples.length });

  // A model generates one answer at a time; only given predictions fan out over several workers.
  const workers = predictor.kind === 'model' ? 1 : Math.max(1, options.workers ?? availableParallelism());
  const lanes = assignLanes(todo, workers);
  await Promise.all(lanes.map((lane) => runLane(lane, predictor, options, record)));

  const ordered = examples.map((e) => done.get(e.index)).filter((r): r is ExampleResult => r !== undefined);
  const report: EvalReport = { settings: options.settings, summary: summarize(ordered, (performance.now() - started) / 1000), examples: ordered };
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

async function runLane(groups: EvalExample[][], predictor: Predictor, options: EvalOptions, record: (r: ExampleResult) => void): Promise<void> {
  for (const group of groups) {
    const dbPath = group[0]!.dbPath;
    if (!dbPath) {
      for (const example of group) record(skip(example, `database missing: ${example.dbId}`));
      continue;
    }
    let db: IsolatedDatabase;
    try {
      db = await IsolatedDatabase.open(dbPath, {
        timeoutMs: options.timeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS,
        maxRows: MAX_RESULT_ROWS,
        ...(options.workerScript ? { workerScript: options.workerScript } : {}),
      });
    } catch (error) {
      for (const example of group) record(skip(example, `database cannot be opened: ${(error as Error).message}`));
      continue;
    }
    let instances: Awaited<ReturnType<typeof openInstances>> | null = null;
    try {
      if (options.instances) instances = await openInstances(dbPath, group, predictor, options);
      const schema = predictor.kind === 'model' ? await db.readSchema() : null;
      for (const example of group) {
        options.signal?.throwIfAborted();
        record(await evaluateExample(example, db, schema, predictor, options, instances?.dbs ?? []));
      }
    } finally {
      await db.dispose();
      await instances?.dispose();
    }
  }
}

async function evaluateExample(
  example: EvalExample,
  db: Database,
  schema: DatabaseSchema | null,
  predictor: Predictor,
  options: EvalOptions,
  instances: Database[],
): Promise<ExampleResult> {
  const started = performance.now();
  const keepDistinct = options.keepDistinct ?? false;
  const gold = normalizeForEval(example.goldSql, keepDistinct);
  const goldRun = await run(db, gold, options.signal);
  if ('error' in goldRun) return skip(example, `gold query fails: ${goldRun.error}`);

  const base = { ...describe(example), ms: 0 };
  let predSql: string;
  let attempts: ExampleResult['attempts'];
  let corrected = false;
  if (predictor.kind === 'predictions') {
    const given = predictor.predictions.get(example.index);
    if (given === undefined) return { ...base, execMatch: 0, predError: 'no prediction for this example', ms: performance.now() - started };
    predSql = given;
  } else {
    const answer = await askQuestion(db, schema!, predictor.engine, example.question, { ...predictor.ask, evidence: example.evidence, signal: options.signal });
    predSql = answer.sql;
    attempts = answer.attempts.map((a) => ({ sql: a.sql, ...(a.error ? { error: a.error } : {}), ms: Math.round(a.ms) }));
    corrected = answer.valid && answer.attempts.length > 1;
  }
  const predRun = await run(db, normalizeForEval(predSql, keepDistinct), options.signal);
  const result: ExampleResult = { ...base, predSql, ...(attempts ? { attempts, corrected } : {}), ms: 0 };
  if ('error' in predRun) return { ...result, execMatch: 0, predError: predRun.error, ms: performance.now() - started };
  const match = resultsMatch(goldRun.rows, predRun.rows, goldOrdersRows(gold));
  const strict = options.instances ? { strictMatch: (match && (await matchesEverywhere(instances, gold, predSql, keepDistinct, options.signal)) ? 1 : 0) as 0 | 1 } : {};
  return { ...result, execMatch: match ? 1 : 0, ...strict, ms: performance.now() - started };
}

/** The prediction agrees with the gold query on every generated instance where the gold query runs. */
async function matchesEverywhere(instances: Database[], gold: string, predSql: string, keepDistinct: boolean, signal?: AbortSignal): Promise<boolean> {
  const predicted = normalizeForEval(predSql, keepDistinct);
  for (const instance of instances) {
    const goldRun = await run(instance, gold, signal);
    if ('error' in goldRun) continue;
    const predRun = await run(instance, predicted, signal);
    if ('error' in predRun || !resultsMatch(goldRun.rows, predRun.rows, goldOrdersRows(gold))) return false;
  }
  return true;
}

/** K instances of one database, seeded with the literals of its examples' gold (and given predicted) queries. */
async function openInstances(dbPath: string, group: EvalExample[], predictor: Predictor, options: EvalOptions) {
  const queries = group.flatMap((e) => [e.goldSql, ...(predictor.kind === 'predictions' ? [predictor.predictions.get(e.index) ?? ''] : [])]);
  const directory = mkdtempSync(join(tmpdir(), 'quarry-instances-'));
  const paths = await generateInstancesInWorker(
    dbPath,
    { count: options.instances!, directory, literals: extractLiterals(queries), seed: seedFromText(dbPath) },
    { workerScript: options.workerScript, signal: options.signal },
  );
  const dbs = await Promise.all(
    paths.map((path) =>
      IsolatedDatabase.open(path, { timeoutMs: options.timeoutMs ?? DEFAULT_EVAL_TIMEOUT_MS, maxRows: MAX_RESULT_ROWS, ...(options.workerScript ? { workerScript: options.workerScript } : {}) }),
    ),
  );
  return {
    dbs,
    async dispose() {
      await Promise.all(dbs.map((db) => db.dispose()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function run(db: Database, sql: string, signal?: AbortSignal): Promise<QueryResult | { error: string }> {
  const outcome = await tryQuery(db, sql, { signal });
  return outcome.ok ? outcome.value : { error: outcome.error.message };
}

function describe(example: EvalExample) {
  return {
    index: example.index,
    db_id: example.dbId,
    ...(example.dbPath ? { dbPath: example.dbPath } : {}),
    question: example.question,
    goldSql: example.goldSql,
    hardness: spiderHardness(example.goldSql),
    ...(example.difficulty ? { difficulty: example.difficulty } : {}),
    ...(example.evidence ? { evidence: example.evidence } : {}),
  };
}

function skip(example: EvalExample, reason: string): ExampleResult {
  return { ...describe(example), skipped: reason, ms: 0 };
}

export function summarize(results: ExampleResult[], seconds: number): EvalSummary {
  const evaluated = results.filter((r) => r.execMatch !== undefined);
  const accuracy = (list: ExampleResult[]) => (list.length ? list.filter((r) => r.execMatch === 1).length / list.length : 0);
  const levels: (Hardness | 'unknown')[] = ['easy', 'medium', 'hard', 'extra', 'unknown'];
  const byHardness = Object.fromEntries(
    levels.map((level) => {
      const list = evaluated.filter((r) => (r.hardness ?? 'unknown') === level);
      return [level, { count: list.length, execAccuracy: accuracy(list) }];
    }),
  ) as EvalSummary['byHardness'];
  const skipped = results.filter((r) => r.skipped);
  const byDifficulty = results.some((r) => r.difficulty)
    ? (Object.fromEntries(
        DIFFICULTIES.map((level) => {
          const list = evaluated.filter((r) => r.difficulty === level);
          return [level, { count: list.length, execAccuracy: accuracy(list) }];
        }),
      ) as EvalSummary['byDifficulty'])
    : undefined;
  return {
    total: results.length,
    evaluated: evaluated.length,
    skipped: skipped.length,
    execAccuracy: accuracy(evaluated),
    ...(evaluated.some((r) => r.strictMatch !== undefined)
      ? { strictAccuracy: evaluated.length ? evaluated.filter((r) => r.strictMatch === 1).length / evaluated.length : 0 }
      : {}),
    byHardness,
    ...(byDifficulty ? { byDifficulty } : {}),
    crashRate: evaluated.length ? evaluated.filter((r) => r.predError).length / evaluated.length : 0,
    rescuedByCorrection: evaluated.filter((r) => r.corrected && r.execMatch === 1).length,
    skippedExamples: skipped.map((r) => ({ index: r.index, db_id: r.db_id, reason: r.skipped! })),
    seconds,
  };
}

interface ProgressHeader {
  settings: Record<string, unknown>;
  inputs: FileFingerprint[];
}

/** The finished examples of an earlier run with the same inputs and settings; a torn last line is dropped. */
function readProgress(file: string, current: ProgressHeader): Map<number, ExampleResult> {
  const done = new Map<number, ExampleResult>();
  if (!existsSync(file)) return done;
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const saved = safeParse(lines[0] ?? '') as Partial<ProgressHeader> | null;
  const difference = headerDifference(saved, current);
  if (difference) throw new FileError('resume-mismatch', `cannot resume from ${file}: ${difference}; run again without --resume to start over`);
  for (const line of lines.slice(1)) {
    const result = safeParse(line) as ExampleResult | null;
    if (result && Number.isInteger(result.index)) done.set(result.index, result);
  }
  return done;
}

/** The first thing that differs between the interrupted run and this one, in words; null when nothing does. */
function headerDifference(saved: Partial<ProgressHeader> | null, current: ProgressHeader): string | null {
  if (!saved?.settings) return 'it has no settings line';
  for (const key of new Set([...Object.keys(saved.settings), ...Object.keys(current.settings)])) {
    const before = JSON.stringify(saved.settings[key]);
    const now = JSON.stringify(current.settings[key]);
    if (before !== now) return `setting ${key} was ${before ?? 'unset'} and is now ${now ?? 'unset'}`;
  }
  const savedInputs = new Map((saved.inputs ?? []).map((f) => [f.path, f]));
  if (savedInputs.size !== current.inputs.length) return 'it was run on other input files';
  for (const input of current.inputs) {
    const before = savedInputs.get(input.path);
    if (!before) return `${input.path} was not one of its inputs`;
    if (before.size !== input.size || before.sha256 !== input.sha256) return `${input.path} changed since (size or content)`;
  }
  return null;
}

function startsLike(path: string, start: RegExp): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(256);
    return start.test(head.subarray(0, readSync(fd, head, 0, head.length, 0)).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
