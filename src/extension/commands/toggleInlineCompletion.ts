import * as vscode from 'vscode';

/** "Quarry: Toggle Inline SQL Completion": flips the setting where its current value comes from. */
export async function toggleInlineCompletion(): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('quarry');
  const enabled = !config.get<boolean>('completion.enabled', true);
  const where = config.inspect<boolean>('completion.enabled');
  const target =
    where?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : where?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await config.update('completion.enabled', enabled, target);
  void vscode.window.setStatusBarMessage(`Quarry: inline SQL completion ${enabled ? 'on' : 'off'}`, 3000);
  return enabled;
}
