import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import { DIALECT_PROFILES } from '../core/dialects/dialectProfiles';
import type { ColumnSchema, TableSchema } from '../core/types/DatabaseSchema';
import { COMMANDS } from './commandIds';
import type { Connection, ConnectionStore } from './ConnectionStore';
import { databaseNameOf, isUrlTarget } from '../core/db/databaseEngines';

export type DatabaseNode =
  | { kind: 'connection'; connection: Connection }
  /** A server database's namespace (Postgres schema): its tables sit under it. */
  | { kind: 'schema'; connection: Connection; name: string }
  | { kind: 'table'; connection: Connection; table: TableSchema }
  | { kind: 'column'; table: TableSchema; column: ColumnSchema; connection?: Connection };

/** The "Databases" view: connections → (schemas →) tables and views → columns with types and keys. */
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
      if (hasNamespaces(node.connection)) return namespacesOf(node.connection).map((name) => ({ kind: 'schema', connection: node.connection, name }));
      return (node.connection.schema?.tables ?? []).map((table) => ({ kind: 'table', connection: node.connection, table }));
    }
    if (node.kind === 'schema') {
      const tables = (node.connection.schema?.tables ?? []).filter((table) => namespaceOf(table, node.connection) === node.name);
      return tables.map((table) => ({ kind: 'table', connection: node.connection, table }));
    }
    if (node.kind === 'table') return node.table.columns.map((column) => ({ kind: 'column', table: node.table, column, connection: node.connection }));
    return [];
  }

  /** Needed to reveal a node: a table's parent is its schema or connection; connections are at the top (columns are never revealed). */
  getParent(node: DatabaseNode): DatabaseNode | undefined {
    if (node.kind === 'table' && hasNamespaces(node.connection)) return { kind: 'schema', connection: node.connection, name: namespaceOf(node.table, node.connection) };
    return node.kind === 'table' || node.kind === 'schema' ? { kind: 'connection', connection: node.connection } : undefined;
  }

  getTreeItem(node: DatabaseNode): vscode.TreeItem {
    if (node.kind === 'connection') return connectionItem(node.connection);
    if (node.kind === 'schema') return schemaItem(node.connection, node.name, this.store.attachments(node.connection.path).some((a) => a.alias === node.name));
    if (node.kind === 'table') return tableItem(node);
    return columnItem(node.table, node.column);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Server databases have namespaces, and so does a file with tables outside its default schema (a DuckDB warehouse); else a file's tables sit right under it. */
function hasNamespaces(connection: Connection): boolean {
  return isUrlTarget(connection.path) || (connection.schema?.tables ?? []).some((table) => table.schema !== undefined);
}

/** The namespace a table without one lives in: Postgres's `public`, DuckDB's and SQLite's `main`. */
function namespaceOf(table: TableSchema, connection: Connection): string {
  const dialect = connection.schema?.dialect ?? connection.db?.dialect;
  return table.schema ?? (dialect ? DIALECT_PROFILES[dialect].defaultSchema : 'main');
}

function namespacesOf(connection: Connection): string[] {
  return [...new Set((connection.schema?.tables ?? []).map((table) => namespaceOf(table, connection)))];
}

function schemaItem(connection: Connection, name: string, attached: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(name, name === 'public' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `schema:${connection.path}:${name}`;
  item.contextValue = attached ? 'attachedSchema' : 'schema';
  item.iconPath = new vscode.ThemeIcon(attached ? 'link' : 'symbol-namespace');
  const count = (connection.schema?.tables ?? []).filter((t) => namespaceOf(t, connection) === name).length;
  item.description = `${count} ${count === 1 ? 'table' : 'tables'}`;
  return item;
}

function connectionItem(connection: Connection): vscode.TreeItem {
  const server = isUrlTarget(connection.path);
  const item = new vscode.TreeItem(server ? databaseNameOf(connection.path) : basename(connection.path), vscode.TreeItemCollapsibleState.Expanded);
  item.id = `connection:${connection.path}`;
  item.contextValue = connection.error ? 'connection-error' : 'connection';
  if (!server) item.resourceUri = vscode.Uri.file(connection.path);
  if (connection.error) {
    item.description = `${connection.error.code}: ${connection.error.message}`;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    item.tooltip = `${connection.path}\n${connection.error.message}`;
    item.collapsibleState = vscode.TreeItemCollapsibleState.None;
  } else {
    const dialect = connection.db?.dialect ?? connection.schema?.dialect ?? '';
    item.description = `${dialect} · ${server ? hostOf(connection.path) : dirname(connection.path)}`;
    item.iconPath = new vscode.ThemeIcon('database');
    item.tooltip = `${connection.path} (${dialect}, read-only)`;
  }
  return item;
}

function tableItem(node: Extract<DatabaseNode, { kind: 'table' }>): vscode.TreeItem {
  const table = node.table;
  const item = new vscode.TreeItem(table.name, vscode.TreeItemCollapsibleState.Collapsed);
  // Tree views report clicks only: the command tells a double-click (a preview of the rows) from one.
  item.command = { command: COMMANDS.previewTable, title: 'Preview Table', arguments: [node] };
  item.contextValue = table.kind;
  item.iconPath = new vscode.ThemeIcon(table.kind === 'view' ? 'eye' : 'table');
  item.description = table.kind === 'view' || table.rowCount === null ? table.kind : `${table.rowCountEstimated ? '~' : ''}${table.rowCount} ${table.rowCount === 1 ? 'row' : 'rows'}`;
  if (table.comment) item.tooltip = table.comment;
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
  const tooltip = [column.comment, column.examples.length > 0 ? `e.g. ${column.examples.join(', ')}` : ''].filter(Boolean).join('\n');
  if (tooltip) item.tooltip = tooltip;
  return item;
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.port ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  } catch {
    return url;
  }
}
