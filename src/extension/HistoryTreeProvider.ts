import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { HistoryEntry } from '../core/history/QueryHistory';
import type { QueryHistoryService } from './QueryHistoryService';

/** A row of the History view: the entry it shows. */
export interface HistoryNode {
  entry: HistoryEntry;
}

/**
 * The History view: Asks and Runs, newest first, as the filter in its title bar narrows them. An
 * Ask shows its question (the SQL in the tooltip), a Run its SQL; the icon says how it went.
 */
export class HistoryTreeProvider implements vscode.TreeDataProvider<HistoryNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly history: QueryHistoryService) {
    this.subscription = history.onDidChange(() => this.changed.fire());
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    return node ? [] : this.history.list().map((entry) => ({ entry }));
  }

  getTreeItem({ entry }: HistoryNode): vscode.TreeItem {
    const text = entry.correctedQuestion ?? entry.question ?? oneLine(entry.correctedSql ?? entry.sql);
    const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
    item.id = String(entry.id);
    const outcome = entry.error ? 'failed' : entry.rows !== null ? `${entry.rows} ${entry.rows === 1 ? 'row' : 'rows'}` : '';
    const verdict = entry.feedback === 'right' ? (entry.correctedSql || entry.correctedQuestion ? '✓ corrected' : '✓ right') : entry.feedback === 'wrong' ? '✗ wrong' : '';
    item.description = [connectionName(entry.connection), outcome, verdict, when(entry.at)].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon(entry.error ? 'error' : entry.kind === 'ask' ? 'comment-discussion' : 'play');
    const tooltip = new vscode.MarkdownString();
    if (entry.question) tooltip.appendText(`${entry.correctedQuestion ?? entry.question}\n\n`);
    tooltip.appendCodeblock(entry.correctedSql ?? entry.sql, 'sql');
    if (entry.correctedSql) tooltip.appendText(`\nThe model wrote:\n`).appendCodeblock(entry.sql, 'sql');
    if (entry.error) tooltip.appendText(`\n${entry.error}`);
    tooltip.appendText(`\n${entry.connection} · ${entry.at}${entry.ms !== null ? ` · ${Math.round(entry.ms)} ms` : ''}`);
    item.tooltip = tooltip;
    item.contextValue = entry.kind === 'ask' ? 'historyAsk' : 'historyRun';
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function oneLine(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

function connectionName(connection: string): string {
  return /^[a-z]+:\/\//i.test(connection) ? (connection.split('/').pop() ?? connection) : basename(connection);
}

/** "14:02" today, else the date. */
function when(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? date.toTimeString().slice(0, 5) : date.toISOString().slice(0, 10);
}
