import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';

/** Some `quarry.*` settings as the user and the workspace have them (undefined: not set there). */
export type SettingsSnapshot = { key: string; global: unknown; workspace: unknown }[];

export function snapshotSettings(keys: readonly string[]): SettingsSnapshot {
  const config = vscode.workspace.getConfiguration('quarry');
  return keys.map((key) => {
    const where = config.inspect(key);
    return { key, global: where?.globalValue, workspace: where?.workspaceValue };
  });
}

/** Puts each setting back where it was, exactly: a value set nowhere before is removed, not written as its default. */
export async function restoreSettings(snapshot: SettingsSnapshot): Promise<void> {
  const config = vscode.workspace.getConfiguration('quarry');
  for (const { key, global, workspace } of snapshot) {
    const now = config.inspect(key);
    if (!isDeepStrictEqual(now?.globalValue, global)) await config.update(key, global, vscode.ConfigurationTarget.Global);
    if (vscode.workspace.workspaceFolders?.length && !isDeepStrictEqual(now?.workspaceValue, workspace)) await config.update(key, workspace, vscode.ConfigurationTarget.Workspace);
  }
}
