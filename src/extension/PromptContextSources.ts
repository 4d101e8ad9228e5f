import * as vscode from 'vscode';
import type { AskContextOptions } from '../core/ask/askQuestion';
import type { ContextSummary } from '../core/context/buildPromptContext';
import { wholeSchemaTokens } from '../core/context/buildPromptContext';
import { loadOrBuildValueIndex } from '../core/context/buildValueIndex';
import { estimateTokens } from '../core/context/estimateTokens';
import { valueIndexCacheName } from '../core/context/valueIndexCacheName';
import { PROMPT_FORMATS } from '../core/prompt/promptFormats';
import { ExamplePool, type PoolExample } from '../core/context/ExamplePool';
import { readExamplePool } from '../core/context/readExamplePool';
import { SchemaIndex } from '../core/context/SchemaIndex';
import type { ValueIndex } from '../core/context/ValueIndex';
import type { Database } from '../core/db/Database';
import type { AttachedDatabase } from '../core/types/AttachedDatabase';
import type { DatabaseSchema } from '../core/types/DatabaseSchema';
import { notificationText } from '../core/util/notificationText';
import type { QuarrySettings } from './settings';

const PINNED_KEY = 'quarry.pinnedTables';
/** A schema over this many (estimated) tokens will be cut for most local models' contexts: its value index is read ahead. */
const PREBUILD_TOKENS = 2_048;

/** The last Ask's context, as the Prompt Context view shows it. */
export interface LastContext {
  connection: string;
  question: string;
  context: ContextSummary;
  /** Tables the schema has in all. */
  tableCount: number;
}

/**
 * What retrieval reads for each connection: the schema's index (kept while the schema is the same
 * object), the value index (built in the background on first need, with progress in the status
 * bar, cached in the extension's storage and rebuilt when the schema changes; never in schema-only
 * mode), the example pool (the file the settings name), and the tables the user pinned, per
 * connection, in the workspace's state. It also keeps the last Ask's context for the view.
 */
export class PromptContextSources implements vscode.Disposable {
  private readonly indexes = new WeakMap<DatabaseSchema, SchemaIndex>();
  private readonly valueIndexes = new Map<string, { schema: DatabaseSchema; index: Promise<ValueIndex | undefined> }>();
  private pool: { file: string; pool: ExamplePool } | undefined;
  private merged: { key: string; base: ExamplePool | undefined; pool: ExamplePool } | undefined;
  private lastContext: LastContext | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly storage: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    /** Question–SQL pairs the user vouched for in the query history, per connection: examples first in line. */
    private readonly vouched: (connection: string) => PoolExample[] = () => [],
    /** The files attached to a connection: its value index is another one with other files attached. */
    private readonly attachments: (connection: string) => readonly AttachedDatabase[] = () => [],
  ) {}

  /** The options an Ask on this connection passes to askQuestion. */
  forAsk(path: string, db: Database, schema: DatabaseSchema, settings: QuarrySettings): AskContextOptions {
    let index = this.indexes.get(schema);
    if (!index) this.indexes.set(schema, (index = new SchemaIndex(schema)));
    const pool = this.withVouched(path, this.examplePool(settings.context.examplesFile));
    const examples = settings.context.examples === 'off' ? 0 : settings.context.examples === 'on' ? settings.context.shots : undefined;
    return {
      index,
      pinned: this.pinned(path).filter((name) => index.byKey.has(name.toLowerCase())),
      loadValues: () => this.values(path, db, schema, settings.schemaOnly),
      ...(pool && examples !== 0 ? { pool, ...(examples !== undefined ? { examples } : {}) } : {}),
      ...(settings.context.budget > 0 ? { budget: settings.context.budget } : {}),
    };
  }

  /**
   * Starts a connection's value index in the background when its schema is too big for a prompt of
   * its own (more than PREBUILD_TOKENS estimated), so the first Ask that needs it does not wait.
   */
  prepare(path: string, db: Database, schema: DatabaseSchema, settings: QuarrySettings): void {
    if (settings.schemaOnly || this.valueIndexes.get(path)?.schema === schema) return;
    let index = this.indexes.get(schema);
    if (!index) this.indexes.set(schema, (index = new SchemaIndex(schema)));
    if (wholeSchemaTokens(index, PROMPT_FORMATS.quarry, estimateTokens) > PREBUILD_TOKENS) void this.values(path, db, schema, false);
  }

  get last(): LastContext | undefined {
    return this.lastContext;
  }

  remember(last: LastContext): void {
    this.lastContext = last;
    this.changed.fire();
  }

  pinned(path: string): string[] {
    return this.state.get<Record<string, string[]>>(PINNED_KEY, {})[path] ?? [];
  }

  async setPinned(path: string, table: string, pinned: boolean): Promise<void> {
    const all = { ...this.state.get<Record<string, string[]>>(PINNED_KEY, {}) };
    const current = (all[path] ?? []).filter((name) => name !== table);
    all[path] = pinned ? [...current, table] : current;
    if (all[path]!.length === 0) delete all[path];
    await this.state.update(PINNED_KEY, all);
    this.changed.fire();
  }

  /** The value index of a connection: one build per schema, shared by the Asks that wait on it. */
  private values(path: string, db: Database, schema: DatabaseSchema, schemaOnly: boolean): Promise<ValueIndex | undefined> {
    if (schemaOnly) return Promise.resolve(undefined);
    const known = this.valueIndexes.get(path);
    if (known && known.schema === schema) return known.index;
    const cacheFile = vscode.Uri.joinPath(this.storage, 'values', valueIndexCacheName(path, this.attachments(path))).fsPath;
    const index = Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Quarry: indexing values' }, async (progress) => {
        const started = performance.now();
        const { index: built, cached } = await loadOrBuildValueIndex(db, schema, cacheFile, {
          onProgress: ({ done, total }) => progress.report({ message: `${done}/${total} columns` }),
        });
        if (!cached) this.log.info(`value index of ${path}: ${built.size} values of ${built.data.columns.length} columns in ${Math.round(performance.now() - started)} ms`);
        if (!cached && built.data.stoppedAtBound) this.log.warn(`value index of ${path} stopped at its bound of ${built.data.limits.perDatabase} values: ${built.data.stoppedAtBound.columnsLeft} text columns not read`);
        return built;
      }),
    ).catch((error: unknown) => {
      // Retrieval goes on without values: an index that cannot be read must not fail the Ask.
      this.log.warn(`value index of ${path} could not be built: ${error instanceof Error ? error.message : String(error)}`);
      this.valueIndexes.delete(path);
      return undefined;
    });
    this.valueIndexes.set(path, { schema, index });
    return index;
  }

  /** The pool with the connection's vouched pairs in it, made again only when those change. */
  private withVouched(connection: string, pool: ExamplePool | undefined): ExamplePool | undefined {
    const vouched = this.vouched(connection);
    if (vouched.length === 0) return pool;
    // Every pair in the key: a correction of an older pair changes the pool as much as a new one does.
    const key = JSON.stringify([connection, vouched]);
    if (this.merged?.key !== key || this.merged.base !== pool) {
      this.merged = { key, base: pool, pool: new ExamplePool([...vouched, ...(pool?.examples ?? [])]) };
    }
    return this.merged.pool;
  }

  /** The pool the settings name, read again when the setting names another file; a bad file is logged and left out. */
  private examplePool(file: string): ExamplePool | undefined {
    if (!file) return undefined;
    if (this.pool?.file === file) return this.pool.pool.size ? this.pool.pool : undefined;
    try {
      this.pool = { file, pool: new ExamplePool(readExamplePool(file)) };
      this.log.info(`example pool ${file}: ${this.pool.pool.size} examples`);
      return this.pool.pool;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.log.error(`example pool not used: ${message}`);
      // Said once per file: every Ask would otherwise repeat it.
      this.pool = { file, pool: new ExamplePool([]) };
      void vscode.window.showWarningMessage(`Quarry: the example pool is not used: ${notificationText(message)}`);
      return undefined;
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
