import * as vscode from 'vscode';
import { COMMANDS } from './commandIds';
import type { ModelManager } from './ModelManager';

/**
 * Commands that need a model open the model picker at once when none is set (a notification would
 * land unseen in the notification center); true when there is one to use.
 */
export async function requireModel(models: ModelManager): Promise<boolean> {
  if (models.configured) return true;
  return (await vscode.commands.executeCommand<boolean>(COMMANDS.selectModel)) === true;
}
