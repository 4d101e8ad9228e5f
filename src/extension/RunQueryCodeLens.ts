import * as vscode from 'vscode';
import { statementsIn } from '../core/sql/statementAt';
import { COMMANDS } from './commandIds';
import type { SqlConnectionBinding } from './SqlConnectionBinding';

/** "▶ Run Query" and "Explain" above each statement of a SQL file that has a database, so SQL Quarry inserted runs (or is explained) with a click. */
export class RunQueryCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly binding: SqlConnectionBinding) {}

  /** The file's database changed: the lenses come or go with it. */
  refresh(): void {
    this.changed.fire();
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!this.binding.connectionFor(document)?.db) return [];
    return statementsIn(document.getText()).flatMap((statement) => {
      const at = new vscode.Range(document.positionAt(statement.start), document.positionAt(statement.start));
      const target = { uri: document.uri.toString(), offset: statement.start };
      return [
        new vscode.CodeLens(at, { title: '$(play) Run Query', command: COMMANDS.runQuery, arguments: [target] }),
        new vscode.CodeLens(at, { title: 'Explain', command: COMMANDS.explainQuery, arguments: [target] }),
      ];
    });
  }
}
