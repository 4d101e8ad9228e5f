import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { AskResult } from '../../core/ask/askQuestion';
import { askInEditor } from '../askInEditor';
import { formatSql } from '../../core/sql/formatSql';
import { statementAt } from '../../core/sql/statementAt';
import type { ConnectionStore } from '../ConnectionStore';
import type { ModelManager } from '../ModelManager';
import type { PromptContextSources } from '../PromptContextSources';
import type { ProposedSqlDocuments } from '../ProposedSqlDocuments';
import { reportError } from '../reportError';
import { requireModel } from '../requireModel';
import { readSettings } from '../settings';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';
import { withCancellableProgress } from '../withCancellableProgress';

export interface FixQueryArgs {
  /** The SQL file and an offset in the statement; by default the active editor's cursor. */
  uri?: string;
  offset?: number;
}

/** What the fix was asked with when the statement has no comment above it saying what it is for. */
const NO_QUESTION = 'What this query was written to find, as a query that runs on this database';

/**
 * "Fix with Quarry" (a quick fix on a statement the database rejected, and a command): the
 * statement, the database's error and the schema go through Ask's correction path, and the answer is
 * shown as a diff against the statement, to accept (it replaces the statement) or reject.
 */
export async function fixQuery(
  store: ConnectionStore,
  binding: SqlConnectionBinding,
  models: ModelManager,
  promptContext: PromptContextSources,
  proposals: ProposedSqlDocuments,
  log: vscode.LogOutputChannel,
  args: FixQueryArgs = {},
): Promise<'accepted' | 'rejected' | undefined> {
  const document = args.uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(args.uri)) : vscode.window.activeTextEditor?.document;
  if (!document) return undefined;
  const offset = args.offset ?? document.offsetAt(vscode.window.activeTextEditor!.selection.active);
  const text = document.getText();
  const span = statementAt(text, offset);
  const connection = binding.connectionFor(document);
  if (!span || !connection?.db || !connection.schema) {
    void vscode.window.showInformationMessage('Quarry: Fix needs a statement in a SQL file that has a database.');
    return undefined;
  }
  // A statement's span starts at the comment above it: that comment is the question, and stays as it is.
  const lead = /^(?:\s*--[^\n]*\n)*\s*/.exec(span.text)![0];
  const statement = { text: span.text.slice(lead.length), start: span.start + lead.length, end: span.end };
  // The database's own words: why the statement fails now (it may run by now).
  const error = await connection.db.query(statement.text, { maxRows: 1, timeoutMs: readSettings().queryTimeoutMs }).then(() => null, (e: Error) => e.message);
  if (error === null) {
    void vscode.window.showInformationMessage('Quarry: this statement runs; there is nothing to fix.');
    return undefined;
  }
  if (!(await requireModel(models))) return undefined;
  const question = commentText(lead) ?? commentText(linesAbove(text, span.start)) ?? NO_QUESTION;
  const settings = readSettings();
  const result = await withCancellableProgress('Quarry: fixing the query', async (report, signal): Promise<AskResult | undefined> => {
    try {
      return await askInEditor({ store, models, promptContext, settings }, connection.path, question, { report, signal }, { failed: { sql: statement.text, error } });
    } catch (failure) {
      if (!signal.aborted) reportError(log, 'fix failed', failure);
      return undefined;
    }
  });
  if (!result) return undefined;
  const fixed = formatSql(result.sql, connection.schema.dialect);
  log.info(`fix ${basename(connection.path)}: ${statement.text.replace(/\s+/g, ' ')} (${error}) → ${result.sql} (${result.valid ? 'runs' : `still fails: ${result.attempts.at(-1)?.error ?? ''}`})`);
  const before = proposals.add('statement', statement.text);
  const after = proposals.add('fixed', fixed);
  await vscode.commands.executeCommand('vscode.diff', before, after, `Fix with Quarry: ${basename(document.uri.path)}`, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  const verdict = result.valid ? `The fix runs (${result.attempts.length} ${result.attempts.length === 1 ? 'attempt' : 'attempts'}).` : 'The fix still fails on the database.';
  const choice = await vscode.window.showInformationMessage(`Quarry: ${verdict} Replace the statement with it?`, 'Accept', 'Reject');
  proposals.forget(before, after);
  await closeDiff(after);
  if (choice !== 'Accept') return 'rejected';
  const range = new vscode.Range(document.positionAt(statement.start), document.positionAt(statement.end));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, range, fixed);
  await vscode.workspace.applyEdit(edit);
  return 'accepted';
}

/** The `--` lines of a block of text, as one line: what a statement is for, in its author's words. */
function commentText(block: string): string | null {
  const words = block
    .split('\n')
    .filter((line) => /^\s*--/.test(line))
    .map((line) => line.replace(/^\s*--\s?/, '').trim())
    .join(' ')
    .trim();
  return words || null;
}

/** The comment lines right above `start` (when the statement's span does not hold them). */
function linesAbove(text: string, start: number): string {
  const lines = text.slice(0, start).split('\n');
  lines.pop();
  const above: string[] = [];
  while (lines.length && /^\s*--/.test(lines.at(-1)!)) above.unshift(lines.pop()!);
  return above.join('\n');
}

async function closeDiff(uri: vscode.Uri): Promise<void> {
  for (const group of vscode.window.tabGroups.all) {
    for (const tab of group.tabs) {
      if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === uri.toString()) await vscode.window.tabGroups.close(tab);
    }
  }
}
