import * as vscode from 'vscode';
import { redactingLog } from './redactingLog';
import { askInEnglish, type AskArgs } from './commands/askInEnglish';
import { FollowUpChain } from './FollowUpChain';
import { buildDatasetFromHistory, type BuildDatasetArgs } from './commands/buildDatasetFromHistory';
import { connectDatabase, type ServerTarget } from './commands/connectDatabase';
import { disconnectDatabase } from './commands/disconnectDatabase';
import { attachDatabase, detachDatabase, type AttachArgs } from './commands/attachDatabase';
import { refreshDatabases } from './commands/refreshDatabases';
import { runEvaluationCommand, type RunEvaluationArgs } from './commands/runEvaluation';
import { selectModel, type ServerChoice } from './commands/selectModel';
import { EvalPanel } from './EvalPanel';
import { ConnectionStore } from './ConnectionStore';
import { DatabasesTreeProvider, type DatabaseNode } from './DatabasesTreeProvider';
import { ModelManager } from './ModelManager';
import { SqlConnectionBinding } from './SqlConnectionBinding';
import { SqlInlineCompletionProvider } from './SqlInlineCompletionProvider';
import { chooseSqlConnection } from './commands/chooseSqlConnection';
import { toggleInlineCompletion } from './commands/toggleInlineCompletion';
import { runQuery, type RunQueryArgs } from './commands/runQuery';
import { ResultsPanel } from './ResultsPanel';
import { exportResults } from './commands/exportResults';
import { RunQueryCodeLens } from './RunQueryCodeLens';
import { COMMANDS, DATABASES_VIEW, HISTORY_VIEW, PROMPT_CONTEXT_VIEW } from './commandIds';
import { PromptContextSources } from './PromptContextSources';
import { QueryHistoryService } from './QueryHistoryService';
import { HistoryTreeProvider } from './HistoryTreeProvider';
import { registerHistoryCommands } from './commands/historyCommands';
import { registerTableActions } from './commands/tableActions';
import { SqlSchemaCompletionProvider } from './SqlSchemaCompletionProvider';
import { ProposedSqlDocuments } from './ProposedSqlDocuments';
import { FixCodeActionProvider } from './FixCodeActionProvider';
import { fixQuery, type FixQueryArgs } from './commands/fixQuery';
import { explainQuery, type ExplainQueryArgs } from './commands/explainQuery';
import { readSettings } from './settings';
import { PromptContextTreeProvider, type PromptContextNode } from './PromptContextTreeProvider';
import { registerCommand } from './registerCommand';
import { sampleModelPath } from '../core/models/sampleModel';

/** What activate() hands to other extensions and to the integration tests. */
export interface QuarryApi {
  connections: ConnectionStore;
  databasesTree: DatabasesTreeProvider;
  databasesView: vscode.TreeView<DatabaseNode>;
  models: ModelManager;
  sqlBinding: SqlConnectionBinding;
  inlineCompletion: SqlInlineCompletionProvider;
  /** Settles once the workspace's saved connections are open and their schemas read. */
  ready: Promise<void>;
  /** The folder VS Code writes this extension's logs to (the Quarry output channel's file among them). */
  logFolder: string;
  /** The last Ask's context, the pins, and the indexes retrieval reads. */
  promptContext: PromptContextSources;
  promptContextTree: PromptContextTreeProvider;
  /** Every Ask and Run, and the History view over them. */
  history: QueryHistoryService;
  historyTree: HistoryTreeProvider;
}

export function activate(context: vscode.ExtensionContext): QuarryApi {
  const log = redactingLog(vscode.window.createOutputChannel('Quarry', { log: true }));
  const workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'dbWorker.js').fsPath;
  const store = new ConnectionStore(context.workspaceState, workerScript, log, context.secrets);
  const tree = new DatabasesTreeProvider(store);
  const databasesView = vscode.window.createTreeView(DATABASES_VIEW, { treeDataProvider: tree, showCollapseAll: true });
  const reportsDir = vscode.Uri.joinPath(context.globalStorageUri, 'evaluations').fsPath;
  const models = new ModelManager(
    vscode.Uri.joinPath(context.extensionUri, 'dist', 'modelServer.mjs').fsPath,
    context.globalStorageUri,
    context.secrets,
    log,
    sampleModelPath(context.extensionUri.fsPath),
    context.globalState,
  );
  const sqlBinding = new SqlConnectionBinding(context.workspaceState, store);
  const history = new QueryHistoryService(context.globalStorageUri, log);
  const followUps = new FollowUpChain();
  const historyTree = new HistoryTreeProvider(history);
  const proposals = new ProposedSqlDocuments();
  const promptContext = new PromptContextSources(
    context.workspaceState,
    context.globalStorageUri,
    log,
    (connection) => history.vouchedPairs(connection),
    (connection) => store.attachments(connection),
  );
  const promptContextTree = new PromptContextTreeProvider(promptContext);
  const inlineCompletion = new SqlInlineCompletionProvider(sqlBinding, models, log);
  const diagnostics = vscode.languages.createDiagnosticCollection('quarry');
  const runLens = new RunQueryCodeLens(sqlBinding);
  context.subscriptions.push(
    log,
    store,
    tree,
    models,
    sqlBinding,
    inlineCompletion,
    vscode.languages.registerInlineCompletionItemProvider({ language: 'sql' }, inlineCompletion),
    registerCommand(COMMANDS.toggleInlineCompletion, log, () => toggleInlineCompletion()),
    registerCommand(COMMANDS.chooseSqlConnection, log, async (uri?: vscode.Uri, path?: string) => {
      const chosen = await chooseSqlConnection(sqlBinding, uri, path);
      runLens.refresh();
      return chosen;
    }),
    diagnostics,
    vscode.languages.registerCodeLensProvider({ language: 'sql' }, runLens),
    store.onDidChange(() => runLens.refresh()),
    store.onDidChange(() => {
      for (const connection of store.list()) if (connection.db && connection.schema) promptContext.prepare(connection.path, connection.db, connection.schema, readSettings());
    }),
    registerCommand(COMMANDS.runQuery, log, (args?: RunQueryArgs) => runQuery(context.extensionUri, store, sqlBinding, diagnostics, history, args)),
    registerCommand(COMMANDS.cancelQuery, log, () => ResultsPanel.cancelRunning()),
    registerCommand(COMMANDS.exportResults, log, (args?: { format?: string; file?: string }) => exportResults(args)),
    databasesView,
    registerCommand(COMMANDS.connectDatabase, log, (target?: vscode.Uri | ServerTarget) => connectDatabase(store, databasesView, log, target)),
    registerCommand(COMMANDS.refreshDatabases, log, (node?: DatabaseNode) => refreshDatabases(store, node)),
    registerCommand(COMMANDS.disconnectDatabase, log, (node?: DatabaseNode) => disconnectDatabase(store, node)),
    registerCommand(COMMANDS.attachDatabase, log, (target?: DatabaseNode | AttachArgs) => attachDatabase(store, log, target)),
    registerCommand(COMMANDS.detachDatabase, log, (node?: DatabaseNode) => detachDatabase(store, log, node)),
    registerCommand(COMMANDS.showLog, log, () => log.show()),
    registerCommand(COMMANDS.selectModel, log, (server?: ServerChoice) => selectModel(models, log, server)),
    registerCommand(COMMANDS.runEvaluation, log, (args?: RunEvaluationArgs) =>
      runEvaluationCommand(context.extensionUri, reportsDir, store, models, log, args),
    ),
    registerCommand(COMMANDS.buildDataset, log, (args?: BuildDatasetArgs) =>
      buildDatasetFromHistory(store, models, workerScript, history.path, log, args),
    ),
    registerCommand(COMMANDS.openEvaluation, log, async (reportPath?: string, comparePath?: string) => {
      const panel = EvalPanel.show(context.extensionUri, reportsDir, (path) => store.credentialsForDataTarget(path));
      if (reportPath) await panel.post({ event: 'show', path: reportPath, comparePath });
    }),
    registerCommand(COMMANDS.askInEnglish, log, (args?: AskArgs | DatabaseNode) =>
      askInEnglish(store, sqlBinding, models, promptContext, history, followUps, log, args && 'kind' in args ? askArgsFromNode(args) : args),
    ),
    registerCommand(COMMANDS.askFollowUp, log, (args?: AskArgs) => askInEnglish(store, sqlBinding, models, promptContext, history, followUps, log, { ...args, followUp: true })),
    registerCommand(COMMANDS.resetFollowUps, log, () => {
      const had = followUps.reset();
      if (had) void vscode.window.setStatusBarMessage('Quarry: follow-ups reset; the next Ask starts afresh', 4000);
      return had;
    }),
    followUps,
    promptContext,
    promptContextTree,
    vscode.window.createTreeView(PROMPT_CONTEXT_VIEW, { treeDataProvider: promptContextTree }),
    history,
    historyTree,
    vscode.window.createTreeView(HISTORY_VIEW, { treeDataProvider: historyTree }),
    ...registerHistoryCommands(history, sqlBinding, log),
    ...registerTableActions(sqlBinding, log),
    proposals,
    vscode.languages.registerCodeActionsProvider({ language: 'sql' }, new FixCodeActionProvider(), { providedCodeActionKinds: FixCodeActionProvider.kinds }),
    registerCommand(COMMANDS.explainQuery, log, (args?: ExplainQueryArgs) => explainQuery(sqlBinding, models, log, args)),
    registerCommand(COMMANDS.fixQuery, log, (args?: FixQueryArgs) => fixQuery(store, sqlBinding, models, promptContext, proposals, log, args)),
    vscode.languages.registerCompletionItemProvider({ language: 'sql' }, new SqlSchemaCompletionProvider(sqlBinding), '.'),
    registerCommand(COMMANDS.pinTable, log, (node: PromptContextNode) => node.kind === 'table' && promptContext.setPinned(node.connection, node.name, true)),
    registerCommand(COMMANDS.unpinTable, log, (node: PromptContextNode) => node.kind === 'table' && promptContext.setPinned(node.connection, node.name, false)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (MODEL_LOAD_SETTINGS.some((key) => event.affectsConfiguration(`quarry.model.${key}`))) models.reset();
      if (['quarry.query', 'quarry.schema', 'quarry.privacy'].some((section) => event.affectsConfiguration(section))) void store.reopenAll();
    }),
  );
  log.info(`Quarry ${context.extension.packageJSON.version} activated`);
  // Activation must not wait on reading schemas: the view fills in as each connection opens.
  const ready = store.restore();
  return { connections: store, databasesTree: tree, databasesView, models, sqlBinding, inlineCompletion, ready, logFolder: context.logUri.fsPath, promptContext, promptContextTree, history, historyTree };
}

/** Settings that change what is loaded; quarry.model.grammar applies to the next question without a reload. */
const MODEL_LOAD_SETTINGS = ['source', 'sha256', 'lora', 'loraScale', 'gpu', 'threads', 'contextSize', 'gpuLayers', 'batchSequences', 'endpoint', 'api', 'name'];

/** The inline button on a connection asks about that connection. */
function askArgsFromNode(node: DatabaseNode): AskArgs {
  return node.kind === 'connection' ? { connection: node.connection.path } : {};
}

export function deactivate(): void {}
