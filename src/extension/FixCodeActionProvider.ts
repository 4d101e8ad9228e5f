import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';

/** "Fix with Quarry" on a statement the database rejected (Run Query's diagnostic). */
export class FixCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    return context.diagnostics
      .filter((diagnostic) => diagnostic.source === 'Quarry')
      .map((diagnostic) => {
        const action = new vscode.CodeAction('Fix with Quarry', vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.command = { command: COMMANDS.fixQuery, title: 'Fix with Quarry', arguments: [{ uri: document.uri.toString(), offset: document.offsetAt(diagnostic.range.start) }] };
        return action;
      });
  }
}
