import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ResultsView } from '../../core/protocol/resultsPanelMessages';
import { locateSqlError } from '../../core/sql/locateSqlError';
import { jsonSafeRows, resultFormatChoices } from '../../core/results/resultFormats';
import { statementAt } from '../../core/sql/statementAt';
import type { ConnectionStore } from '../ConnectionStore';
import { pickConnection } from '../pickConnection';
import { ResultsPanel } from '../ResultsPanel';
import { readSettings } from '../settings';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';
import type { QueryHistoryService } from '../QueryHistoryService';

export interface RunQueryArgs {
  /** The document and the offset of the statement to run (the CodeLens gives them); by default the cursor's. */
  uri?: string;
  offset?: number;
  /** The database (a connected file's path) when the document has none of its own: an untitled editor, a test. */
  connection?: string;
  /** A statement to run on `connection` with no editor at all: a table's preview. */
  sql?: string;
}

/**
 * "Quarry: Run Query" (Ctrl+Enter / ⌘+Enter in a SQL file, or the CodeLens above a statement): the
 * statement under the cursor (or the selection), run read-only on the file's database with the
 * configured limits; its rows go to the results panel, its error there too and under the words the
 * error names in the editor.
 */
export async function runQuery(
  extensionUri: vscode.Uri,
  store: ConnectionStore,
  binding: SqlConnectionBinding,
  diagnostics: vscode.DiagnosticCollection,
  history: QueryHistoryService,
  args: RunQueryArgs = {},
): Promise<ResultsView | undefined> {
  const editor = args.sql !== undefined ? undefined : args.uri ? await vscode.window.showTextDocument(vscode.Uri.parse(args.uri), { preserveFocus: true }) : vscode.window.activeTextEditor;
  if (!editor && args.sql === undefined) return undefined;
  const document = editor?.document;
  const selected = editor && !args.uri && !editor.selection.isEmpty ? { text: editor.document.getText(editor.selection), start: editor.document.offsetAt(editor.selection.start) } : null;
  const statement = editor ? (selected ?? statementAt(editor.document.getText(), args.offset ?? editor.document.offsetAt(editor.selection.active))) : { text: args.sql ?? '', start: 0 };
  if (!statement?.text.trim()) {
    void vscode.window.showInformationMessage('Quarry: there is no SQL statement at the cursor to run.');
    return undefined;
  }
  const bound = args.connection ? store.get(args.connection) : document && binding.connectionFor(document);
  const connection = bound?.db ? bound : await pickConnection(store, 'Run on which database?');
  if (!connection?.db) return undefined;
  // The answer is the file's database from now on, not a question asked at every run (issue 31, 8.2).
  if (document && !bound && !args.connection && document.languageId === 'sql') await binding.choose(document, connection.path);
  if (document) diagnostics.delete(document.uri);
  const settings = readSettings();
  const database = basename(connection.path);
  const run = ResultsPanel.start(extensionUri, { kind: 'running', sql: statement.text, database, startedAt: Date.now() });
  let view: ResultsView;
  try {
    const result = await connection.db.query(statement.text, { maxRows: settings.maxRows, timeoutMs: settings.queryTimeoutMs, signal: run.signal });
    view = {
      kind: 'rows',
      sql: statement.text,
      database,
      columns: result.columns,
      columnTypes: result.columnTypes ?? result.columns.map(() => ''),
      // The webview channel carries JSON: integers past 2^53 go as their digits.
      rows: jsonSafeRows(result.rows),
      truncated: result.truncated,
      maxRows: settings.maxRows,
      elapsedMs: result.elapsedMs,
      formats: resultFormatChoices(),
    };
  } catch (error) {
    if (run.signal.aborted) {
      // Stopped on purpose: nothing in the SQL to mark.
      view = { kind: 'error', sql: statement.text, database, message: 'Cancelled: the statement was stopped.' };
    } else {
      const message = (error as Error).message;
      view = { kind: 'error', sql: statement.text, database, message };
      if (document) markError(diagnostics, document, statement, message);
    }
  }
  run.finish(view);
  history.record({
    kind: 'run',
    connection: connection.path,
    question: null,
    sql: statement.text.trim(),
    ms: view.kind === 'rows' ? view.elapsedMs : null,
    rows: view.kind === 'rows' ? view.rows.length : null,
    error: view.kind === 'error' ? view.message : null,
  });
  return view;
}

/** The engine's message under the words it names (or the whole statement when it names none). */
function markError(diagnostics: vscode.DiagnosticCollection, document: vscode.TextDocument, statement: { text: string; start: number }, message: string): void {
  const spot = locateSqlError(statement.text, message);
  const from = statement.start + (spot?.offset ?? 0);
  const range = new vscode.Range(document.positionAt(from), document.positionAt(from + (spot?.length ?? statement.text.length)));
  const diagnostic = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'Quarry';
  diagnostics.set(document.uri, [diagnostic]);
}
