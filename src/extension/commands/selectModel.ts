import * as vscode from 'vscode';
import { isRemoteModel } from '../../core/engine/downloadModel';
import { estimatedMemoryBytes, formatGigabytes, MODEL_CATALOG, reportedSummary, type CatalogEntry } from '../../core/models/modelCatalog';
import type { ModelManager } from '../ModelManager';
import { reportError } from '../reportError';
import { updateSettingWhereSet } from '../updateSettingWhereSet';
import { withCancellableProgress } from '../withCancellableProgress';

type Choice = vscode.QuickPickItem & ({ id: 'catalog'; entry: CatalogEntry } | { id: 'file' | 'url' });

/**
 * "Quarry: Select Model…": a curated model (downloaded from its listed GGUF), a local .gguf file,
 * or any URL / hf: reference. Returns whether one was chosen.
 */
export async function selectModel(models: ModelManager, log: vscode.LogOutputChannel): Promise<boolean> {
  const choice = await vscode.window.showQuickPick<Choice>(
    [
      { label: 'Text-to-SQL models', kind: vscode.QuickPickItemKind.Separator },
      ...MODEL_CATALOG.map(catalogChoice),
      { label: 'Other', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(file) Choose a .gguf file…', id: 'file' },
      {
        label: '$(cloud-download) Download from a URL or Hugging Face…',
        id: 'url',
        detail: 'https://…/model.gguf, hf:<user>/<repo>/<file>.gguf or hf:<user>/<repo>:Q4_K_M',
      },
    ] as Choice[],
    { title: 'Quarry: the model that writes SQL', matchOnDescription: true, matchOnDetail: true },
  );
  if (!choice) return false;
  const source = await sourceFor(choice);
  if (!source) return false;
  await updateSettingWhereSet('model.source', source.trim());
  if (choice.id === 'catalog') await widenContext(choice.entry.contextTokens);
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

function catalogChoice(entry: CatalogEntry): Choice {
  const memory = estimatedMemoryBytes(entry);
  const size = entry.download && memory !== null ? `${formatGigabytes(entry.download.fileBytes)} download · needs about ${formatGigabytes(memory)}` : 'no GGUF listed';
  const license = entry.license.commercialUse ? entry.license.name : `${entry.license.name}, not for commercial use`;
  return {
    id: 'catalog',
    entry,
    label: `${entry.download ? '$(cloud-download)' : '$(link-external)'} ${entry.name}`,
    description: `${entry.parameters} · ${size} · ${license}`,
    detail: `${entry.promptFormat} format · reported: ${reportedSummary(entry)}${entry.note ? ` · ${entry.note}` : ''}`,
  };
}

async function sourceFor(choice: Choice): Promise<string | undefined> {
  if (choice.id === 'catalog') {
    if (choice.entry.download) return choice.entry.download.reference;
    // Nothing to download: the original weights' page, where converting starts.
    const page = `https://huggingface.co/${choice.entry.original.replace(/^hf:/, '')}`;
    void vscode.window.showInformationMessage(`Quarry: ${choice.entry.name}: ${choice.entry.note ?? 'no GGUF listed'}.`, 'Open Model Page').then((action) => {
      if (action) void vscode.env.openExternal(vscode.Uri.parse(page));
    });
    return undefined;
  }
  if (choice.id === 'file') {
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'GGUF models': ['gguf'] }, openLabel: 'Use Model' });
    return picked?.[0]?.fsPath;
  }
  return vscode.window.showInputBox({
    title: 'Model URL',
    prompt: 'https://…/model.gguf, hf:<user>/<repo>/<file>.gguf or hf:<user>/<repo>:Q4_K_M — downloaded once, resumed if interrupted',
    validateInput: (text) => (isRemoteModel(text.trim()) ? null : 'Enter an https:// URL or an hf: reference'),
  });
}

/** A reasoning model needs room to think: the context grows to what the entry needs, never shrinks. */
async function widenContext(tokens: number): Promise<void> {
  if (vscode.workspace.getConfiguration('quarry').get<number>('model.contextSize', 0) < tokens) await updateSettingWhereSet('model.contextSize', tokens);
}
