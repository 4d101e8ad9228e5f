import * as vscode from 'vscode';
import { notificationText } from '../core/util/notificationText';
import { COMMANDS } from './commandIds';

/** A way on from a failure, offered on its notification ("Ask Again", "Choose a .gguf File…"). */
export interface ErrorAction {
  label: string;
  run(): unknown;
}

/**
 * The one way Quarry tells the user something failed: a notification with the error's own words
 * (and `more`, such as what stays in use), the ways on from it, and "Show Log"; the same line, with
 * the error's code, in the Quarry output channel.
 */
export function reportError(log: vscode.LogOutputChannel, what: string, error: unknown, options: { more?: string; actions?: ErrorAction[] } = {}): void {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  log.error(`${what}: ${typeof code === 'string' ? `[${code}] ` : ''}${message}`);
  const actions = options.actions ?? [];
  // One filled half the screen with a repeated token once (issue 31, 8.7): the toast is short, the log has it all.
  void vscode.window
    .showErrorMessage(`Quarry: ${notificationText(message)}${options.more ? ` ${options.more}` : ''}`, ...actions.map((a) => a.label), 'Show Log')
    .then((choice) => {
      if (choice === 'Show Log') return vscode.commands.executeCommand(COMMANDS.showLog);
      return actions.find((a) => a.label === choice)?.run();
    });
}
