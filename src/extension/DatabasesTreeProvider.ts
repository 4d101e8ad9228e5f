import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ColumnSchema, TableSchema } from '../core/types/DatabaseSchema';
import type { Connection, ConnectionStore } from './ConnectionStore';

export type DatabaseNode =
  | { kind: 'connection'; connection: Connection }
  | { kind: 'table'; connection: Connection; table: TableSchema }
  | { kind: 'column'; table: TableSchema; column: ColumnSchema };

/** The "Databases" view: connections → tables and views → columns with types and keys. */
export class DatabasesTreeProvider implements vscode.TreeDataProvider<DatabaseNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DatabaseNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: ConnectionStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: DatabaseNode): DatabaseNode[] {
    if (!node) return this.store.list().map((connection) => ({ kind: 'connection', connection }));
    if (node.kind === 'connection') {
      return (node.connection.schema?.tables ?? []).map((table) => ({ kind: 'table', connection: node.connection, table }));
    }
    if (node.kind === 'table') return node.table.columns.map((column) => ({ kind: 'column', table: node.table, column }));
    return [];
  }

  /** Needed to reveal a node: a table's parent is its connection; connections are at the top (columns are never revealed). */
  getParent(node: DatabaseNode): DatabaseNode | undefined {
    return node.kind === 'table' ? { kind: 'connection', connection: node.connection } : undefined;
  }

  getTreeItem(node: DatabaseNode): vscode.TreeItem {
    if (node.kind === 'connection') return connectionItem(node.connection);
    if (node.kind === 'table') return tableItem(node.table);
    return columnItem(node.table, node.column);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function connectionItem(connection: Connection): vscode.TreeItem {
  const item = new vscode.TreeItem(basename(connection.path), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `connection:${connection.path}`;
  item.contextValue = connection.error ? 'connection-error' : 'connection';
  item.resourceUri = vscode.Uri.file(connection.path);
  if (connection.error) {
    item.description = `${connection.error.code}: ${connection.error.message}`;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = `${connection.path}\n${connection.error.message}`;
    item.collapsibleState = vscode.TreeItemCollapsibleState.None;
  } else {
    const dialect = connection.db?.dialect ?? connection.schema?.dialect ?? '';
    item.description = `${dialect} · ${dirname(connection.path)}`;
    item.iconPath = new vscode.ThemeIcon('database');
    item.tooltip = `${connection.path} (${dialect}, read-only)`;
  }
  return item;
}

function tableItem(table: TableSchema): vscode.TreeItem {
  const item = new vscode.TreeItem(table.name, vscode.TreeItemCollapsibleState.Collapsed);
  item.contextValue = table.kind;
  item.iconPath = new vscode.ThemeIcon(table.kind === 'view' ? 'eye' : 'table');
  item.description = table.kind === 'view' ? 'view' : `${table.rowCount} ${table.rowCount === 1 ? 'row' : 'rows'}`;
  return item;
}

function columnItem(table: TableSchema, column: ColumnSchema): vscode.TreeItem {
  const item = new vscode.TreeItem(column.name, vscode.TreeItemCollapsibleState.None);
  const reference = table.foreignKeys.find((fk) => fk.columns.includes(column.name));
  const keyParts = [
    column.primaryKey ? 'PK' : '',
    reference ? `→ ${reference.refTable}.${reference.refColumns[reference.columns.indexOf(column.name)] ?? ''}` : '',
  ].filter(Boolean);
  item.description = [column.type || 'untyped', ...keyParts].join(' · ');
  item.contextValue = 'column';
  item.iconPath = new vscode.ThemeIcon(column.primaryKey ? 'key' : reference ? 'references' : 'symbol-field');
  if (column.examples.length > 0) item.tooltip = `e.g. ${column.examples.join(', ')}`;
  return item;
}
