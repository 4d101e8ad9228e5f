import { basename } from 'node:path';
import * as vscode from 'vscode';
import { askQuestion, type AskResult } from '../../core/ask/askQuestion';
import type { Connection, ConnectionStore } from '../ConnectionStore';
import type { ModelManager } from '../ModelManager';
import { withCancellableProgress } from '../withCancellableProgress';
import { readSettings } from '../settings';

export interface AskArgs {
  /** Path of a connected database; asked for when there are several. */
  connection?: string;
  question?: string;
}

/**
 * "Quarry: Ask in English": question → SQL checked on the database → inserted at the cursor of the
 * active SQL editor (or a new one), with the correction trace in the output channel.
 */
export async function askInEnglish(
  store: ConnectionStore,
  models: ModelManager,
  log: vscode.LogOutputChannel,
  args: AskArgs = {},
): Promise<AskResult | undefined> {
  if (!models.configured) {
    const choice = await vscode.window.showInformationMessage(
      'Quarry needs a local model to write SQL. Choose a .gguf file on this machine, or download one.',
      'Select Model…',
    );
    if (choice !== 'Select Model…' || !(await vscode.commands.executeCommand<boolean>('quarry.selectModel'))) return undefined;
  }
  const connection = await pickConnection(store, args.connection);
  if (!connection?.db || !connection.schema) return undefined;
  const question =
    args.question ??
    (await vscode.window.showInputBox({
      title: `Ask ${basename(connection.path)}`,
      prompt: 'A question in plain English',
      ignoreFocusOut: true,
    }));
  if (!question?.trim()) return undefined;

  const settings = readSettings();
  const result = await withCancellableProgress('Quarry', async (report, signal) => {
    try {
      await models.ensureLoaded(report, signal);
      return await askQuestion(connection.db!, connection.schema!, models.engine, question, {
        grammar: settings.grammar,
        corrections: settings.corrections,
        timeoutMs: settings.queryTimeoutMs,
        maxRows: 1,
        signal,
        onStage: (stage) => report(`${stage}…`),
      });
    } catch (error) {
      if (signal.aborted) return undefined;
      log.error(`ask failed: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`Quarry: ${(error as Error).message}`, 'Show Log').then((c) => c && log.show());
      return undefined;
    }
  });
  if (!result) return undefined;
  logTrace(log, connection, question, result);
  await insertSql(result.sql);
  if (!result.valid) {
    void vscode.window
      .showWarningMessage(
        `Quarry: the database still rejects this SQL after ${result.attempts.length} attempts: ${result.attempts.at(-1)?.error}`,
        'Show Log',
      )
      .then((c) => c && log.show());
  }
  return result;
}

async function pickConnection(store: ConnectionStore, path?: string): Promise<Connection | undefined> {
  const usable = store.list().filter((c) => c.db && c.schema);
  if (path) return store.get(path) ?? (await store.add(path));
  if (usable.length === 1) return usable[0];
  if (usable.length === 0) {
    const choice = await vscode.window.showInformationMessage('Connect a database to ask about first.', 'Connect Database…');
    if (choice) await vscode.commands.executeCommand('quarry.connectDatabase');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    usable.map((c) => ({ label: basename(c.path), description: c.path, connection: c })),
    { title: 'Ask which database?' },
  );
  return picked?.connection;
}

async function insertSql(sql: string): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor && editor.document.languageId === 'sql') {
    await editor.edit((edit) => edit.replace(editor.selection, sql));
    return;
  }
  const document = await vscode.workspace.openTextDocument({ language: 'sql', content: `${sql}\n` });
  await vscode.window.showTextDocument(document);
}

function logTrace(log: vscode.LogOutputChannel, connection: Connection, question: string, result: AskResult): void {
  log.info(`ask ${basename(connection.path)}: ${question}`);
  if (result.omittedTables.length) log.info(`  schema cut to fit the context; left out: ${result.omittedTables.join(', ')}`);
  result.attempts.forEach((attempt, i) => {
    log.info(
      `  attempt ${i + 1} (${Math.round(attempt.ms)} ms, ${attempt.reusedTokens}/${attempt.promptTokens} prompt tokens cached): ${attempt.sql}`,
    );
    if (attempt.error) log.info(`    database: ${attempt.error}`);
  });
}
