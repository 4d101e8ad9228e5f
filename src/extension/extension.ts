import * as vscode from 'vscode';
import { connectDatabase } from './commands/connectDatabase';
import { disconnectDatabase } from './commands/disconnectDatabase';
import { refreshDatabases } from './commands/refreshDatabases';
import { ConnectionStore } from './ConnectionStore';
import { DatabasesTreeProvider, type DatabaseNode } from './DatabasesTreeProvider';

/** What activate() hands to other extensions and to the integration tests. */
export interface QuarryApi {
  connections: ConnectionStore;
  databasesTree: DatabasesTreeProvider;
  /** Settles once the workspace's saved connections are open and their schemas read. */
  ready: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): QuarryApi {
  const log = vscode.window.createOutputChannel('Quarry', { log: true });
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'dbWorker.js').fsPath;
  const store = new ConnectionStore(context.workspaceState, workerScript, log);
  const tree = new DatabasesTreeProvider(store);
  context.subscriptions.push(
    log,
    store,
    tree,
    vscode.window.registerTreeDataProvider('quarry.databases', tree),
    vscode.commands.registerCommand('quarry.connectDatabase', (uri?: vscode.Uri) => connectDatabase(store, uri)),
    vscode.commands.registerCommand('quarry.refreshDatabases', (node?: DatabaseNode) => refreshDatabases(store, node)),
    vscode.commands.registerCommand('quarry.disconnectDatabase', (node?: DatabaseNode) => disconnectDatabase(store, node)),
    vscode.commands.registerCommand('quarry.showLog', () => log.show()),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('quarry')) void store.reopenAll();
    }),
  );
  log.info(`Quarry ${context.extension.packageJSON.version} activated`);
  // Activation must not wait on reading schemas: the view fills in as each connection opens.
  const ready = store.restore();
  return { connections: store, databasesTree: tree, ready };
}

export function deactivate(): void {}
