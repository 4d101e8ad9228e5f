import * as vscode from 'vscode';
import { askInEnglish, type AskArgs } from './commands/askInEnglish';
import { buildDatasetFromHistory, type BuildDatasetArgs } from './commands/buildDatasetFromHistory';
import { connectDatabase } from './commands/connectDatabase';
import { disconnectDatabase } from './commands/disconnectDatabase';
import { refreshDatabases } from './commands/refreshDatabases';
import { runEvaluationCommand, type RunEvaluationArgs } from './commands/runEvaluation';
import { selectModel } from './commands/selectModel';
import { EvalPanel } from './EvalPanel';
import { ConnectionStore } from './ConnectionStore';
import { DatabasesTreeProvider, type DatabaseNode } from './DatabasesTreeProvider';
import { ModelManager } from './ModelManager';
import { SqlConnectionBinding } from './SqlConnectionBinding';
import { SqlInlineCompletionProvider } from './SqlInlineCompletionProvider';
import { chooseSqlConnection } from './commands/chooseSqlConnection';
import { toggleInlineCompletion } from './commands/toggleInlineCompletion';

/** What activate() hands to other extensions and to the integration tests. */
export interface QuarryApi {
  connections: ConnectionStore;
  databasesTree: DatabasesTreeProvider;
  models: ModelManager;
  sqlBinding: SqlConnectionBinding;
  inlineCompletion: SqlInlineCompletionProvider;
  /** Settles once the workspace's saved connections are open and their schemas read. */
  ready: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): QuarryApi {
  const log = vscode.window.createOutputChannel('Quarry', { log: true });
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'dbWorker.js').fsPath;
  const store = new ConnectionStore(context.workspaceState, workerScript, log);
  const tree = new DatabasesTreeProvider(store);
  const reportsDir = vscode.Uri.joinPath(context.globalStorageUri, 'evaluations').fsPath;
  const models = new ModelManager(vscode.Uri.joinPath(context.extensionUri, 'dist', 'modelServer.mjs').fsPath, context.globalStorageUri, log);
  const sqlBinding = new SqlConnectionBinding(context.workspaceState, store);
  const inlineCompletion = new SqlInlineCompletionProvider(sqlBinding, models, log);
  context.subscriptions.push(
    log,
    store,
    tree,
    models,
    sqlBinding,
    inlineCompletion,
    vscode.languages.registerInlineCompletionItemProvider({ language: 'sql' }, inlineCompletion),
    vscode.commands.registerCommand('quarry.toggleInlineCompletion', () => toggleInlineCompletion()),
    vscode.commands.registerCommand('quarry.chooseSqlConnection', (uri?: vscode.Uri, path?: string) => chooseSqlConnection(sqlBinding, uri, path)),
    vscode.window.registerTreeDataProvider('quarry.databases', tree),
    vscode.commands.registerCommand('quarry.connectDatabase', (uri?: vscode.Uri) => connectDatabase(store, uri)),
    vscode.commands.registerCommand('quarry.refreshDatabases', (node?: DatabaseNode) => refreshDatabases(store, node)),
    vscode.commands.registerCommand('quarry.disconnectDatabase', (node?: DatabaseNode) => disconnectDatabase(store, node)),
    vscode.commands.registerCommand('quarry.showLog', () => log.show()),
    vscode.commands.registerCommand('quarry.selectModel', () => selectModel(models)),
    vscode.commands.registerCommand('quarry.runEvaluation', (args?: RunEvaluationArgs) =>
      runEvaluationCommand(context.extensionUri, reportsDir, models, log, args),
    ),
    vscode.commands.registerCommand('quarry.buildDataset', (args?: BuildDatasetArgs) =>
      buildDatasetFromHistory(store, models, workerScript, log, args),
    ),
    vscode.commands.registerCommand('quarry.openEvaluation', async (reportPath?: string, comparePath?: string) => {
      const panel = EvalPanel.show(context.extensionUri, reportsDir);
      if (reportPath) await panel.post({ event: 'show', path: reportPath, comparePath });
    }),
    vscode.commands.registerCommand('quarry.askInEnglish', (args?: AskArgs | DatabaseNode) =>
      askInEnglish(store, sqlBinding, models, log, args && 'kind' in args ? askArgsFromNode(args) : args),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('quarry.model')) models.reset();
      if (['quarry.query', 'quarry.schema', 'quarry.privacy'].some((section) => event.affectsConfiguration(section))) void store.reopenAll();
    }),
  );
  log.info(`Quarry ${context.extension.packageJSON.version} activated`);
  // Activation must not wait on reading schemas: the view fills in as each connection opens.
  const ready = store.restore();
  return { connections: store, databasesTree: tree, models, sqlBinding, inlineCompletion, ready };
}

/** The inline button on a connection asks about that connection. */
function askArgsFromNode(node: DatabaseNode): AskArgs {
  return node.kind === 'connection' ? { connection: node.connection.path } : {};
}

export function deactivate(): void {}
