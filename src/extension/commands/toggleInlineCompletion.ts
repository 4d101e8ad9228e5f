import * as vscode from 'vscode';
import { updateSettingWhereSet } from '../updateSettingWhereSet';

/** "Quarry: Toggle Inline SQL Completion": flips the setting where its current value comes from. */
export async function toggleInlineCompletion(): Promise<boolean> {
  const enabled = !vscode.workspace.getConfiguration('quarry').get<boolean>('completion.enabled', true);
  await updateSettingWhereSet('completion.enabled', enabled);
  void vscode.window.setStatusBarMessage(`Quarry: inline SQL completion ${enabled ? 'on' : 'off'}`, 3000);
  return enabled;
}
