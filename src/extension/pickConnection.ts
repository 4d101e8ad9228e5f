import { basename } from 'node:path';
import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { Connection, ConnectionStore } from './ConnectionStore';

/**
 * A connected database whose schema is read: the only one without asking, one picked from a quick
 * pick when there are several, and an offer to connect one when there is none.
 */
export async function pickConnection(store: ConnectionStore, title: string, placeHolder?: string): Promise<Connection | undefined> {
  const usable = store.list().filter((c) => c.db && c.schema);
  if (usable.length === 1) return usable[0];
  if (usable.length === 0) {
    const choice = await vscode.window.showInformationMessage('Quarry: connect a database first.', 'Connect Database…');
    if (choice) await vscode.commands.executeCommand(COMMANDS.connectDatabase);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    usable.map((c) => ({ label: basename(c.path), description: c.path, connection: c })),
    { title, placeHolder },
  );
  return picked?.connection;
}
