import * as vscode from 'vscode';

/**
 * Changes a `quarry.*` setting where its current value comes from (a workspace value would hide a
 * change made for the user), or for the user when it is set nowhere.
 */
export async function updateSettingWhereSet(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration('quarry');
  const where = config.inspect(key);
  const target =
    where?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : where?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}
