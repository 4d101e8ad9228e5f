import * as vscode from 'vscode';
import type { ModelManager } from '../ModelManager';
import { reportError } from '../reportError';
import { withCancellableProgress } from '../withCancellableProgress';

/** "Quarry: Select Model…": a local .gguf file, or a URL / hf: reference to download. Returns whether one was chosen. */
export async function selectModel(models: ModelManager, log: vscode.LogOutputChannel): Promise<boolean> {
  const choice = await vscode.window.showQuickPick(
    [
      { label: '$(file) Choose a .gguf file…', id: 'file' },
      {
        label: '$(cloud-download) Download from a URL or Hugging Face…',
        id: 'url',
        detail: 'https://…/model.gguf, hf:<user>/<repo>/<file>.gguf or hf:<user>/<repo>:Q4_K_M',
      },
    ],
    { title: 'Quarry: the model that writes SQL' },
  );
  if (!choice) return false;
  let source: string | undefined;
  if (choice.id === 'file') {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'GGUF models': ['gguf'] },
      openLabel: 'Use Model',
    });
    source = picked?.[0]?.fsPath;
  } else {
    source = await vscode.window.showInputBox({
      title: 'Model URL',
      prompt: 'https://…/model.gguf, hf:<user>/<repo>/<file>.gguf or hf:<user>/<repo>:Q4_K_M — downloaded once, resumed if interrupted',
      validateInput: (text) =>
        /^(https?:\/\/\S+|hf:[^/\s]+\/[^/\s]+\/\S+\.gguf)$/i.test(text.trim()) ? null : 'Enter an https:// URL or an hf: reference',
    });
  }
  if (!source) return false;
  await vscode.workspace.getConfiguration('quarry').update('model.source', source.trim(), vscode.ConfigurationTarget.Global);
  models.reset();
  await withCancellableProgress('Quarry', async (report, signal) => {
    try {
      const status = await models.ensureLoaded(report, signal);
      void vscode.window.showInformationMessage(`Quarry: model ready on ${status.device}.`);
    } catch (error) {
      if (!signal.aborted) reportError(log, 'model', error);
    }
  });
  return true;
}
