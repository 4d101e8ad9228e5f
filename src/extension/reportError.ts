import * as vscode from 'vscode';
import { notificationText } from '../core/util/notificationText';
import { COMMANDS } from './commandIds';

/**
 * The one way Quarry tells the user something failed: a notification with the error's own words
 * and a "Show Log" action, and the same line (with the error's code) in the Quarry output channel.
 */
export function reportError(log: vscode.LogOutputChannel, what: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  log.error(`${what}: ${typeof code === 'string' ? `[${code}] ` : ''}${message}`);
  // One filled half the screen with a repeated token once (issue 31, 8.7): the toast is short, the log has it all.
  void vscode.window.showErrorMessage(`Quarry: ${notificationText(message)}`, 'Show Log').then((choice) => choice && vscode.commands.executeCommand(COMMANDS.showLog));
}
