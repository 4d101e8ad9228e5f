import { join } from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_REMOTE_CONCURRENCY } from '../../core/engine/remote/RemoteModel';
import { loadJsonlDataset, loadPredictions, loadSpiderDataset, type EvalExample } from '../../core/eval/EvalDataset';
import { runEvaluation as evaluate, type Predictor } from '../../core/eval/runEvaluation';
import { runName } from '../../core/eval/runName';
import { EVAL_METRICS, METRIC_IDS, type MetricId } from '../../core/eval/metrics/evalMetrics';
import { EvalPanel } from '../EvalPanel';
import type { ConnectionStore } from '../ConnectionStore';
import { isUrlTarget } from '../../core/db/databaseEngines';
import type { ModelManager } from '../ModelManager';
import { readSettings } from '../settings';
import { reportError } from '../reportError';
import { requireModel } from '../requireModel';
import { withCancellableProgress } from '../withCancellableProgress';

export interface RunEvaluationArgs {
  spider?: string;
  split?: 'dev' | 'train';
  dataset?: string;
  predictions?: string;
  /** Generate predictions with the configured model instead of reading them. */
  useModel?: boolean;
  limit?: number;
  /** How predictions are scored, the first the run's headline (default: Spider's rule); asked for when the dataset was picked by hand. */
  metrics?: MetricId[];
}

/** "Quarry: Run Evaluation…": dataset, then predictions or the model; live progress in the panel. */
export async function runEvaluationCommand(
  extensionUri: vscode.Uri,
  reportsDir: string,
  store: ConnectionStore,
  models: ModelManager,
  log: vscode.LogOutputChannel,
  args: RunEvaluationArgs = {},
): Promise<string | undefined> {
  const choices = await chooseInputs(args);
  if (!choices) return undefined;
  if (choices.useModel && !(await requireModel(models))) return undefined;
  let examples: EvalExample[];
  let all: EvalExample[];
  try {
    all = examples = choices.spider ? loadSpiderDataset(choices.spider, choices.split) : loadJsonlDataset(choices.dataset!);
  } catch (error) {
    reportError(log, 'evaluation dataset', error);
    return undefined;
  }
  if (choices.limit) examples = examples.slice(0, choices.limit);
  const model = choices.useModel ? readSettings().server.endpoint || readSettings().model.source : undefined;
  // The CLI's shape, so a run is named and compared alike wherever it was made.
  const settings = {
    dataset: choices.spider ? { spider: choices.spider, split: choices.split } : { jsonl: choices.dataset! },
    predictions: choices.predictions,
    model,
    limit: choices.limit ?? null,
    // As `quarry eval` records them: runs scored by other rules are not compared as if they were one.
    metrics: choices.metrics,
  };
  const name = runName(settings);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const report = join(reportsDir, `${name.replace(/[^\w.-]+/g, '_').slice(0, 80)}-${stamp}.json`);
  const panel = EvalPanel.show(extensionUri, reportsDir, (path) => store.credentialsForDataTarget(path));
  const passwords = await serverPasswords(store, examples);
  return withCancellableProgress('Quarry: evaluating', async (show, signal) => {
    try {
      let predictor: Predictor;
      if (choices.useModel) {
        await models.ensureLoaded(show, signal);
        const settings = readSettings();
        predictor = { kind: 'model', engine: models.engine, ask: { promptFormat: settings.promptFormat, grammar: settings.grammar, corrections: settings.corrections } };
      } else {
        predictor = { kind: 'predictions', predictions: loadPredictions(choices.predictions!, all, examples.length) };
      }
      const result = await evaluate(examples, predictor, {
        report,
        settings,
        // A serving engine batches what it is sent at once; a local model answers one question at a time.
        concurrency: choices.useModel && models.engine.status?.device === 'remote' ? DEFAULT_REMOTE_CONCURRENCY : 1,
        workerScript: vscode.Uri.joinPath(extensionUri, 'dist', 'dbWorker.js').fsPath,
        passwords,
        dataUrls: store.dataUrlTrust(),
        metrics: choices.metrics,
        signal,
        onProgress: (p) => {
          show(`${p.done}/${p.total}`, (100 * p.done) / Math.max(p.total, 1));
          void panel.post({ event: 'progress', name, ...p });
        },
      });
      log.info(`evaluation saved: ${report} (execution accuracy ${(100 * result.summary.execAccuracy).toFixed(1)}%)`);
      await panel.post({ event: 'show', path: report, asCandidate: true });
      return report;
    } catch (error) {
      if (signal.aborted) {
        void vscode.window.showInformationMessage('Quarry: evaluation cancelled; its progress is saved next to the report.');
        return undefined;
      }
      reportError(log, 'evaluation failed', error);
      return undefined;
    }
  });
}

async function chooseInputs(args: RunEvaluationArgs): Promise<(RunEvaluationArgs & { split: 'dev' | 'train'; metrics: MetricId[] }) | undefined> {
  const chosen: RunEvaluationArgs = { ...args };
  // A run started with its inputs given (a script, a test) is scored as `quarry eval` scores by default.
  const byHand = !chosen.spider && !chosen.dataset;
  if (byHand) {
    const kind = await vscode.window.showQuickPick(['Spider dataset (a folder with dev.json and database/)', 'Quarry JSONL dataset'], {
      title: 'Evaluate on',
    });
    if (!kind) return undefined;
    const picked = await vscode.window.showOpenDialog(
      kind.startsWith('Spider')
        ? { canSelectFolders: true, canSelectFiles: false, openLabel: 'Use Folder', title: 'Spider folder (dev.json and database/)' }
        : { filters: { 'JSONL datasets': ['jsonl'] }, openLabel: 'Use Dataset', title: 'Evaluation dataset (JSONL)' },
    );
    if (!picked?.[0]) return undefined;
    if (kind.startsWith('Spider')) chosen.spider = picked[0].fsPath;
    else chosen.dataset = picked[0].fsPath;
  }
  if (!chosen.predictions && !chosen.useModel) {
    const source = await vscode.window.showQuickPick(
      ['Predictions file (one SQL per line, or JSONL)', 'Generate with the configured model'],
      { title: 'Predictions' },
    );
    if (!source) return undefined;
    if (source.startsWith('Generate')) chosen.useModel = true;
    else {
      const picked = await vscode.window.showOpenDialog({ openLabel: 'Use Predictions', title: 'Predictions file' });
      if (!picked?.[0]) return undefined;
      chosen.predictions = picked[0].fsPath;
    }
  }
  if (!chosen.metrics && byHand) {
    const metrics = await chooseMetrics();
    if (!metrics) return undefined;
    chosen.metrics = metrics;
  }
  return { ...chosen, split: chosen.split ?? 'dev', metrics: chosen.metrics ?? ['spider-exec'] };
}

/** The rules to score by, from the registry: a number is comparable with a published one only under its rule. */
async function chooseMetrics(): Promise<MetricId[] | undefined> {
  const picked = await vscode.window.showQuickPick(
    METRIC_IDS.map((id) => ({ label: EVAL_METRICS[id].label, description: id, detail: EVAL_METRICS[id].rule, picked: id === 'spider-exec', id })),
    { title: 'Score by (the highest one ticked is the headline)', canPickMany: true },
  );
  return picked?.length ? picked.map((item) => item.id) : undefined;
}

/** The SecretStorage passwords of the servers a dataset names that match a connection the user configured. */
async function serverPasswords(store: ConnectionStore, examples: EvalExample[]): Promise<Record<string, string>> {
  const passwords: Record<string, string> = {};
  for (const url of new Set(examples.flatMap((e) => (e.dbPath && isUrlTarget(e.dbPath) ? [e.dbPath] : [])))) {
    const { password } = await store.credentialsForDataTarget(url);
    if (password) passwords[url] = password;
  }
  return passwords;
}
