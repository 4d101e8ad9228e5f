import * as vscode from 'vscode';

/** A step to show: its message, and how far the work is, in percent, when that is known (it fills the bar). */
export type ShowProgress = (message: string, percent?: number) => void;

/**
 * A cancellable progress notification whose Cancel button aborts the AbortSignal that core
 * operations take. Work reports how far it is; VS Code's bar moves by increments, worked out here.
 */
export function withCancellableProgress<T>(title: string, work: (report: ShowProgress, signal: AbortSignal) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    let shown = 0;
    const report: ShowProgress = (message, percent) => {
      const done = percent === undefined ? shown : Math.min(100, Math.max(shown, percent));
      progress.report({ message, ...(done > shown ? { increment: done - shown } : {}) });
      shown = done;
    };
    return work(report, controller.signal);
  });
}
