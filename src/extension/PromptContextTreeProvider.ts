import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { LastContext, PromptContextSources } from './PromptContextSources';

export type PromptContextNode =
  | { kind: 'question'; last: LastContext }
  | { kind: 'group'; group: 'tables' | 'omitted' | 'values' | 'examples'; last: LastContext }
  | { kind: 'table'; connection: string; name: string; included: boolean }
  | { kind: 'line'; label: string; description?: string; tooltip?: string; icon: string };

/**
 * "Prompt Context": what the model saw for the last Ask, as `quarry context` prints it: the
 * tables (pinned ones marked, each pinnable or unpinnable inline), the values the question named,
 * the examples, the tokens each part took, and the tables left out (pinnable too, so the next Ask
 * has them).
 */
export class PromptContextTreeProvider implements vscode.TreeDataProvider<PromptContextNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PromptContextNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly sources: PromptContextSources) {
    this.subscription = sources.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: PromptContextNode): PromptContextNode[] {
    const last = this.sources.last;
    if (!last) return [];
    if (!node) {
      const { context } = last;
      const t = context.tokens;
      return [
        { kind: 'question', last },
        { kind: 'group', group: 'tables', last },
        ...(context.values.length ? [{ kind: 'group', group: 'values', last } as const] : []),
        ...(context.examples.length ? [{ kind: 'group', group: 'examples', last } as const] : []),
        { kind: 'line', label: `Tokens: ${t.total}`, description: `schema ${t.schema}, values ${t.values}, examples ${t.examples}`, icon: 'symbol-numeric' },
        ...(context.omitted.tables.length ? [{ kind: 'group', group: 'omitted', last } as const] : []),
      ];
    }
    if (node.kind !== 'group') return [];
    const { context, connection } = node.last;
    switch (node.group) {
      case 'tables':
        return context.tables.map((name) => ({ kind: 'table', connection, name, included: true }));
      case 'omitted':
        return context.omitted.tables.map((name) => ({ kind: 'table', connection, name, included: false }));
      case 'values':
        return context.values.map((v) => ({ kind: 'line', label: `'${v.value}'`, description: `${v.table}.${v.column}`, icon: 'symbol-string' }));
      case 'examples':
        return context.examples.map((e) => ({ kind: 'line', label: e.question, description: e.sql, tooltip: `${e.question}\n${e.sql}`, icon: 'lightbulb' }));
    }
  }

  getTreeItem(node: PromptContextNode): vscode.TreeItem {
    switch (node.kind) {
      case 'question': {
        const item = new vscode.TreeItem(node.last.question);
        item.description = basename(node.last.connection);
        item.iconPath = new vscode.ThemeIcon('comment-discussion');
        item.tooltip = `The last Ask, on ${node.last.connection}`;
        return item;
      }
      case 'group':
        return groupItem(node.group, node.last);
      case 'table': {
        const pinned = this.sources.pinned(node.connection).includes(node.name);
        const item = new vscode.TreeItem(node.name);
        item.id = `${node.included ? 'in' : 'out'}:${node.connection}:${node.name}`;
        item.contextValue = pinned ? 'contextTablePinned' : 'contextTable';
        item.iconPath = new vscode.ThemeIcon(pinned ? 'pinned' : 'table');
        if (pinned) item.description = 'pinned';
        item.tooltip = pinned ? 'Pinned: always in the prompt for this connection' : 'Pin it to have it in every prompt for this connection';
        return item;
      }
      case 'line': {
        const item = new vscode.TreeItem(node.label);
        if (node.description) item.description = node.description;
        if (node.tooltip) item.tooltip = node.tooltip;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function groupItem(group: 'tables' | 'omitted' | 'values' | 'examples', last: LastContext): vscode.TreeItem {
  const { context } = last;
  const labels = {
    tables: `Tables (${context.tables.length} of ${last.tableCount}${context.retrieved ? ', retrieved' : ''})`,
    omitted: `Left out (${context.omitted.tables.length})`,
    values: `Values (${context.values.length})`,
    examples: `Examples (${context.examples.length})`,
  };
  const item = new vscode.TreeItem(labels[group], group === 'omitted' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
  item.id = `group:${group}`;
  item.iconPath = new vscode.ThemeIcon({ tables: 'database', omitted: 'eye-closed', values: 'symbol-string', examples: 'lightbulb' }[group]);
  return item;
}
