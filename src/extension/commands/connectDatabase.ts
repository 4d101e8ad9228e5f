import * as vscode from 'vscode';
import { describeTarget } from '../../core/db/databaseEngines';
import { isPostgresUrl } from '../../core/db/postgres/postgresTarget';
import { DATABASES_VIEW } from '../commandIds';
import type { Connection, ConnectionStore } from '../ConnectionStore';
import type { DatabaseNode } from '../DatabasesTreeProvider';
import { reportError } from '../reportError';

/** A server to connect, as another command or a test gives it: the password goes to SecretStorage. */
export interface ServerTarget {
  url: string;
  password?: string;
}

/**
 * "Quarry: Connect Database…": a database file, or a Postgres server (URL, then password); or a
 * file or server given by another command or test. The Databases view then opens with the new
 * connection selected, so the person sees what happened.
 */
export async function connectDatabase(store: ConnectionStore, view: vscode.TreeView<DatabaseNode>, log: vscode.LogOutputChannel, target?: vscode.Uri | ServerTarget): Promise<void> {
  const chosen = target ?? (await pickTarget());
  if (!chosen) return;
  const label = chosen instanceof vscode.Uri ? chosen.fsPath : describeTarget(chosen.url);
  const connection = await vscode.window.withProgress(
    { location: { viewId: DATABASES_VIEW }, title: `Reading ${label}` },
    (): Promise<Connection> => (chosen instanceof vscode.Uri ? store.add(chosen.fsPath) : store.addServer(chosen.url, chosen.password)),
  );
  await view.reveal({ kind: 'connection', connection }, { select: true, focus: true, expand: true });
  if (connection.error) reportError(log, `could not open ${label}`, connection.error);
}

async function pickTarget(): Promise<vscode.Uri | ServerTarget | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: '$(file) Database file…', description: 'SQLite or DuckDB, opened read-only', id: 'file' as const },
      { label: '$(server) Postgres server…', description: 'postgresql://user@host:port/database, every query in a READ ONLY transaction', id: 'server' as const },
    ],
    { title: 'Connect a database', placeHolder: 'What to connect' },
  );
  if (!kind) return undefined;
  return kind.id === 'file' ? pickDatabaseFile() : askForServer();
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

async function askForServer(): Promise<ServerTarget | undefined> {
  const url = await vscode.window.showInputBox({
    title: 'Connect a Postgres server (1/2)',
    prompt: 'The server\u2019s URL; TLS options go in the query string (?sslmode=verify-full&sslrootcert=/path/ca.pem)',
    placeHolder: 'postgresql://user@host:5432/database',
    ignoreFocusOut: true,
    validateInput: (value) => (isPostgresUrl(value.trim()) ? null : 'a URL that starts with postgresql:// (or postgres://)'),
  });
  if (!url) return undefined;
  const password = await vscode.window.showInputBox({
    title: 'Connect a Postgres server (2/2)',
    prompt: `Password for ${describeTarget(url.trim())}, kept in the editor\u2019s secret storage; leave empty to use PGPASSWORD or ~/.pgpass`,
    password: true,
    ignoreFocusOut: true,
  });
  if (password === undefined) return undefined;
  return { url: url.trim(), ...(password ? { password } : {}) };
}
