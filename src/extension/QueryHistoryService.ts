import { existsSync, mkdirSync, renameSync } from 'node:fs';
import * as vscode from 'vscode';
import type { PoolExample } from '../core/context/ExamplePool';
import { QueryHistory, type HistoryEntry, type HistoryFilter, type NewHistoryEntry } from '../core/history/QueryHistory';
import { readSettings } from './settings';

/**
 * Quarry's query history in the editor: every Ask and Run recorded (unless quarry.history.enabled is
 * off), in `history.sqlite` in the extension's storage, the view's filter, and the vouched pairs
 * Ask's example pool takes. A history file that cannot be read is moved aside, not lost.
 */
export class QueryHistoryService implements vscode.Disposable {
  private history: QueryHistory | null = null;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** What the History view shows: words to find and a connection, set from its title bar. */
  filter: HistoryFilter = {};

  constructor(
    private readonly storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** The file `quarry dataset build --history` reads. */
  get path(): string {
    return vscode.Uri.joinPath(this.storage, 'history.sqlite').fsPath;
  }

  /** Records an Ask or a Run; nothing when history is off. */
  record(entry: NewHistoryEntry): number | undefined {
    const store = this.open();
    if (!store) return undefined;
    const id = store.record(entry, { schemaOnly: readSettings().schemaOnly });
    this.changed.fire();
    return id;
  }

  list(): HistoryEntry[] {
    return this.open()?.list(this.filter) ?? [];
  }

  get(id: number): HistoryEntry | undefined {
    return this.open()?.get(id);
  }

  connections(): string[] {
    return this.open()?.connections() ?? [];
  }

  remove(id: number): void {
    this.open()?.remove(id);
    this.changed.fire();
  }

  setFeedback(id: number, feedback: Parameters<QueryHistory['setFeedback']>[1]): void {
    this.open()?.setFeedback(id, feedback);
    this.changed.fire();
  }

  /** Pairs the user vouched for on this connection: few-shot examples for its next Asks. */
  vouchedPairs(connection: string): PoolExample[] {
    return this.open()?.vouchedPairs(connection) ?? [];
  }

  setFilter(filter: HistoryFilter): void {
    this.filter = filter;
    this.changed.fire();
  }

  dispose(): void {
    this.history?.dispose();
    this.changed.dispose();
  }

  private open(): QueryHistory | null {
    const settings = readSettings().history;
    if (!settings.enabled) {
      this.history?.dispose();
      this.history = null;
      return null;
    }
    if (this.history) return this.history;
    mkdirSync(this.storage.fsPath, { recursive: true });
    try {
      this.history = QueryHistory.open(this.path, { maxEntries: settings.maxEntries });
    } catch (error) {
      // Kept for the user to look at; a new history starts beside it.
      const aside = `${this.path}.unreadable-${Date.now()}`;
      if (existsSync(this.path)) renameSync(this.path, aside);
      this.log.error(`query history: ${(error as Error).message}; moved to ${aside}`);
      this.history = QueryHistory.open(this.path, { maxEntries: settings.maxEntries });
    }
    return this.history;
  }
}
