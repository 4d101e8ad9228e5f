import { basename } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { Connection, ConnectionStore } from './ConnectionStore';
import { pickConnection } from './pickConnection';

const FILES_KEY = 'quarry.sqlFileConnections';
const DEFAULT_KEY = 'quarry.sqlDefaultConnection';

/**
 * Which database a SQL file is written against: chosen per file, else the workspace's choice, else
 * the only connected database. Shown in the status bar while a SQL editor is active; clicking it changes it.
 */
export class SqlConnectionBinding implements vscode.Disposable {
  private readonly statusItem = vscode.window.createStatusBarItem('quarry.sqlConnection', vscode.StatusBarAlignment.Right, 101);
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly state: vscode.Memento,
    private readonly store: ConnectionStore,
  ) {
    this.statusItem.name = 'Quarry SQL database';
    this.statusItem.command = COMMANDS.chooseSqlConnection;
    this.disposables.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      store.onDidChange(() => this.render()),
    );
    this.render();
  }

  /** The connection for a document, or undefined when none can be chosen without asking. */
  connectionFor(document: vscode.TextDocument): Connection | undefined {
    const files = this.state.get<Record<string, string>>(FILES_KEY, {});
    // A file whose database was disconnected goes on with the workspace's.
    for (const chosen of [files[document.uri.toString()], this.state.get<string>(DEFAULT_KEY)]) {
      const connection = chosen ? this.store.get(chosen) : undefined;
      if (connection) return connection;
    }
    const usable = this.store.list().filter((c) => c.schema);
    return usable.length === 1 ? usable[0] : undefined;
  }

  /** Binds the file to a picked (or given) database, and the workspace too when it had no choice yet or its choice is gone. */
  async choose(document: vscode.TextDocument, path?: string): Promise<string | undefined> {
    const target =
      path ??
      (await pickConnection(this.store, `Database for ${basename(document.uri.fsPath)}`, 'Inline completion and Ask write SQL against this database'))?.path;
    if (!target) return undefined;
    await this.bind(document, target);
    this.render();
    return target;
  }

  private async bind(document: vscode.TextDocument, target: string): Promise<void> {
    const files = { ...this.state.get<Record<string, string>>(FILES_KEY, {}), [document.uri.toString()]: target };
    await this.state.update(FILES_KEY, files);
    // A default whose database was disconnected would make every new file ask again (issue 31, 8.2).
    const current = this.state.get<string>(DEFAULT_KEY);
    if (!current || !this.store.get(current)) await this.state.update(DEFAULT_KEY, target);
  }

  dispose(): void {
    this.statusItem.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private render(): void {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || document.languageId !== 'sql') {
      this.statusItem.hide();
      return;
    }
    const connection = this.connectionFor(document);
    // A file used with the only database there was keeps it when a second one connects (issue 31, 8.2): it is bound now.
    if (connection && !this.state.get<Record<string, string>>(FILES_KEY, {})[document.uri.toString()]) void this.bind(document, connection.path);
    this.statusItem.text = `$(database) ${connection ? basename(connection.path) : 'No database'}`;
    this.statusItem.tooltip = connection
      ? `Quarry writes SQL in this file against ${connection.path}. Click to change.`
      : 'Quarry: choose the database this SQL file is written against';
    this.statusItem.show();
  }
}
