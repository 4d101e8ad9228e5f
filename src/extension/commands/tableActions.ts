import * as vscode from 'vscode';
import type { ResultsView } from '../../core/protocol/resultsPanelMessages';
import { renderTable } from '../../core/schema/renderSchemaDdl';
import { formatSql } from '../../core/sql/formatSql';
import { identifier, tableIdentifier } from '../../core/sql/quoteIdentifier';
import { COMMANDS } from '../commandIds';
import type { DatabaseNode } from '../DatabasesTreeProvider';
import { registerCommand } from '../registerCommand';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';

const PREVIEW_ROWS = 100;
/** Two clicks on the same table within this long are a double-click (tree views report only clicks). */
const DOUBLE_CLICK_MS = 500;

type TableNode = Extract<DatabaseNode, { kind: 'table' }>;

/**
 * The Databases view's table actions, as other database extensions have them: Select Top 100 (a
 * SQL editor with the statement, its rows in the results panel), a double-click preview (the rows only), Copy Name (table or column, as SQL
 * names it), Show DDL; and Format SQL for the editor (sql-formatter in the file's dialect).
 */
export function registerTableActions(binding: SqlConnectionBinding, log: vscode.LogOutputChannel): vscode.Disposable[] {
  let lastClick: { key: string; at: number } | null = null;
  const topRows = (node: TableNode) => `SELECT * FROM ${tableIdentifier(node.table, node.connection.schema?.dialect)} LIMIT ${PREVIEW_ROWS};\n`;
  return [
    // A table's click in the Databases view: the second of two quick ones shows its first rows in the grid, no editor opened.
    registerCommand(COMMANDS.previewTable, log, async (node: TableNode): Promise<ResultsView | undefined> => {
      const key = `${node.connection.path}\0${node.table.schema ?? ''}\0${node.table.name}`;
      const now = Date.now();
      const double = lastClick?.key === key && now - lastClick.at <= DOUBLE_CLICK_MS;
      lastClick = double ? null : { key, at: now };
      if (!double) return undefined;
      return vscode.commands.executeCommand<ResultsView>(COMMANDS.runQuery, { sql: topRows(node), connection: node.connection.path });
    }),
    registerCommand(COMMANDS.selectTop, log, async (node: TableNode): Promise<ResultsView | undefined> => {
      const sql = topRows(node);
      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: sql });
      await vscode.window.showTextDocument(document);
      await binding.choose(document, node.connection.path);
      return vscode.commands.executeCommand<ResultsView>(COMMANDS.runQuery, { uri: document.uri.toString(), offset: 0, connection: node.connection.path });
    }),
    registerCommand(COMMANDS.copyName, log, async (node: Extract<DatabaseNode, { kind: 'table' | 'column' }>) => {
      // Quoted as the engine needs: a Postgres name with capitals only matches quoted.
      const name = node.kind === 'table' ? tableIdentifier(node.table, node.connection.schema?.dialect) : identifier(node.column.name, node.connection?.schema?.dialect);
      await vscode.env.clipboard.writeText(name);
      void vscode.window.setStatusBarMessage(`Quarry: ${name} copied`, 3000);
      return name;
    }),
    registerCommand(COMMANDS.showDdl, log, async (node: TableNode) => {
      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: renderTable(node.table, node.connection.schema?.dialect) });
      await vscode.window.showTextDocument(document, { preview: true });
      return document.getText();
    }),
    registerCommand(COMMANDS.formatSql, log, async () => {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return undefined;
      const edits = formatEdits(editor.document, editor.selection.isEmpty ? undefined : editor.selection, binding);
      await editor.edit((builder) => edits.forEach((edit) => builder.replace(edit.range, edit.newText)));
      return editor.document.getText();
    }),
    vscode.languages.registerDocumentFormattingEditProvider({ language: 'sql' }, { provideDocumentFormattingEdits: (document) => formatEdits(document, undefined, binding) }),
    vscode.languages.registerDocumentRangeFormattingEditProvider({ language: 'sql' }, { provideDocumentRangeFormattingEdits: (document, range) => formatEdits(document, range, binding) }),
  ];
}

/** The document (or a range of it) laid out by sql-formatter in the dialect of the file's database (SQLite's without one). */
function formatEdits(document: vscode.TextDocument, range: vscode.Range | undefined, binding: SqlConnectionBinding): vscode.TextEdit[] {
  const dialect = binding.connectionFor(document)?.schema?.dialect ?? 'sqlite';
  const whole = range ?? new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
  const text = document.getText(whole);
  const formatted = formatSql(text, dialect);
  // A whole file ends with one newline; a range keeps its own ending.
  const result = range ? formatted : `${formatted.trimEnd()}\n`;
  return result === text ? [] : [vscode.TextEdit.replace(whole, result)];
}
