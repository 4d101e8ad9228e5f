import { basename, resolve } from 'node:path';
import { DEFAULT_CORRECTIONS, DEFAULT_EVAL_TIMEOUT_MS, DEFAULT_EXAMPLES } from '../core/defaults';
import { ExamplePool } from '../core/context/ExamplePool';
import { readExamplePool } from '../core/context/readExamplePool';
import { birdSplitFile, loadBirdDataset, loadJsonlDataset, loadPredictions, loadSpiderDataset, refuseUnaskable, spiderSplitFile, type EvalExample } from '../core/eval/EvalDataset';
import { DIFFICULTIES, HARDNESS_LEVELS, type LevelFigures } from '../core/protocol/evalReport';
import { runEvaluation, type EvalSummary, type Predictor } from '../core/eval/runEvaluation';
import { compareReports, type ReportComparison } from '../core/eval/compareReports';
import { EVAL_METRICS, isMetricId, METRIC_IDS, type MetricId } from '../core/eval/metrics/evalMetrics';
import { EFFICIENCY_METRICS, isEfficiencyMetricId, type EfficiencyMetricId } from '../core/eval/metrics/efficiencyMetrics';
import { readEvalReport } from '../core/eval/readEvalReport';
import { sampleTemperature } from '../core/ask/sampleTemperature';
import { birdPredictFileFor, writeBirdPredictFile } from '../core/eval/writeBirdPredictFile';
import type { LanguageModel } from '../core/engine/LanguageModel';
import { DEFAULT_REMOTE_CONCURRENCY } from '../core/engine/remote/RemoteModel';
import { abortOnInterrupt } from './signals';
import { checkModelOptions, openCliModel, requiredModel, MODEL_ARGS, MODEL_HELP, REMOTE_ARGS, REMOTE_HELP, remoteModelOptions } from './loadCliModel';
import { GRAMMAR_ARGS, GRAMMAR_HELP, grammarOption, integerOption, parseCommandArgs } from './parseCommandArgs';
import { PROMPT_FORMAT_ARGS, PROMPT_FORMAT_HELP, promptFormatOption } from './promptFormatOption';
import { SAMPLING_ARGS, SAMPLING_HELP, samplingOption } from './samplingOption';
import { UsageError } from './UsageError';

/** BIRD's evaluation.py gives each query 30 s. */
const BIRD_TIMEOUT_MS = 30_000;

/** BIRD times each right prediction 100 times. */
const DEFAULT_VES_RUNS = 100;

/** `--metric a,b`: known ids, none twice, a match metric first (VES needs one to tell right from wrong); the default when not given. */
function metricOption(value: string | undefined, fallback: MetricId): { metrics: MetricId[]; efficiency: EfficiencyMetricId[] } {
  if (value === undefined) return { metrics: [fallback], efficiency: [] };
  const ids = value.split(',').map((id) => id.trim());
  const known = [...METRIC_IDS, ...Object.keys(EFFICIENCY_METRICS)];
  for (const id of ids) if (!isMetricId(id) && !isEfficiencyMetricId(id)) throw new UsageError(`eval: --metric '${id}' is not a metric; the metrics are ${known.join(', ')}`);
  if (new Set(ids).size !== ids.length) throw new UsageError(`eval: --metric names a metric twice: ${value}`);
  const metrics = ids.filter(isMetricId);
  const efficiency = ids.filter(isEfficiencyMetricId);
  // VES counts a wrong prediction as 0: which are right is the first match metric's call.
  if (!isMetricId(ids[0]!)) throw new UsageError(`eval: --metric ${value}: put a match metric first (${METRIC_IDS.join(', ')}); ${ids[0]} scores the right ones by it`);
  return { metrics, efficiency };
}

/** Each worker is a process; past a few per core they only wait for each other. */
const MAX_WORKERS = 64;

export const EVAL_HELP = `Usage: quarry eval ((--spider <dir> | --bird <dir>) [--split dev|train] | --dataset <file.jsonl>)
                   [--predictions <file> | --model <path|url|hf:…> | --endpoint <url>] [options]

Execution accuracy: each example's gold and predicted SQL run on its database and are scored by the
rules --metric names (default: as the Spider test-suite evaluator, exec_eval.py: bags of rows, order
only when the gold query has ORDER BY, columns in any order, values as Python compares them,
DISTINCT removed and only the first statement run unless --keep-distinct; with --bird, BIRD's own
rule). Examples whose database is missing, whose gold query fails or whose gold result is over the
row cap are skipped and listed, never counted.

Options:
  --spider <dir>        Spider layout: <dir>/dev.json and <dir>/database/<db_id>/<db_id>.sqlite
  --bird <dir>          BIRD layout: <dir>/dev.json (question, evidence, SQL, difficulty, db_id) and
                        <dir>/dev_databases/<db_id>/<db_id>.sqlite; evidence goes to the model,
                        accuracy is also reported per difficulty
  --split dev|train     which Spider or BIRD split (default dev)
  --dataset <file>      Quarry JSONL: {"question", "sql", "db"} per line, db relative to the file
  --trust-data-urls     send your Postgres credentials (PGPASSWORD, ~/.pgpass) to the servers the
                        dataset names; without it a db URL gets only the password written in it
  --predictions <file>  one SQL per line in dataset order; JSONL {"index" or "question_id", "sql"}; or
                        BIRD's predict file (.json: {"<question_id>": "SQL\\t----- bird -----\\t<db_id>"}),
                        checked question by question; a model run on --bird writes one beside the report
  --model <ref>         generate predictions with a model instead (grammar and corrections as in ask);
                        without --predictions, --model or --endpoint: $QUARRY_MODEL, else the sample model
${PROMPT_FORMAT_HELP}
${GRAMMAR_HELP}
  --attempts N          corrections, as for quarry ask
  --budget N            with a model: tokens the schema, values and examples may take (a schema over
                        it, or over what the context leaves, is cut to the tables the question needs,
                        with the values it names: as quarry ask --budget)
  --examples POOL       with a model: few-shot examples from (question, SQL) pairs, as quarry ask
                        --examples; an example whose question is the one asked is never shown
  --shots K             how many examples (default 3)
  --samples K           K answers a question (sampled at --temperature, else the model file's own
                        general.sampling.temp, else 0.8 as OmniSQL and Arctic do): the first is scored as the answer, and pass@K (any right) and
                        maj@K (OmniSQL's vote: samples grouped by the set of rows they return, failed
                        ones not voting, the largest group, a tie to the group seen first) are reported;
                        --predictions given K times does the same with K files
${SAMPLING_HELP}
${MODEL_HELP}
${REMOTE_HELP}
  --concurrency N       with --endpoint: questions sent at once (default ${DEFAULT_REMOTE_CONCURRENCY}); a local model takes one at a time
  --report <file>       the report JSON (default quarry-eval.json); progress goes to <file>.progress.jsonl
  --name <text>         what the run is called in the evaluation panel (default: the model or
                        predictions file on the dataset, e.g. "model.gguf on Spider dev")
  --resume              continue an interrupted run with the same settings
  --compare <report>    an earlier run's report on the same questions (say, the base model before its
                        LoRA adapter): prints both runs' accuracy and crashing queries, and the
                        questions that flipped
  --keep-distinct       compare with DISTINCT kept (and the whole prediction run, as the official code does)
  --single-statement    Quarry's stricter rule: a prediction with a second statement is wrong
  --instances K         strict mode: also compare on K generated database instances (random rows that
                        respect types and keys, seeded with the queries' literals); reports both numbers
  --limit N             only the first N examples
  --metric <ids>        how a prediction is scored, one or several (comma-separated; the first is the
                        headline); default spider-exec, with --bird bird-ex:
${[...METRIC_IDS.map((id) => [id, EVAL_METRICS[id].rule]), ...Object.values(EFFICIENCY_METRICS).map((m) => [m.id, m.rule])].map(([id, rule]) => `                          ${id!.padEnd(15)} ${rule}`).join('\n')}
  --ves-iterations N    with ves or r-ves: times each right prediction and its gold query are run
                        (after a warm-up run of each, alternating; default 100, as BIRD)
  --timeout S           seconds per query (default 60, the Spider evaluator's; with --bird 30, BIRD's;
                        OmniSQL's and Arctic's harnesses use 10): a slower prediction scores 0 and
                        is counted as a time-out
  --timeout-ms N        the same in milliseconds
  --workers N           parallel database workers (default: the cores here; at most 64)
  -h, --help            show this help`;

export async function evalCommand(args: string[], write: (text: string) => void): Promise<number | void> {
  const { values } = parseCommandArgs('eval', args, {
    spider: { type: 'string' },
    bird: { type: 'string' },
    split: { type: 'string' },
    dataset: { type: 'string' },
    predictions: { type: 'string', multiple: true },
    ...MODEL_ARGS,
    ...REMOTE_ARGS,
    concurrency: { type: 'string' },
    ...PROMPT_FORMAT_ARGS,
    ...GRAMMAR_ARGS,
    attempts: { type: 'string' },
    budget: { type: 'string' },
    examples: { type: 'string' },
    shots: { type: 'string' },
    samples: { type: 'string' },
    ...SAMPLING_ARGS,
    report: { type: 'string' },
    name: { type: 'string' },
    resume: { type: 'boolean' },
    compare: { type: 'string' },
    'trust-data-urls': { type: 'boolean' },
    'keep-distinct': { type: 'boolean' },
    'single-statement': { type: 'boolean' },
    instances: { type: 'string' },
    limit: { type: 'string' },
    'timeout-ms': { type: 'string' },
    timeout: { type: 'string' },
    metric: { type: 'string' },
    'ves-iterations': { type: 'string' },
    workers: { type: 'string' },
  });
  if (values.help) return write(EVAL_HELP);
  if ([values.spider, values.bird, values.dataset].filter(Boolean).length !== 1) throw new UsageError('eval: give one of --spider <dir>, --bird <dir> or --dataset <file.jsonl>');
  const remote = remoteModelOptions('eval', values);
  const predictionFiles = values.predictions ?? [];
  if (predictionFiles.length && (values.model || remote)) throw new UsageError('eval: give either --predictions <file> or --model <path|url|hf:…> (or --endpoint <url>)');
  const usesModel = !predictionFiles.length;
  // Without predictions or a server: --model, else $QUARRY_MODEL, else the sample model.
  const model = usesModel && !remote ? requiredModel('eval', values.model) : undefined;
  const concurrency = integerOption('eval', 'concurrency', values.concurrency, 1, 256) ?? (remote ? DEFAULT_REMOTE_CONCURRENCY : 1);
  // One local context sequence answers one question at a time; a serving engine batches what it is sent.
  if (concurrency > 1 && !remote) throw new UsageError('eval: --concurrency needs --endpoint <url> (a local model answers one question at a time)');
  const split = values.split ?? 'dev';
  if (split !== 'dev' && split !== 'train') throw new UsageError(`eval: --split must be dev or train, got '${split}'`);
  const limit = integerOption('eval', 'limit', values.limit, 1);
  const corrections = integerOption('eval', 'attempts', values.attempts, 0) ?? DEFAULT_CORRECTIONS;
  const budget = integerOption('eval', 'budget', values.budget, 1);
  const shots = integerOption('eval', 'shots', values.shots, 0, 20) ?? DEFAULT_EXAMPLES;
  const pool = values.examples ? new ExamplePool(readExamplePool(values.examples)) : undefined;
  const samples = integerOption('eval', 'samples', values.samples, 1, 64) ?? 1;
  const sampling = samplingOption('eval', values);
  const report = resolve(values.report ?? 'quarry-eval.json');
  const instances = integerOption('eval', 'instances', values.instances, 0) ?? 0;
  const compareWith = values.compare ? resolve(values.compare) : null;
  if (compareWith === report) throw new UsageError('eval: --compare names the report this run writes; give the earlier run\'s report');
  // Read first: a missing or wrong report fails before an hour of generation, not after.
  const earlier = compareWith ? readEvalReport(compareWith) : null;

  if (values.timeout !== undefined && values['timeout-ms'] !== undefined) throw new UsageError('eval: give --timeout (seconds) or --timeout-ms, not both');
  const timeoutSeconds = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) throw new UsageError(`eval: --timeout must be a number of seconds above 0, got '${values.timeout}'`);
  const timeoutMs =
    (timeoutSeconds !== undefined ? Math.round(timeoutSeconds * 1000) : integerOption('eval', 'timeout-ms', values['timeout-ms'], 1)) ?? (values.bird ? BIRD_TIMEOUT_MS : DEFAULT_EVAL_TIMEOUT_MS);
  const { metrics, efficiency } = metricOption(values.metric, values.bird ? 'bird-ex' : 'spider-exec');
  const vesRuns = integerOption('eval', 'ves-iterations', values['ves-iterations'], 1, 10_000);
  if (vesRuns !== undefined && !efficiency.length) throw new UsageError('eval: --ves-iterations goes with --metric ves or r-ves');
  const workers = integerOption('eval', 'workers', values.workers, 1, MAX_WORKERS);
  const all: EvalExample[] = values.spider ? loadSpiderDataset(values.spider, split) : values.bird ? loadBirdDataset(values.bird, split) : loadJsonlDataset(values.dataset!);
  const examples = limit ? all.slice(0, limit) : all;
  if (usesModel) refuseUnaskable(examples);
  const datasetFile = values.spider ? spiderSplitFile(values.spider, split) : values.bird ? birdSplitFile(values.bird, split) : resolve(values.dataset!);
  const grammar = grammarOption('eval', values);
  const promptFormat = promptFormatOption('eval', values['prompt-format']);
  const modelOptions = model ? checkModelOptions('eval', { ...values, model }) : null;
  const settings: Record<string, unknown> = {
    dataset: values.spider ? { spider: resolve(values.spider), split } : values.bird ? { bird: resolve(values.bird), split } : { jsonl: resolve(values.dataset!) },
    predictions: predictionFiles.length === 1 ? resolve(predictionFiles[0]!) : predictionFiles.length ? predictionFiles.map((file) => resolve(file)) : undefined,
    model: model ?? (remote ? { endpoint: remote.endpoint, name: remote.modelName ?? null, adapter: remote.adapter ?? null } : undefined),
    // Which run had the adapter: what a run-vs-run view is about.
    lora: modelOptions?.lora ? { path: resolve(modelOptions.lora), scale: modelOptions.loraScale ?? 1 } : undefined,
    grammar: usesModel ? grammar : undefined,
    promptFormat: usesModel ? (promptFormat ?? 'auto') : undefined,
    corrections: usesModel ? corrections : undefined,
    // Retrieval changes what the model sees: runs with other examples or another budget are other runs.
    context: usesModel && (pool || budget !== undefined) ? { examples: values.examples ? resolve(values.examples) : null, shots: pool ? shots : 0, budget: budget ?? null } : undefined,
    samples: usesModel ? samples : undefined,
    sampling: usesModel ? sampling : undefined,
    keepDistinct: !!values['keep-distinct'],
    singleStatement: !!values['single-statement'],
    instances,
    limit: limit ?? null,
    timeoutMs,
    metrics: [...metrics, ...efficiency],
    ...(efficiency.length ? { vesIterations: vesRuns ?? DEFAULT_VES_RUNS } : {}),
  };

  const interrupt = abortOnInterrupt();
  let engine: (LanguageModel & { dispose(): void }) | null = null;
  try {
    let predictor: Predictor;
    const inputs = [datasetFile];
    if (usesModel) {
      const opened = await openCliModel(remote ? { remote } : { local: modelOptions! }, interrupt.signal);
      engine = opened.engine;
      // A local model's files are inputs a resumed run checks; a server's model is not a file here.
      if (!remote) inputs.push(opened.status.modelPath, ...(opened.status.loraPath ? [opened.status.loraPath] : []));
      predictor = {
        kind: 'model',
        engine,
        ask: { promptFormat, grammar, corrections, samples, ...sampling },
        context: { values: true, ...(pool ? { pool, examples: shots } : {}), ...(budget !== undefined ? { budget } : {}) },
      };
      // Samples are drawn at the asked temperature, else the model file's own (general.sampling.temp), else 0.8: the report says which.
      if (samples > 1) settings.sampling = { ...sampling, sampleTemperature: sampleTemperature(sampling.temperature, engine.metadata) };
    } else {
      const [first, ...more] = predictionFiles.map((file) => loadPredictions(file, all, examples.length));
      predictor = { kind: 'predictions', predictions: first!, ...(more.length ? { moreSamples: more } : {}) };
      inputs.push(...predictionFiles.map((file) => resolve(file)));
    }
    const bar = progressBar();
    const result = await runEvaluation(examples, predictor, {
      report,
      ...(values.name?.trim() ? { name: values.name.replace(/\s+/g, ' ').trim() } : {}),
      settings,
      inputs,
      resume: values.resume,
      keepDistinct: values['keep-distinct'],
      singleStatement: values['single-statement'],
      instances,
      timeoutMs,
      metrics,
      ...(efficiency.length ? { efficiency: { metrics: efficiency, runs: vesRuns ?? DEFAULT_VES_RUNS } } : {}),
      workers,
      concurrency,
      dataUrls: { configured: [], trustAll: values['trust-data-urls'] === true },
      signal: interrupt.signal,
      onProgress: bar.update,
    });
    bar.end();
    write(formatSummary(result.summary, report));
    if (values.bird && usesModel) {
      // BIRD's own evaluation.py can score the same answers.
      const predictFile = birdPredictFileFor(report, split);
      writeBirdPredictFile(predictFile, result, examples, [datasetFile]);
      write(`BIRD predict file (for BIRD's evaluation.py): ${predictFile}`);
    }
    if (earlier) write(formatComparison(compareReports(earlier, result, { before: basename(compareWith!), after: basename(report) }), basename(compareWith!)));
    // A run that scored nothing (every database unreachable, say) is a failed run, whatever it wrote.
    if (result.summary.total > 0 && result.summary.evaluated === 0) {
      process.stderr.write(`quarry: eval: no example could be evaluated; ${mostCommonReason(result.summary)}\n`);
      return 1;
    }
  } finally {
    interrupt.dispose();
    engine?.dispose();
  }
}

function progressBar() {
  const tty = process.stderr.isTTY;
  return {
    update({ done, total, correct, evaluated }: { done: number; total: number; correct: number; evaluated: number }) {
      if (!tty) return;
      const width = 30;
      const filled = Math.round((width * done) / Math.max(total, 1));
      const accuracy = evaluated ? ` · ${((100 * correct) / evaluated).toFixed(1)}% so far` : '';
      process.stderr.write(`\r\x1b[K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}${accuracy}`);
    },
    end() {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

/** Each reason examples were skipped for, with how many, most first. */
function skipReasons(summary: EvalSummary): [string, number][] {
  const reasons = new Map<string, number>();
  for (const s of summary.skippedExamples) reasons.set(s.reason, (reasons.get(s.reason) ?? 0) + 1);
  return [...reasons].sort((a, b) => b[1] - a[1]);
}

function mostCommonReason(summary: EvalSummary): string {
  const [reason, count] = skipReasons(summary)[0] ?? ['none was run', summary.total];
  return `${count} of ${summary.total}: ${reason}`;
}

function formatSummary(summary: EvalSummary, report: string): string {
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const metrics = Object.entries(summary.metrics ?? { 'spider-exec': summary.execAccuracy });
  const headline = metrics[0]![0];
  const label = (id: string) => `${summary.metricLabels?.[id] ?? id} [${id}]`;
  // VES and R-VES are no percentages: BIRD prints them × 100, as a number.
  const figure = (id: string, value: number) => (isEfficiencyMetricId(id) ? (100 * value).toFixed(2) : percent(value));
  const level = (figures: LevelFigures) => percent(figures.metrics?.[headline] ?? figures.execAccuracy).padStart(6);
  const lines = [
    `execution accuracy  ${percent(metrics[0]![1])}  (${summary.evaluated} evaluated, ${summary.skipped} skipped, ${summary.total} total)`,
    `  scored by ${label(headline)}${metrics.length > 1 ? `; also ${metrics.slice(1).map(([id, value]) => `${label(id)} ${figure(id, value)}`).join(', ')}` : ''}`,
    ...(summary.strictAccuracy !== undefined ? [`strict accuracy     ${percent(summary.strictAccuracy)}  (real database and every generated instance)`] : []),
    ...HARDNESS_LEVELS.filter((name) => summary.byHardness[name].count > 0).map((name) => `  ${name.padEnd(8)} ${level(summary.byHardness[name])}  (${summary.byHardness[name].count})`),
    ...(summary.byDifficulty ? DIFFICULTIES.map((name) => `  ${name.padEnd(11)} ${level(summary.byDifficulty![name])}  (${summary.byDifficulty![name].count})`) : []),
    ...(summary.samples
      ? [
          `pass@${summary.samples}              ${percent(summary.passAtK?.[headline] ?? 0)}  (any of ${summary.samples} samples right)`,
          `maj@${summary.samples}               ${percent(summary.majAtK?.[headline] ?? 0)}  (the sample the vote chose; the figure above is the first sample's)`,
        ]
      : []),
    `crash rate          ${percent(summary.crashRate)}`,
    ...(summary.timeouts ? [`timed out           ${summary.timeouts}`] : []),
    ...(summary.rescuedByCorrection ? [`rescued by correction  ${summary.rescuedByCorrection}`] : []),
  ];
  if (summary.skippedExamples.length) lines.push('skipped:', ...skipReasons(summary).map(([reason, count]) => `  ${count} × ${reason}`));
  lines.push(`${summary.seconds.toFixed(1)} s · report: ${report}`);
  return lines.join('\n');
}

/** Two runs in SQLForge's form (accuracy, correct, crashing queries, before and after), then each question that flipped. */
function formatComparison(comparison: ReportComparison, earlierName: string): string {
  const { before, after, gained, lost } = comparison;
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const points = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)} points`;
  const rows = [
    ['', earlierName, 'this run', ''],
    ['execution accuracy', `${percent(before.execAccuracy)} (${before.correct} of ${before.evaluated})`, `${percent(after.execAccuracy)} (${after.correct} of ${after.evaluated})`, points(after.execAccuracy - before.execAccuracy)],
    ['crashing queries', `${before.crashed} (${percent(before.crashRate)})`, `${after.crashed} (${percent(after.crashRate)})`, `${after.crashed - before.crashed >= 0 ? '+' : ''}${after.crashed - before.crashed}`],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
  const lines = ['', `compared with ${earlierName}:`, ...rows.map((r) => `  ${r.map((cell, c) => (c < 3 ? cell.padEnd(widths[c]!) : cell)).join('  ')}`.trimEnd())];
  lines.push(`flipped: ${gained.length} gained, ${lost.length} lost`);
  for (const [sign, examples] of [['+', gained], ['-', lost]] as const) {
    for (const e of examples) lines.push(`  ${sign} #${e.index} ${e.question}`);
  }
  return lines.join('\n');
}
