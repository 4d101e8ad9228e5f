import * as vscode from 'vscode';
import { COMPLETION_WINDOW } from '../core/complete/analyzeCompletionContext';
import { wrapGhostText } from '../core/complete/wrapGhostText';
import { CompletionSchema, InlineCompleter } from '../core/complete/InlineCompleter';
import type { DatabaseSchema } from '../core/types/DatabaseSchema';
import type { ModelManager } from './ModelManager';
import { readSettings } from './settings';
import type { SqlConnectionBinding } from './SqlConnectionBinding';

/**
 * Ghost text in SQL files: a whole query under an English comment, or the rest of the statement at
 * the cursor, both from the local model constrained to the file's database schema. It never blocks
 * typing: without a loaded model it answers nothing at once and loads the model in the background.
 */
export class SqlInlineCompletionProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  readonly completer: InlineCompleter;
  private readonly schemas = new WeakMap<DatabaseSchema, CompletionSchema>();
  private lastLogged: string | null = null;
  private readonly subscriptions: vscode.Disposable[];
  /** The schema whose prompt the model last evaluated ahead of typing. */
  private prepared: CompletionSchema | null = null;

  constructor(
    private readonly binding: SqlConnectionBinding,
    private readonly models: ModelManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // Through the manager each time: the model may move between this machine and a server.
    this.completer = new InlineCompleter(
      {
        generate: (params, signal) => models.engine.generate(params, signal),
        get metadata() {
          return models.engine.metadata;
        },
        get status() {
          return models.engine.status;
        },
      },
      () => readSettings().completion,
    );
    this.subscriptions = [vscode.window.onDidChangeActiveTextEditor(() => this.prepareActive()), models.onDidChange(() => this.prepareActive())];
  }

  /** The first ghost text in a SQL file should cost what a keystroke does: its database's prompt is evaluated when the file comes into view. */
  private prepareActive(): void {
    // A model loaded again starts from an empty context.
    if (this.models.current.kind !== 'ready') this.prepared = null;
    const document = vscode.window.activeTextEditor?.document;
    const connection = document ? this.binding.connectionFor(document) : undefined;
    if (!connection?.schema || !readSettings().completion.enabled || this.models.current.kind !== 'ready') return;
    const schema = this.schemaFor(connection.schema);
    if (schema === this.prepared) return;
    this.prepared = schema;
    const started = performance.now();
    this.completer.prepare(schema).then(
      () => this.log.debug(`inline completion: ${connection.path} prompt evaluated ahead of typing in ${Math.round(performance.now() - started)} ms`),
      (error: Error) => this.log.warn(`inline completion: could not evaluate the prompt ahead of typing: ${error.message}`),
    );
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    _context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (!readSettings().completion.enabled) return this.skipped('quarry.completion.enabled is off');
    const connection = this.binding.connectionFor(document);
    if (!connection?.schema) return this.skipped(`${document.uri.path.split('/').pop()} has no database: choose one with "Quarry: Choose Database for SQL File…"`);
    const waiting = this.modelWait();
    if (waiting) return this.skipped(waiting);
    const controller = new AbortController();
    const subscription = token.onCancellationRequested(() => controller.abort());
    try {
      const started = performance.now();
      // Only the text around the cursor: the whole document on every keystroke would cost for nothing.
      const offset = document.offsetAt(position);
      const start = Math.max(0, offset - COMPLETION_WINDOW);
      const text = document.getText(new vscode.Range(document.positionAt(start), document.positionAt(offset + COMPLETION_WINDOW)));
      const result = await this.completer.complete({ database: connection.path, schema: this.schemaFor(connection.schema), text, offset: offset - start }, controller.signal);
      if (!result) return this.skipped(this.completer.lastSkip ?? 'empty');
      this.lastLogged = null;
      this.log.debug(`inline completion (${result.kind}, ${result.source}) in ${Math.round(performance.now() - started)} ms`);
      // A long line would run off an editor the results panel has made narrow (issue 31, 8.10).
      const ghost = wrapGhostText(result.text, readSettings().completion.maxLineLength, position.character);
      return [new vscode.InlineCompletionItem(ghost, new vscode.Range(position, position))];
    } finally {
      subscription.dispose();
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.completer.dispose();
  }

  /** Why the model cannot answer now (null when it can); a configured model that is not loaded starts loading. */
  private modelWait(): string | null {
    const state = this.models.current;
    if (state.kind === 'ready') return null;
    if (!this.models.configured) return 'no model: choose one with "Quarry: Select Model…"';
    if (state.kind === 'failed') return `the model failed to load: ${state.error.message}`;
    if (state.kind === 'none') {
      this.models.ensureLoaded().catch((error: Error) => this.log.warn(`inline completion: the model did not load: ${error.message}`));
    }
    return 'the model is loading; ghost text comes once it is ready';
  }

  /** No completion, and why, in the log: once per reason in a row, so typing does not flood it. */
  private skipped(reason: string): undefined {
    if (reason !== this.lastLogged) this.log.info(`inline completion: none (${reason})`);
    this.lastLogged = reason;
    return undefined;
  }

  private schemaFor(schema: DatabaseSchema): CompletionSchema {
    let prepared = this.schemas.get(schema);
    if (!prepared) {
      prepared = new CompletionSchema(schema);
      this.schemas.set(schema, prepared);
    }
    return prepared;
  }
}
