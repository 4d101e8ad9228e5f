import * as vscode from 'vscode';

/**
 * A cancellable progress notification whose Cancel button aborts the AbortSignal that core
 * operations take; `report` shows a message (and optionally advances the bar).
 */
export function withCancellableProgress<T>(
  title: string,
  work: (report: (message: string, increment?: number) => void, signal: AbortSignal) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    return work((message, increment) => progress.report({ message, increment }), controller.signal);
  });
}
