import * as vscode from 'vscode';
import { DATABASES_VIEW } from '../commandIds';
import type { ConnectionStore } from '../ConnectionStore';
import type { DatabaseNode } from '../DatabasesTreeProvider';

/** Rereads one connection's schema (from its inline button) or all of them (from the view title). */
export async function refreshDatabases(store: ConnectionStore, node?: DatabaseNode): Promise<void> {
  const path = node?.kind === 'connection' ? node.connection.path : undefined;
  await vscode.window.withProgress({ location: { viewId: DATABASES_VIEW } }, () => store.refresh(path));
}
