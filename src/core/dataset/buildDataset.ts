import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { DEFAULT_GRAMMAR, DEFAULT_GROUND_TRUTH_ROWS, DEFAULT_SPLIT_SEED, DEFAULT_TEST_FRACTION, DEFAULT_TIMEOUT_MS } from '../defaults';
import type { DatabaseSchema } from '../types/DatabaseSchema';
import type { QueryResult } from '../types/QueryResult';
import { tryQuery } from '../db/tryQuery';
import { describeTarget, detectDialect, isUrlTarget } from '../db/databaseEngines';
import { IsolatedDatabase } from '../db/IsolatedDatabase';
import type { LanguageModel } from '../engine/LanguageModel';
import type { GenerateParams } from '../protocol/modelServerMethods';
import { extractLiterals } from '../instances/extractLiterals';
import { generateInstancesInWorker } from '../instances/generateInstancesInWorker';
import { instanceEngineOf } from '../instances/instanceEngines';
import { DbError } from '../db/DbError';
import { isInternalQuery } from '../db/internalQueryMark';
import { PROMPT_FORMATS } from '../prompt/promptFormats';
import { renderSchemaDdl } from '../schema/renderSchemaDdl';
import { checkReadOnlyStatement } from '../sql/checkReadOnlyStatement';
import { checkSentence, parseGbnf } from '../sql/continueGrammar';
import { grammarFor, type GrammarMode } from '../sql/grammarFor';
import { readHistory, type HistoryStatement } from './readHistory';
import { templateOf } from './templateOf';
import { fillParameters, hasParameters } from './fillParameters';
import { PG_STAT_STATEMENTS, readPgStatStatements } from './readPgStatStatements';
import { lcg32 } from '../util/seededRandom';
import { checkInputFile } from '../files/checkInputFile';
import { checkOutputFolder } from '../files/checkOutputPath';
import { OutputLock } from '../files/OutputLock';
import { isDatasetFolder, replaceDatasetFolder, DATASET_GENERATOR } from './datasetFolder';
import { ALL_FORMATS, EXPORT_FORMATS, type DatasetFormat, type ExportContext, type ExportFormat } from './exportFormats';
import { DROP_REASONS, describeDrops, type DropReason } from './dropReasons';
import { FileError } from '../files/FileError';


export interface BuildOptions {
  /** A SQLite or DuckDB file, or a postgresql:// URL. */
  dbPath: string;
  /** A server's password when neither its URL nor the environment has one (the editor's SecretStorage). */
  password?: string;
  /** History files, and `pg_stat_statements` for the server's own statement statistics. */
  histories: string[];
  out: string;
  /**
   * Replace an earlier dataset Quarry wrote at `out` (never anything else). Without it such a
   * folder is refused, so a build never silently takes the place of one the user may still want.
   */
  replace?: boolean;
  /** Put no row of the database anywhere: ground truth comes from a synthetic instance of its schema. */
  schemaOnly?: boolean;
  questions: 'history' | 'model' | 'none';
  /**
   * The grammar the trained model will be decoded under (default sql): a query it cannot write is
   * left out, so a model is never trained on SQL it will not be allowed to produce.
   */
  grammar?: GrammarMode;
  engine?: LanguageModel;
  testFraction?: number;
  seed?: number;
  formats?: DatasetFormat[];
  dropEmpty?: boolean;
  timeoutMs?: number;
  /** Rows kept as a query's ground truth (default 1000). */
  maxRows?: number;
  workerScript?: string;
  signal?: AbortSignal;
  onProgress?: (progress: { stage: 'reading' | 'running' | 'questions' | 'writing'; done: number; total: number }) => void;
}

export interface BuiltExample {
  question: string;
  questionSource: 'history' | 'model' | 'none';
  sql: string;
  template: string;
  frequency: number;
  source: string;
  result: Pick<QueryResult, 'columns' | 'rows' | 'truncated'>;
  split: 'train' | 'test';
}

export interface BuildManifest {
  /** Marks the folder as Quarry's, so a later build may replace it. */
  generator: typeof DATASET_GENERATOR;
  sources: string[];
  database: string;
  settings: Record<string, unknown>;
  counts: { statements: number; kept: number; dropped: Record<DropReason, number>; questions: Record<BuiltExample['questionSource'], number> };
  /** Each nonzero drop with what it means: "12 grammar refuses: queries the narrow grammar … cannot write …". */
  droppedBecause: string[];
  /** Present when the model wrote no question for some queries: the first few reasons. */
  questionErrors?: string[];
  splits: { train: number; test: number };
  files: string[];
}

interface Candidate {
  statement: HistoryStatement;
  template: string;
  frequency: number;
}

/**
 * Query history → executed ground truth → questions → train/test files. Statements stream in; each
 * one is either kept or dropped with a reason, and a write statement is refused before anything
 * could run it. The output folder appears whole or not at all.
 */
export async function buildDataset(options: BuildOptions): Promise<BuildManifest> {
  const out = resolve(options.out);
  const files = historyFiles(options);
  for (const history of files) checkInputFile(history, 'history file');
  const rules = { inputs: [...(isUrlTarget(options.dbPath) ? [] : [options.dbPath]), ...files], isOwnOutput: isDatasetFolder, option: 'output folder' };
  checkOutputFolder(out, rules);
  if (!options.replace && isDatasetFolder(out)) {
    throw new FileError('output-refused', `output folder ${out} holds an earlier dataset; replace it on purpose (--replace), or give a new folder`);
  }
  const lock = OutputLock.acquire(out, 'output folder');
  try {
    return await buildInto(out, { ...options, out }, () => checkOutputFolder(out, rules));
  } finally {
    lock.release();
  }
}

async function buildInto(out: string, options: BuildOptions, recheckOutput: () => void): Promise<BuildManifest> {
  const dropped = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>;
  const candidates = new Map<string, Candidate>();
  let statements = 0;
  for await (const statement of historyStatements(options)) {
    statements++;
    const reason = earlyDropReason(statement);
    if (reason) {
      dropped[reason]++;
      continue;
    }
    const template = templateOf(statement.sql).id;
    const seen = candidates.get(template);
    if (seen) {
      dropped.duplicate++;
      seen.frequency += statement.calls ?? 1;
      // The most recent instance, keeping a question any instance came with.
      if (isMoreRecent(statement, seen.statement)) seen.statement = { ...statement, question: statement.question ?? seen.statement.question };
    } else {
      candidates.set(template, { statement, template, frequency: statement.calls ?? 1 });
    }
  }

  const work = mkdtempSync(`${out}.partial-`);
  try {
    const truth = await groundTruthRun(options, [...candidates.values()], work);
    for (const [reason, count] of Object.entries(truth.dropped)) dropped[reason as DropReason] += count;
    const { kept, hints, schemaDdl, schema } = truth;

    const { questions, errors: questionErrors } = await writeQuestions(kept.map((k) => k.sql), hints, schemaDdl, options);
    // Asked for questions, an example without one can neither be asked of a model nor teach one: only
    // --questions none (SQL alone, on purpose) keeps them.
    const answerable = kept.flatMap((k, i) => (options.questions === 'none' || questions[i]!.text ? [{ ...k, question: questions[i]!.text, questionSource: questions[i]!.source }] : []));
    dropped['no question'] += kept.length - answerable.length;
    const testTemplates = pickTestTemplates(answerable.map((k) => k.template), options.testFraction ?? DEFAULT_TEST_FRACTION, options.seed ?? DEFAULT_SPLIT_SEED);
    const examples: BuiltExample[] = answerable.map((k) => ({ ...k, split: testTemplates.has(k.template) ? 'test' : 'train' }));
    // Where the database will be once the folder is in place: files name it relative to themselves.
    const finalDb = options.schemaOnly ? join(options.out, basename(truth.dbPath)) : options.dbPath;
    options.onProgress?.({ stage: 'writing', done: 0, total: examples.length });
    const files = writeFormats(work, options.out, examples, { dbPath: finalDb, schema, formats: options.formats ?? ALL_FORMATS });
    const manifest: BuildManifest = {
      generator: DATASET_GENERATOR,
      sources: options.histories,
      database: options.schemaOnly ? `${basename(truth.dbPath)} (schema only)` : describeTarget(options.dbPath),
      settings: { schemaOnly: !!options.schemaOnly, questions: options.questions, grammar: options.grammar ?? DEFAULT_GRAMMAR, testFraction: options.testFraction ?? DEFAULT_TEST_FRACTION, seed: options.seed ?? DEFAULT_SPLIT_SEED, dropEmpty: !!options.dropEmpty, formats: options.formats ?? ALL_FORMATS },
      counts: { statements, kept: examples.length, dropped, questions: countBy(examples.map((e) => e.questionSource)) },
      droppedBecause: describeDrops(dropped, options.grammar ?? DEFAULT_GRAMMAR),
      ...(questionErrors.length ? { questionErrors } : {}),
      splits: { train: examples.filter((e) => e.split === 'train').length, test: examples.filter((e) => e.split === 'test').length },
      files,
    };
    for (const name of readdirSync(work)) if (name.startsWith('.synthetic-')) rmSync(join(work, name), { recursive: true, force: true });
    writeFileSync(join(work, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    // The user may have put files there while the build ran.
    recheckOutput();
    replaceDatasetFolder(work, out);
    return manifest;
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}

function historyFiles(options: BuildOptions): string[] {
  return options.histories.filter((history) => history !== PG_STAT_STATEMENTS);
}

/** Every history's statements in turn: files streamed, pg_stat_statements read from the server. */
async function* historyStatements(options: BuildOptions): AsyncGenerator<HistoryStatement> {
  const files = historyFiles(options);
  const totalBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  let bytesBefore = 0;
  for (const history of options.histories) {
    if (history === PG_STAT_STATEMENTS) {
      yield* await withDatabase(options, async (db) => readPgStatStatements(db, await db.readSchema({ sampleValues: 0 }), options.signal));
      continue;
    }
    yield* readHistory(history, {
      signal: options.signal,
      database: options.dbPath,
      onBytes: (bytes) => options.onProgress?.({ stage: 'reading', done: bytesBefore + bytes, total: totalBytes }),
    });
    bytesBefore += statSync(history).size;
  }
}

async function withDatabase<T>(options: BuildOptions, work: (db: IsolatedDatabase) => Promise<T>, dbPath = options.dbPath): Promise<T> {
  const db = await IsolatedDatabase.open(dbPath, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRows: options.maxRows ?? DEFAULT_GROUND_TRUTH_ROWS,
    ...(options.workerScript ? { workerScript: options.workerScript } : {}),
    ...(options.password && dbPath === options.dbPath ? { password: options.password } : {}),
  });
  try {
    return await work(db);
  } finally {
    await db.dispose();
  }
}

interface TruthRun {
  kept: Omit<BuiltExample, 'split' | 'question' | 'questionSource'>[];
  hints: (string | undefined)[];
  dropped: Partial<Record<DropReason, number>>;
  schemaDdl: string;
  schema: DatabaseSchema;
  dbPath: string;
  empty: number;
}

/** Share of queries allowed to return no rows on a synthetic database before it is generated again. */
const MAX_EMPTY_SHARE = 0.1;
const MAX_RESEEDS = 5;

/**
 * Every candidate's ground truth, on the real database, or in schema-only mode on a synthetic one,
 * generated again with another seed (up to a few times) while more than a tenth of the queries find nothing.
 */
async function groundTruthRun(options: BuildOptions, candidates: Candidate[], work: string): Promise<TruthRun> {
  if (!options.schemaOnly) return runCandidates(options, candidates, options.dbPath);
  // A file of the source's engine, so the history's dialect runs on it unchanged.
  const engine = instanceEngineOf(detectDialect(options.dbPath));
  if (!engine) throw new DbError('refused', `schema-only mode builds its ground truth on a generated SQLite or DuckDB file; ${describeTarget(options.dbPath)} is a server (build without schema-only mode, where the queries run on the server read-only)`);
  const synthetic = join(work, `synthetic.${engine.extension}`);
  let best: TruthRun | null = null;
  for (let attempt = 0; attempt < MAX_RESEEDS; attempt++) {
    const path = await syntheticDatabase(options, candidates, work, (options.seed ?? DEFAULT_SPLIT_SEED) + attempt);
    const run = await runCandidates(options, candidates, path);
    if (!best || run.empty < best.empty) {
      best = run;
      copyFileSync(path, synthetic);
    }
    if (run.empty <= MAX_EMPTY_SHARE * Math.max(1, run.kept.length)) break;
  }
  return { ...best!, dbPath: synthetic };
}

async function runCandidates(options: BuildOptions, candidates: Candidate[], dbPath: string): Promise<TruthRun> {
  return withDatabase(options, (db) => runCandidatesOn(db, options, candidates, dbPath), dbPath);
}

async function runCandidatesOn(db: IsolatedDatabase, options: BuildOptions, candidates: Candidate[], dbPath: string): Promise<TruthRun> {
  const run: TruthRun = { kept: [], hints: [], dropped: {}, schemaDdl: '', schema: { dialect: db.dialect, tables: [], functions: [] }, dbPath, empty: 0 };
  {
    const schema = await db.readSchema({ sampleValues: options.schemaOnly ? 0 : undefined });
    run.schema = schema;
    run.schemaDdl = renderSchemaDdl(schema);
    const grammarText = grammarFor(schema, options.grammar ?? DEFAULT_GRAMMAR);
    const grammar = grammarText === null ? null : parseGbnf(grammarText);
    for (const [done, candidate] of candidates.entries()) {
      options.signal?.throwIfAborted();
      options.onProgress?.({ stage: 'running', done, total: candidates.length });
      // A normalized statement ($1 for each literal) runs with values from the data in their place.
      const sql = hasParameters(candidate.statement.sql) ? await fillParameters(db, schema, candidate.statement.sql, options.signal) : candidate.statement.sql;
      if (sql === null) {
        run.dropped['unfilled parameter'] = (run.dropped['unfilled parameter'] ?? 0) + 1;
        continue;
      }
      const outcome = await groundTruth(db, sql, options.signal);
      // A query that runs but that the grammar cannot write: SQL the trained model will not be allowed to produce.
      const refused = !('reason' in outcome) && grammar !== null && !checkSentence(grammar, sql.replace(/\s*;?\s*$/, '')).accepted;
      const reason = 'reason' in outcome ? outcome.reason : refused ? 'grammar refuses' : options.dropEmpty && outcome.rows.length === 0 ? 'empty result' : null;
      if (reason) {
        run.dropped[reason] = (run.dropped[reason] ?? 0) + 1;
        continue;
      }
      const result = outcome as QueryResult;
      if (result.rows.length === 0) run.empty++;
      run.kept.push({
        sql,
        template: candidate.template,
        frequency: candidate.frequency,
        source: `${basename(candidate.statement.source)}:${candidate.statement.line}`,
        result: { columns: result.columns, rows: result.rows, truncated: result.truncated },
      });
      run.hints.push(candidate.statement.question);
    }
  }
  return run;
}

/** Reasons known without touching the database: a write is refused here, before anything could run it. */
function earlyDropReason(statement: HistoryStatement): DropReason | null {
  if (statement.unreadable) return 'unreadable';
  if (statement.otherDatabase) return 'other database';
  // Quarry's own statements reach server logs and statistics too: its catalog reads are no examples.
  if (statement.notUserQuery || isInternalQuery(statement.sql)) return 'not a user query';
  if (statement.dotCommand) return 'dot-command';
  const verdict = checkReadOnlyStatement(statement.sql);
  if (verdict.ok) return null;
  return verdict.kind === 'write' ? 'write statement' : 'parse error';
}

function isMoreRecent(candidate: HistoryStatement, current: HistoryStatement): boolean {
  if (candidate.timestamp && current.timestamp) return candidate.timestamp >= current.timestamp;
  return true; // later in the history
}

async function groundTruth(db: IsolatedDatabase, sql: string, signal?: AbortSignal): Promise<QueryResult | { reason: DropReason }> {
  const outcome = await tryQuery(db, sql, { validate: true, signal });
  if (outcome.ok) return outcome.value;
  const { code, message } = outcome.error;
  if (code === 'refused') return { reason: 'write statement' };
  if (code === 'timeout') return { reason: 'timeout' };
  return { reason: outcome.stage === 'validate' && isSyntaxError(message) ? 'parse error' : 'execution error' };
}

/** The engines' words for text that is not SQL, as opposed to SQL that names something missing. */
function isSyntaxError(message: string): boolean {
  return /syntax error|incomplete input|unrecognized token|Parser Error/i.test(message);
}

/** Schema-only mode: a database with the schema's tables and no real row, seeded with the queries' literals. */
async function syntheticDatabase(options: BuildOptions, candidates: Candidate[], work: string, seed: number): Promise<string> {
  const directory = join(work, `.synthetic-${seed}`);
  mkdirSync(directory, { recursive: true });
  const [path] = await generateInstancesInWorker(
    options.dbPath,
    { count: 1, directory, literals: extractLiterals(candidates.map((c) => c.statement.sql)), seed, rowsPerTable: 40, sampleRealValues: false },
    { workerScript: options.workerScript, signal: options.signal },
  );
  return path!;
}

interface WrittenQuestions {
  questions: { text: string; source: BuiltExample['questionSource'] }[];
  /** Why the model server gave no question for some queries (a grammar or generation failure), the first few. */
  errors: string[];
}

/** Prompts per request to the model server: enough to keep its batch lanes full, few enough for steady progress. */
const QUESTIONS_PER_REQUEST = 16;

async function writeQuestions(sqls: string[], hints: (string | undefined)[], schemaDdl: string, options: BuildOptions): Promise<WrittenQuestions> {
  const questions = sqls.map((_, i): WrittenQuestions['questions'][number] =>
    options.questions !== 'none' && hints[i] ? { text: hints[i]!, source: 'history' } : { text: '', source: 'none' },
  );
  const errors: string[] = [];
  const engine = options.questions === 'model' ? options.engine : undefined;
  const todo = engine ? questions.flatMap((q, i) => (q.source === 'none' ? [i] : [])) : [];
  options.onProgress?.({ stage: 'questions', done: sqls.length - todo.length, total: sqls.length });
  for (let start = 0; start < todo.length; start += QUESTIONS_PER_REQUEST) {
    options.signal?.throwIfAborted();
    const chunk = todo.slice(start, start + QUESTIONS_PER_REQUEST);
    const outcomes = await engine!.generateBatch(chunk.map((i) => questionPrompt(schemaDdl, sqls[i]!)), options.signal);
    outcomes.forEach((outcome, k) => {
      if (outcome.ok) questions[chunk[k]!] = { text: outcome.value.text.trim(), source: 'model' };
      else if (errors.length < 5) errors.push(`${sqls[chunk[k]!]}: ${outcome.error.message}`);
    });
    options.onProgress?.({ stage: 'questions', done: sqls.length - todo.length + start + chunk.length, total: sqls.length });
  }
  return { questions, errors };
}

/** The dedicated prompt for the reverse direction: SQL → the question a person would have asked. */
function questionPrompt(schemaDdl: string, sql: string): GenerateParams {
  return {
    system: `You explain SQL queries as the plain-English question they answer, in one sentence.\n\n${schemaDdl.trimEnd()}`,
    user: `SQL: ${sql}\nQuestion:`,
    completion: `${schemaDdl.trimEnd()}\n\n-- SQL: ${sql}\n-- The question this query answers:`,
    grammar: 'root ::= [A-Za-z] [A-Za-z0-9 ,\'-]{4,100} "?"',
    maxTokens: 48,
    temperature: 0,
  };
}

function countBy(sources: BuiltExample['questionSource'][]): Record<BuiltExample['questionSource'], number> {
  const counts = { history: 0, model: 0, none: 0 };
  for (const source of sources) counts[source]++;
  return counts;
}

/** Whole templates go to test, chosen by a seeded shuffle, so no template is in both splits. */
function pickTestTemplates(templates: string[], fraction: number, seed: number): Set<string> {
  const unique = [...new Set(templates)].sort();
  const random = lcg32(seed);
  for (let i = unique.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [unique[i], unique[j]] = [unique[j]!, unique[i]!];
  }
  return new Set(unique.slice(0, Math.round(unique.length * fraction)));
}

function writeFormats(
  folder: string,
  finalFolder: string,
  examples: BuiltExample[],
  context: { dbPath: string; schema: DatabaseSchema; formats: DatasetFormat[] },
): string[] {
  const files: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const dir = join(folder, split);
    mkdirSync(dir, { recursive: true });
    const items = examples.filter((e) => e.split === split);
    // A server stays its URL (without a password: that comes from the environment when the file is used).
    const db = isUrlTarget(context.dbPath) ? describeTarget(context.dbPath) : relative(join(finalFolder, split), context.dbPath);
    // Exports are Quarry's own format by definition: a model tuned on them is asked in it (src/core/prompt/quarryFormat.ts).
    const format = PROMPT_FORMATS.quarry;
    const schemaText = format.renderSchema(context.schema);
    const exportContext: ExportContext = { db, dbPath: context.dbPath, prompt: (question) => format.build({ schema: context.schema, schemaText, question }) };
    // In the registry's order, whatever order --formats named them in.
    for (const name of ALL_FORMATS.filter((f) => context.formats.includes(f))) {
      const format: ExportFormat = EXPORT_FORMATS[name];
      const records = items.map((e) => format.record(e, exportContext));
      writeFileSync(join(dir, format.file), format.document ? `${JSON.stringify(records, null, 1)}\n` : records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : ''));
      files.push(`${split}/${format.file}`);
    }
  }
  return files;
}
