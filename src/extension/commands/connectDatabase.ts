import * as vscode from 'vscode';
import { DATABASES_VIEW } from '../commandIds';
import type { ConnectionStore } from '../ConnectionStore';
import type { DatabaseNode } from '../DatabasesTreeProvider';
import { reportError } from '../reportError';

/**
 * "Quarry: Connect Database…": a file picker, or a file given by another command or test; the
 * Databases view then opens with the new connection selected, so the person sees what happened.
 */
export async function connectDatabase(store: ConnectionStore, view: vscode.TreeView<DatabaseNode>, log: vscode.LogOutputChannel, uri?: vscode.Uri): Promise<void> {
  const target = uri ?? (await pickDatabaseFile());
  if (!target) return;
  const connection = await vscode.window.withProgress(
    { location: { viewId: DATABASES_VIEW }, title: `Reading ${target.fsPath}` },
    () => store.add(target.fsPath),
  );
  await view.reveal({ kind: 'connection', connection }, { select: true, focus: true, expand: true });
  if (connection.error) reportError(log, `could not open ${target.fsPath}`, connection.error);
}

async function pickDatabaseFile(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Connect a database (opened read-only)',
    canSelectMany: false,
    openLabel: 'Connect',
    filters: { 'Databases': ['sqlite', 'sqlite3', 'db', 'db3', 'duckdb', 'ddb'], 'All files': ['*'] },
  });
  return picked?.[0];
}
