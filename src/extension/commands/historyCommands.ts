import * as vscode from 'vscode';
import type { HistoryEntry } from '../../core/history/QueryHistory';
import type { ResultsView } from '../../core/protocol/resultsPanelMessages';
import { COMMANDS } from '../commandIds';
import type { HistoryNode } from '../HistoryTreeProvider';
import type { QueryHistoryService } from '../QueryHistoryService';
import { registerCommand } from '../registerCommand';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';

/** A History command's target: the row it was run on (the view), or an entry's id (scripts, tests). */
type Target = HistoryNode | { id: number } | undefined;

/**
 * The History view's commands: find (words, a connection), run again, open, copy, delete, and
 * feedback on an Ask's answer (right, wrong, corrected), which decides what teaches Quarry.
 */
export function registerHistoryCommands(history: QueryHistoryService, binding: SqlConnectionBinding, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const entryOf = (target: Target): HistoryEntry | undefined => (target && 'entry' in target ? history.get(target.entry.id) : target ? history.get(target.id) : undefined);
  const showFiltered = () => vscode.commands.executeCommand('setContext', 'quarry.historyFiltered', !!(history.filter.search || history.filter.connection));
  return [
    registerCommand(COMMANDS.historySearch, log, async (words?: string) => {
      const search = words ?? (await vscode.window.showInputBox({ title: 'Search the query history', prompt: 'Words in the question or the SQL', value: history.filter.search ?? '' }));
      if (search === undefined) return;
      history.setFilter({ ...history.filter, search: search.trim() || undefined });
      await showFiltered();
    }),
    registerCommand(COMMANDS.historyFilterConnection, log, async (connection?: string) => {
      const chosen = connection ?? (await vscode.window.showQuickPick(['All connections', ...history.connections()], { title: 'History of which connection?' }));
      if (chosen === undefined) return;
      history.setFilter({ ...history.filter, connection: chosen === 'All connections' ? undefined : chosen });
      await showFiltered();
    }),
    registerCommand(COMMANDS.historyClearFilter, log, async () => {
      history.setFilter({});
      await showFiltered();
    }),
    registerCommand(COMMANDS.historyRerun, log, async (target: Target): Promise<ResultsView | undefined> => {
      const entry = entryOf(target);
      if (!entry) return undefined;
      // An editor of its own, bound to the entry's database, so the run goes where it went before.
      const document = await openEntry(entry);
      await binding.choose(document, entry.connection);
      return vscode.commands.executeCommand<ResultsView>(COMMANDS.runQuery, { uri: document.uri.toString(), offset: 0, connection: entry.connection });
    }),
    registerCommand(COMMANDS.historyOpen, log, async (target: Target) => {
      const entry = entryOf(target);
      if (entry) await binding.choose(await openEntry(entry), entry.connection);
    }),
    registerCommand(COMMANDS.historyCopy, log, async (target: Target) => {
      const entry = entryOf(target);
      if (!entry) return;
      await vscode.env.clipboard.writeText(entry.correctedSql ?? entry.sql);
      void vscode.window.setStatusBarMessage('Quarry: SQL copied', 3000);
    }),
    registerCommand(COMMANDS.historyDelete, log, (target: Target) => {
      const entry = entryOf(target);
      if (entry) history.remove(entry.id);
    }),
    registerCommand(COMMANDS.historyMarkRight, log, (target: Target) => {
      const entry = entryOf(target);
      if (entry) history.setFeedback(entry.id, { verdict: 'right' });
    }),
    registerCommand(COMMANDS.historyMarkWrong, log, (target: Target) => {
      const entry = entryOf(target);
      if (entry) history.setFeedback(entry.id, { verdict: 'wrong' });
    }),
    registerCommand(COMMANDS.historyCorrect, log, async (target: Target, correction?: { sql?: string; question?: string }) => {
      const entry = entryOf(target);
      if (!entry) return;
      const given = correction ?? (await askCorrection(entry));
      if (!given) return;
      history.setFeedback(entry.id, { ...(given.sql !== undefined ? { correctedSql: given.sql } : {}), ...(given.question !== undefined ? { correctedQuestion: given.question } : {}) });
    }),
  ];
}

async function openEntry(entry: HistoryEntry): Promise<vscode.TextDocument> {
  const question = entry.correctedQuestion ?? entry.question;
  const content = `${question ? `${question.split('\n').map((line) => `-- ${line}`).join('\n')}\n` : ''}${(entry.correctedSql ?? entry.sql).trim()}\n`;
  const document = await vscode.workspace.openTextDocument({ language: 'sql', content });
  await vscode.window.showTextDocument(document);
  return document;
}

/** Which part to correct, then its new text. */
async function askCorrection(entry: HistoryEntry): Promise<{ sql?: string; question?: string } | undefined> {
  const part = entry.question
    ? await vscode.window.showQuickPick(['Correct the SQL', 'Correct the question'], { title: 'Correct this answer: the corrected pair is what Quarry learns from' })
    : 'Correct the SQL';
  if (!part) return undefined;
  if (part === 'Correct the SQL') {
    const sql = await vscode.window.showInputBox({ title: 'The right SQL for this question', value: entry.correctedSql ?? entry.sql, ignoreFocusOut: true });
    return sql === undefined ? undefined : { sql };
  }
  const question = await vscode.window.showInputBox({ title: 'The question this SQL answers', value: entry.correctedQuestion ?? entry.question ?? '', ignoreFocusOut: true });
  return question === undefined ? undefined : { question };
}
