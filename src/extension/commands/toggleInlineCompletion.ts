import * as vscode from 'vscode';

/** "Quarry: Toggle Inline SQL Completion", in the settings where the user would look for it. */
export async function toggleInlineCompletion(): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('quarry');
  const enabled = !config.get<boolean>('completion.enabled', true);
  await config.update('completion.enabled', enabled, vscode.ConfigurationTarget.Global);
  void vscode.window.setStatusBarMessage(`Quarry: inline SQL completion ${enabled ? 'on' : 'off'}`, 3000);
  return enabled;
}
