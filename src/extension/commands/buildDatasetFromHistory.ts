import { join } from 'node:path';
import * as vscode from 'vscode';
import { buildDataset } from '../../core/dataset/buildDataset';
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
}

/** "Quarry: Build Dataset from Query History…": connection, history files, options, then progress and a summary. */
export async function buildDatasetFromHistory(
  store: ConnectionStore,
  models: ModelManager,
  workerScript: string,
  log: vscode.LogOutputChannel,
  args: BuildDatasetArgs = {},
): Promise<string | undefined> {
  const connection = args.connection ?? (await pickConnection(store, 'History of which database?'))?.path;
  if (!connection) return undefined;
  const histories = args.histories ?? (await pickHistories(isUrlTarget(connection)));
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
  const target = args.out ?? join(out, `quarry-dataset-${databaseNameOf(connection)}`);
  const password = await store.passwordOf(connection);

  const manifest = await withCancellableProgress('Quarry: building dataset', async (report, signal) => {
    try {
      if (questions === 'model') await models.ensureLoaded(report, signal);
      return await buildDataset({
        dbPath: connection,
        ...(password ? { password } : {}),
        histories,
        out: target,
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
  const droppedText = Object.entries(manifest.counts.dropped)
    .filter(([, n]) => n)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  log.info(`dataset written to ${target}: ${manifest.counts.kept} kept of ${manifest.counts.statements}; dropped ${droppedText || 'none'}`);
  void vscode.window
    .showInformationMessage(
      `Quarry: ${manifest.counts.kept} examples (train ${manifest.splits.train}, test ${manifest.splits.test}) from ${manifest.counts.statements} statements.`,
      'Open Folder',
      'Evaluate a Model on the Test Split',
    )
    .then((choice) => {
      if (choice === 'Open Folder') void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(target));
      if (choice?.startsWith('Evaluate'))
        void vscode.commands.executeCommand(COMMANDS.runEvaluation, { dataset: join(target, 'test', 'quarry.jsonl'), useModel: true });
    });
  return target;
}

/** History files; for a Postgres server, its pg_stat_statements view as well or instead. */
async function pickHistories(server: boolean): Promise<string[] | undefined> {
  if (server) {
    const source = await vscode.window.showQuickPick(
      [
        { label: '$(server) pg_stat_statements', description: 'the statements the server has counted, with their call counts', id: 'stats' as const },
        { label: '$(file) History or server log files…', description: '.sql, JSONL, CSV, or Postgres logs (stderr, csvlog, jsonlog)', id: 'files' as const },
      ],
      { title: 'Where the history comes from' },
    );
    if (!source) return undefined;
    if (source.id === 'stats') return [PG_STAT_STATEMENTS];
  }
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: true,
    title: 'Query history files (.sql, shell history, JSONL, CSV, Postgres logs)',
    openLabel: 'Use History',
  });
  return picked?.map((u) => u.fsPath);
}
