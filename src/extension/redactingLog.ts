import type * as vscode from 'vscode';
import { redactSecrets } from '../core/util/redactSecrets';

/** The channel's methods that write text. */
const WRITERS = new Set<string | symbol>(['trace', 'debug', 'info', 'warn', 'error', 'append', 'appendLine', 'replace']);

/**
 * The Quarry log as every part of the extension gets it: whatever is written (a message, an error
 * quoting a URL, a server's words) has passwords and API keys taken out of every URL in it first,
 * so no caller has to remember to.
 */
export function redactingLog(log: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new Proxy(log, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (!WRITERS.has(property)) return value.bind(target);
      return (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map(redacted));
    },
  });
}

function redacted(argument: unknown): unknown {
  if (typeof argument === 'string') return redactSecrets(argument);
  if (argument instanceof Error) {
    const copy = new Error(redactSecrets(argument.message));
    copy.stack = argument.stack === undefined ? undefined : redactSecrets(argument.stack);
    return copy;
  }
  return argument;
}
