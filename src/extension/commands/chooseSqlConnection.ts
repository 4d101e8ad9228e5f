import * as vscode from 'vscode';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';

/** "Quarry: Choose Database for SQL File…": for the given file (or the active editor's), a picked or given database. */
export async function chooseSqlConnection(binding: SqlConnectionBinding, uri?: vscode.Uri, path?: string): Promise<string | undefined> {
  const document = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
  if (!document) {
    void vscode.window.showInformationMessage('Quarry: open a SQL file first, then choose its database.');
    return undefined;
  }
  return binding.choose(document, path);
}
