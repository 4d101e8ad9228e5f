import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { buildDataset } from '../../core/dataset/buildDataset';
import { isDatasetFolder } from '../../core/dataset/datasetFolder';
import { PG_STAT_STATEMENTS } from '../../core/dataset/readPgStatStatements';
import { databaseNameOf, isUrlTarget } from '../../core/db/databaseEngines';
import type { ConnectionStore } from '../ConnectionStore';
import type { ModelManager } from '../ModelManager';
import { pickConnection } from '../pickConnection';
import { COMMANDS } from '../commandIds';
import { reportError } from '../reportError';
import { requireModel } from '../requireModel';
import { readSettings } from '../settings';
import { withCancellableProgress } from '../withCancellableProgress';

export interface BuildDatasetArgs {
  connection?: string;
  histories?: string[];
  out?: string;
  schemaOnly?: boolean;
  questions?: 'history' | 'model' | 'none';
  /** Replace an earlier dataset at `out` without asking (an API caller that has asked already). */
  replace?: boolean;
}

/** "Quarry: Build Dataset from Query History…": connection, history files, options, then progress and a summary. */
export async function buildDatasetFromHistory(
  store: ConnectionStore,
  models: ModelManager,
  workerScript: string,
  historyPath: string,
  log: vscode.LogOutputChannel,
  args: BuildDatasetArgs = {},
): Promise<string | undefined> {
  const connection = args.connection ?? (await pickConnection(store, 'History of which database?'))?.path;
  if (!connection) return undefined;
  const histories = args.histories ?? (await pickHistories(isUrlTarget(connection), historyPath));
  if (!histories?.length) return undefined;
  let schemaOnly = args.schemaOnly ?? false;
  let questions = args.questions ?? 'history';
  if (args.schemaOnly === undefined && args.questions === undefined) {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'Schema only', description: 'no database rows in any output: ground truth from a synthetic database', id: 'schema-only' },
        { label: 'Write missing questions with the model', id: 'model' },
      ],
      { canPickMany: true, title: 'Dataset options' },
    );
    if (!picked) return undefined;
    schemaOnly = picked.some((p) => p.id === 'schema-only');
    questions = picked.some((p) => p.id === 'model') ? 'model' : 'history';
  }
  if (questions === 'model' && !(await requireModel(models))) return undefined;
  const out =
    args.out ??
    (
      await vscode.window.showOpenDialog({
        canSelectFolders: true,
        canSelectFiles: false,
        title: 'Where to write the dataset',
        openLabel: 'Write Here',
      })
    )?.[0]?.fsPath;
  if (!out) return undefined;
  // A picked folder that is itself a dataset is the one to write (not a new one nested inside it).
  const picked = args.out ?? (isDatasetFolder(out) ? out : join(out, `quarry-dataset-${databaseNameOf(connection)}`));
  const target = await confirmTarget(picked, args.replace ?? false);
  if (!target) return undefined;
  const password = await store.passwordOf(connection);

  const manifest = await withCancellableProgress('Quarry: building dataset', async (report, signal) => {
    try {
      if (questions === 'model') await models.ensureLoaded(report, signal);
      return await buildDataset({
        dbPath: connection,
        ...(password ? { password } : {}),
        histories,
        out: target,
        replace: isDatasetFolder(target),
        schemaOnly,
        questions,
        grammar: readSettings().grammar,
        engine: questions === 'model' ? models.engine : undefined,
        workerScript,
        signal,
        onProgress: ({ stage, done, total }) => report(`${stage}… ${total ? Math.floor((100 * done) / total) : 0}%`),
      });
    } catch (error) {
      if (!signal.aborted) {
        reportError(log, 'dataset build failed', error);
      }
      return undefined;
    }
  });
  if (!manifest) return undefined;
  const dropped = Object.entries(manifest.counts.dropped).filter(([, n]) => n);
  const droppedText = dropped.map(([reason, n]) => `${n} ${reason}`).join(', ');
  log.info(`dataset written to ${target}: ${manifest.counts.kept} kept of ${manifest.counts.statements}; dropped ${droppedText || 'none'}`);
  for (const line of manifest.droppedBecause) log.info(`  dropped ${line}`);
  const actions = ['Open Folder', ...(manifest.splits.test > 0 ? ['Evaluate a Model on the Test Split'] : []), ...(dropped.length ? ['Why Dropped'] : [])];
  void vscode.window
    .showInformationMessage(
      `Quarry: ${manifest.counts.kept} example${manifest.counts.kept === 1 ? '' : 's'} (train ${manifest.splits.train}, test ${manifest.splits.test}) from ${manifest.counts.statements} statements${droppedText ? `; dropped ${droppedText}` : ''}.`,
      ...actions,
    )
    .then((choice) => {
      if (choice === 'Open Folder') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(target));
      if (choice === 'Why Dropped') log.show(true);
      if (choice?.startsWith('Evaluate'))
        void vscode.commands.executeCommand(COMMANDS.runEvaluation, { dataset: join(target, 'test', 'quarry.jsonl'), useModel: true });
    });
  return target;
}

/**
 * Never replaces a folder without asking: an earlier dataset at the target is replaced only when
 * the user says so, or the new one goes beside it under the next free name.
 */
async function confirmTarget(target: string, replace: boolean): Promise<string | undefined> {
  if (!isDatasetFolder(target) || replace) return target;
  const beside = freeName(target);
  // A quick pick, not a modal: it is answered at the keyboard like every other step of this command.
  const choice = await vscode.window.showQuickPick(
    [
      { label: `$(new-folder) Write beside it, as ${basename(beside)}`, id: 'beside' as const },
      { label: '$(replace-all) Replace it', description: 'the earlier dataset is removed only once the new one is whole', id: 'replace' as const },
    ],
    { title: `${basename(target)} already holds a dataset. Replace it?`, placeHolder: target, ignoreFocusOut: true },
  );
  return choice?.id === 'replace' ? target : choice?.id === 'beside' ? beside : undefined;
}

/** `name-2`, `name-3`, … beside `target`: the first that does not exist or is an empty folder. */
function freeName(target: string): string {
  for (let n = 2; ; n++) {
    const candidate = join(dirname(target), `${basename(target)}-${n}`);
    if (!existsSync(candidate) || readdirSync(candidate).length === 0) return candidate;
  }
}

/** Quarry's own history, history files, and for a Postgres server its pg_stat_statements view. */
async function pickHistories(server: boolean, historyPath: string): Promise<string[] | undefined> {
  const own = existsSync(historyPath) && readSettings().history.enabled;
  if (server || own) {
    const source = await vscode.window.showQuickPick(
      [
        ...(own ? [{ label: "$(history) Quarry's query history", description: 'your Asks (as you marked and corrected them) and Runs on this database', id: 'own' as const }] : []),
        ...(server ? [{ label: '$(server) pg_stat_statements', description: 'the statements the server has counted, with their call counts', id: 'stats' as const }] : []),
        { label: '$(file) History or server log files…', description: '.sql, JSONL, CSV, or Postgres logs (stderr, csvlog, jsonlog)', id: 'files' as const },
      ],
      { title: 'Where the history comes from' },
    );
    if (!source) return undefined;
    if (source.id === 'stats') return [PG_STAT_STATEMENTS];
    if (source.id === 'own') return [historyPath];
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    title: 'Query history files (.sql, shell history, JSONL, CSV, Postgres logs)',
    openLabel: 'Use History',
  });
  return picked?.map((u) => u.fsPath);
}
