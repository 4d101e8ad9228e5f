import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { AskResult } from '../../core/ask/askQuestion';
import { askInEditor } from '../askInEditor';
import { answerWithQuestion } from '../../core/sql/formatSql';
import { statementSeparation } from '../../core/sql/statementSeparation';
import { notificationText } from '../../core/util/notificationText';
import type { Connection, ConnectionStore } from '../ConnectionStore';
import type { FollowUpChain, PlacedAnswer } from '../FollowUpChain';
import type { ModelManager } from '../ModelManager';
import type { PromptContextSources } from '../PromptContextSources';
import type { QueryHistoryService } from '../QueryHistoryService';
import { pickConnection } from '../pickConnection';
import type { SqlConnectionBinding } from '../SqlConnectionBinding';
import { withCancellableProgress } from '../withCancellableProgress';
import { readSettings } from '../settings';
import { EngineError } from '../../core/engine/EngineError';
import { COMMANDS } from '../commandIds';
import { reportError } from '../reportError';
import { requireModel } from '../requireModel';

export interface AskArgs {
  /** Path of a connected database; by default the active SQL file's, else asked for when there are several. */
  connection?: string;
  question?: string;
  /** A question to start the input box with: one an Ask that failed was given, so it is not typed again. */
  draft?: string;
  /** Ask a Follow-up: `question` refines the chain's last answer, asked with the conversation so far. */
  followUp?: boolean;
  /** Where a follow-up's SQL goes: in place of the last answer, or below it; asked when absent. */
  placement?: 'replace' | 'add';
}

/**
 * "Quarry: Ask in English": question → SQL checked on the database → inserted at the cursor of the
 * active SQL editor (or a new one), with the correction trace in the output channel.
 */
export async function askInEnglish(
  store: ConnectionStore,
  binding: SqlConnectionBinding,
  models: ModelManager,
  promptContext: PromptContextSources,
  history: QueryHistoryService,
  followUps: FollowUpChain,
  log: vscode.LogOutputChannel,
  args: AskArgs = {},
): Promise<AskResult | undefined> {
  const chain = args.followUp ? followUps.current : null;
  if (args.followUp && !chain) {
    void vscode.window.showInformationMessage('Quarry: ask a question first; a follow-up refines the last answer.', 'Ask in English').then((c) => c && vscode.commands.executeCommand(COMMANDS.askInEnglish));
    return undefined;
  }
  if (!(await requireModel(models))) return undefined;
  const connection = chain ? (store.get(chain.connection) ?? (await store.add(chain.connection))) : await connectionFor(store, binding, args.connection);
  if (!connection?.db || !connection.schema) return undefined;
  const first = chain?.turns[0]?.question;
  const question =
    args.question ??
    (await vscode.window.showInputBox({
      title: first ? `Follow-up to "${first}"` : `Ask ${basename(connection.path)}`,
      prompt: first ? 'What to change in the last answer: "only for 2024", "and their cities"' : 'A question in plain English',
      ...(args.draft ? { value: args.draft } : {}),
      ignoreFocusOut: true,
    }));
  if (!question?.trim()) return undefined;

  const settings = readSettings();
  const result = await withCancellableProgress('Quarry', async (report, signal) => {
    try {
      // Something on screen from the first moment: loading a model takes seconds.
      report(models.current.kind === 'ready' ? 'writing SQL…' : 'loading model…');
      return await askInEditor({ store, models, promptContext, settings }, connection.path, question, { report, signal }, chain ? { earlier: chain.turns } : {});
    } catch (error) {
      if (signal.aborted) return undefined;
      offerAskAgain(log, connection.path, question, error, !!chain);
      return undefined;
    }
  });
  if (!result) return undefined;
  logTrace(log, connection, question, result);
  // A follow-up alone ("only for France") is no question: history keeps the chain that makes it one.
  const asked = chain ? [...chain.turns.map((turn) => turn.question), question].join(' → ') : question;
  history.record({
    kind: 'ask',
    connection: connection.path,
    question: asked,
    sql: result.sql,
    ms: result.attempts.reduce((sum, attempt) => sum + attempt.ms, 0),
    rows: null,
    error: result.valid ? null : (result.attempts.at(-1)?.error ?? 'the database rejected it'),
  });
  if (chain) {
    // The comment keeps the chain readable in the file: where it started, each request after.
    const text = answerWithQuestion(asked, result.sql, connection.schema.dialect);
    const placement = args.placement ?? (await askPlacement(chain.last));
    if (!placement) return result;
    const placed = (placement === 'replace' && (await replaceAnswer(chain.last, text))) || (await insertSql(text, await standingAnswer(chain.last)));
    followUps.extend(question, result.sql, placed);
  } else {
    followUps.start(connection.path, question, result.sql, await insertSql(answerWithQuestion(question, result.sql, connection.schema.dialect)));
  }
  if (!result.valid) {
    void vscode.window
      .showWarningMessage(
        notificationText(`Quarry: the database still rejects this SQL after ${result.attempts.length} attempts: ${result.attempts.at(-1)?.error ?? ''}`),
        'Show Log',
      )
      .then((c) => c && log.show());
  }
  return result;
}

/**
 * A failed Ask keeps its question (issue 31, 8.3): Ask Again opens the box with it, and when the
 * model was the trouble, Select Model… comes first.
 */
function offerAskAgain(log: vscode.LogOutputChannel, connection: string, question: string, error: unknown, followUp: boolean): void {
  const again = () => vscode.commands.executeCommand(followUp ? COMMANDS.askFollowUp : COMMANDS.askInEnglish, { connection, draft: question } satisfies AskArgs);
  const modelTrouble = error instanceof EngineError && error.code !== 'generation-failed';
  reportError(log, 'ask failed', error, {
    actions: [
      ...(modelTrouble ? [{ label: 'Select Model…', run: async () => (await vscode.commands.executeCommand<boolean>(COMMANDS.selectModel)) === true && again() }] : []),
      { label: 'Ask Again', run: again },
    ],
  });
}

/** The given database; else the one the active SQL file is written against; else one picked. */
async function connectionFor(store: ConnectionStore, binding: SqlConnectionBinding, path?: string): Promise<Connection | undefined> {
  if (path) return store.get(path) ?? (await store.add(path));
  const document = vscode.window.activeTextEditor?.document;
  const bound = document?.languageId === 'sql' ? binding.connectionFor(document) : undefined;
  if (bound?.db && bound.schema) return bound;
  return pickConnection(store, 'Ask which database?');
}

/**
 * Into the active SQL editor at the cursor, else a new SQL editor: a statement of its own, a blank
 * line after the statement before it, which gets its `;` if it had none, so that Run Query runs
 * each alone (two Asks in a row used to read as one statement). Returns where the text went.
 */
async function insertSql(text: string, below?: { editor: vscode.TextEditor; range: vscode.Range } | null): Promise<PlacedAnswer | null> {
  if (below) below.editor.selection = new vscode.Selection(below.range.end, below.range.end);
  const editor = below?.editor ?? vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'sql') {
    const at = editor.selection.start;
    const offset = editor.document.offsetAt(at);
    const { terminateAt, prefix } = statementSeparation(editor.document.getText(new vscode.Range(new vscode.Position(0, 0), at)));
    await editor.edit((edit) => {
      if (terminateAt !== null) edit.insert(editor.document.positionAt(terminateAt), ';');
      edit.replace(editor.selection, prefix + text);
    });
    const start = offset + (terminateAt !== null ? 1 : 0) + prefix.length;
    return placedAt(editor.document, start, text);
  }
  const document = await vscode.workspace.openTextDocument({ language: 'sql', content: text });
  await vscode.window.showTextDocument(document);
  return placedAt(document, 0, text);
}

function placedAt(document: vscode.TextDocument, start: number, text: string): PlacedAnswer | null {
  const range = new vscode.Range(document.positionAt(start), document.positionAt(start + text.length));
  return document.getText(range) === text ? { uri: document.uri.toString(), range, text } : null;
}

/** The open document the last answer stands in as Quarry wrote it; undefined once it is closed or edited. */
function documentOfAnswer(last: PlacedAnswer | null): vscode.TextDocument | undefined {
  const document = last ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === last.uri) : undefined;
  return document && document.getText(last!.range) === last!.text ? document : undefined;
}

/** The last answer's editor and place, while it stands as Quarry wrote it. */
async function standingAnswer(last: PlacedAnswer | null): Promise<{ editor: vscode.TextEditor; range: vscode.Range } | null> {
  const document = documentOfAnswer(last);
  return document ? { editor: await vscode.window.showTextDocument(document), range: last!.range } : null;
}

/** Replace the last answer or add below it; only adding when the last answer is gone or was edited since. */
async function askPlacement(last: PlacedAnswer | null): Promise<'replace' | 'add' | undefined> {
  if (!documentOfAnswer(last)) return 'add';
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'Replace the last answer', placement: 'replace' as const, description: `line ${last!.range.start.line + 1}` },
      { label: 'Add it below, keeping the last answer', placement: 'add' as const },
    ],
    { title: 'Where does the follow-up go?' },
  );
  return picked?.placement;
}

/** The last answer replaced by the follow-up's, where it still stands as Quarry wrote it; null otherwise. */
async function replaceAnswer(last: PlacedAnswer | null, text: string): Promise<PlacedAnswer | null> {
  const standing = await standingAnswer(last);
  if (!standing) return null;
  const { editor, range } = standing;
  const start = editor.document.offsetAt(range.start);
  if (!(await editor.edit((edit) => edit.replace(range, text)))) return null;
  return placedAt(editor.document, start, text);
}

function logTrace(log: vscode.LogOutputChannel, connection: Connection, question: string, result: AskResult): void {
  log.info(`ask ${basename(connection.path)} (prompt format ${result.promptFormat}): ${question}`);
  const { context } = result;
  if (context.retrieved) log.info(`  schema cut to fit the context: ${context.tables.length} tables (${context.tokens.schema} tokens) in, ${context.omitted.tables.length} left out`);
  if (context.values.length) log.info(`  values: ${context.values.map((v) => `${v.table}.${v.column} = '${v.value}'`).join(', ')}`);
  if (context.examples.length) log.info(`  examples: ${context.examples.map((e) => e.question).join(' | ')}`);
  result.attempts.forEach((attempt, i) => {
    log.info(
      `  attempt ${i + 1} (${Math.round(attempt.ms)} ms, ${attempt.reusedTokens}/${attempt.promptTokens} prompt tokens cached): ${attempt.sql}`,
    );
    if (attempt.error) log.info(`    database: ${attempt.error}`);
  });
}
