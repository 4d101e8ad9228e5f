import * as vscode from 'vscode';
import type { CommandId } from './commandIds';
import { reportError } from './reportError';

/** A command whose failure is reported the one way (reportError) instead of disappearing into VS Code's log. */
export function registerCommand<A extends unknown[]>(id: CommandId, log: vscode.LogOutputChannel, handler: (...args: A) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...(args as A));
    } catch (error) {
      if (error instanceof vscode.CancellationError || (error as Error)?.name === 'AbortError') return undefined;
      reportError(log, id, error);
      return undefined;
    }
  });
}
