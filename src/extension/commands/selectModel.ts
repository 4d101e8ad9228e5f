import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { isRemoteModel } from '../../core/engine/downloadModel';
import { SAMPLE_MODEL } from '../../core/models/sampleModel';
import { estimatedMemoryBytes, formatGigabytes, MODEL_CATALOG, reportedSummary, type CatalogEntry } from '../../core/models/modelCatalog';
import type { RemoteApi } from '../../core/engine/remote/remoteApis';
import { SERVER_KEY_SECRET, type ModelManager } from '../ModelManager';
import { EngineError } from '../../core/engine/EngineError';
import { reportError } from '../reportError';
import { readSettings } from '../settings';
import { restoreSettings, snapshotSettings } from '../settingsSnapshot';
import { updateSettingWhereSet } from '../updateSettingWhereSet';
import { withCancellableProgress } from '../withCancellableProgress';

type Choice = vscode.QuickPickItem &
  ({ id: 'catalog'; entry: CatalogEntry } | { id: 'recent'; path: string } | { id: 'sample' | 'file' | 'url' | 'server' | 'lora' | 'no-lora' | 'current' });

/** A model server chosen without the picker (scripts, tests): what "Use a model server…" asks for. */
export interface ServerChoice {
  endpoint: string;
  api?: RemoteApi;
  modelName?: string;
  /** Kept in SecretStorage; an empty string removes a kept one. */
  apiKey?: string;
}

/**
 * "Quarry: Select Model…": a curated model (downloaded from its listed GGUF), Quarry's own sample
 * model (offered for what it is: it knows the sample databases, not the user's), a local .gguf
 * file, or any URL / hf: reference. Returns whether one was chosen.
 */
export async function selectModel(models: ModelManager, log: vscode.LogOutputChannel, server?: ServerChoice): Promise<boolean> {
  if (server) return useServer(models, log, server);
  const settings = readSettings();
  // An adapter is applied by llama.cpp to a local model; a server loads its own (see the docs).
  const local = !settings.server.endpoint && settings.model.source !== '';
  const adapterChoices: Choice[] = local
    ? [
        { label: 'This model', kind: vscode.QuickPickItemKind.Separator, id: 'lora' },
        {
          label: settings.model.lora ? '$(layers) Change the LoRA adapter…' : '$(layers) Add a LoRA adapter to this model…',
          id: 'lora',
          detail: settings.model.lora ? `now: ${basename(settings.model.lora)} at scale ${settings.model.loraScale}` : 'a .gguf adapter trained for this model (npm run train:lora, or llama.cpp\'s convert_lora_to_gguf.py), with its scale',
        },
        ...(settings.model.lora ? [{ label: '$(close) Remove the LoRA adapter', id: 'no-lora' } as Choice] : []),
      ]
    : [];
  const current = models.describeCurrent();
  const recent = models.recentFiles.filter((path) => path !== currentFile(models)).map((path): Choice => ({ label: `$(history) ${basename(path)}`, description: dirname(path), id: 'recent', path }));
  const choice = await vscode.window.showQuickPick<Choice>(
    [
      { label: 'Now', kind: vscode.QuickPickItemKind.Separator, id: 'current' },
      { label: `$(check) ${current}`, description: models.current.kind === 'ready' ? `loaded · ${models.current.status.device}` : models.configured ? 'loads on first use' : '', detail: 'keep it', id: 'current' },
      ...adapterChoices,
      ...(recent.length ? [{ label: 'Recent', kind: vscode.QuickPickItemKind.Separator, id: 'current' } as Choice, ...recent] : []),
      { label: 'Text-to-SQL models', kind: vscode.QuickPickItemKind.Separator },
      ...MODEL_CATALOG.map(catalogChoice),
      ...(existsSync(models.sampleModelPath)
        ? [{ label: `$(beaker) ${SAMPLE_MODEL.label}`, description: SAMPLE_MODEL.description, detail: 'comes with Quarry, nothing to download: for trying Quarry out on examples/shop.sqlite', id: 'sample' }]
        : []),
      { label: 'Other', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(file) Choose a .gguf file…', id: 'file' },
      {
        label: '$(cloud-download) Download from a URL or Hugging Face…',
        id: 'url',
        detail: 'https://…/model.gguf, hf:<user>/<repo>/<file>.gguf or hf:<user>/<repo>:Q4_K_M',
      },
      {
        label: '$(cloud) Use a model server…',
        id: 'server',
        detail: "a team's vLLM, llama-server, SGLang, Ollama or OpenAI-compatible server: its URL, model and API key",
      },
    ] as Choice[],
    { title: 'Quarry: the model that writes SQL', matchOnDescription: true, matchOnDetail: true },
  );
  if (!choice) return false;
  if (choice.id === 'current') return models.configured;
  if (choice.id === 'lora') return addAdapter(models, log);
  if (choice.id === 'no-lora') return tryModel(models, log, () => updateSettingWhereSet('model.lora', ''));
  if (choice.id === 'server') {
    const asked = await askForServer();
    return asked ? useServer(models, log, asked) : false;
  }
  return useSource(models, log, choice);
}

/** A file, a download, the sample or a catalog entry, in place of what is set: kept only once it loads. */
async function useSource(models: ModelManager, log: vscode.LogOutputChannel, choice: Choice): Promise<boolean> {
  const source = await sourceFor(choice, models);
  if (!source) return false;
  return tryModel(models, log, async () => {
    // A file or download replaces a server chosen before.
    if (readSettings().server.endpoint) await updateSettingWhereSet('model.endpoint', '');
    await updateSettingWhereSet('model.source', source.trim());
    // An adapter belongs to the model it was trained on, not to the next one.
    if (readSettings().model.lora) await updateSettingWhereSet('model.lora', '');
    if (choice.id === 'catalog') await widenContext(choice.entry.contextTokens);
  });
}

/** The settings a choice of model changes, as they were. */
const MODEL_SETTINGS = ['model.source', 'model.endpoint', 'model.name', 'model.api', 'model.lora', 'model.loraScale', 'model.contextSize'] as const;

/**
 * A new model or server takes effect only once it answers: the settings change, it loads, and when
 * it fails (no network, a server that is down, a broken file) every setting goes back, the model
 * that worked before loads again, and the message says so (issue 31, 8.3 and 8.4).
 */
async function tryModel(models: ModelManager, log: vscode.LogOutputChannel, change: () => Promise<void>): Promise<boolean> {
  const before = snapshotSettings(MODEL_SETTINGS);
  const previous = models.configured ? models.describeCurrent() : null;
  const key = await models.secrets.get(SERVER_KEY_SECRET);
  await change();
  const error = await loadChosen(models);
  if (!error) return true;
  if (error.code === 'cancelled') log.info('model choice cancelled; the model before stays');
  await restoreSettings(before);
  if (key === undefined) await models.secrets.delete(SERVER_KEY_SECRET);
  else await models.secrets.store(SERVER_KEY_SECRET, key);
  models.reset();
  // The one that worked is back in use; loading it again is a background matter.
  if (previous) void models.ensureLoaded().catch(() => undefined);
  if (error.code !== 'cancelled') offerInstead(models, log, error, previous);
  return false;
}

/** Loads what the settings now name; the error when it does not load. */
async function loadChosen(models: ModelManager): Promise<EngineError | null> {
  models.reset();
  return withCancellableProgress('Quarry', async (report, signal) => {
    try {
      const status = await models.ensureLoaded(report, signal);
      void vscode.window.showInformationMessage(status.device === 'remote' ? `Quarry: using ${status.modelPath}.` : `Quarry: model ready on ${status.device}.`);
      return null;
    } catch (error) {
      if (signal.aborted) return new EngineError('cancelled', 'cancelled');
      return error instanceof EngineError ? error : new EngineError('internal', String(error));
    }
  });
}

/** Why the new model did not load, what stays in use, and (offline) the choices that need no network. */
function offerInstead(models: ModelManager, log: vscode.LogOutputChannel, error: EngineError, previous: string | null): void {
  const offline = error.code === 'offline';
  reportError(log, 'model', error, {
    ...(previous ? { more: `Still using ${previous}.` } : {}),
    actions: offline
      ? [
          { label: 'Choose a .gguf File…', run: () => useSource(models, log, { label: '', id: 'file' }) },
          ...(existsSync(models.sampleModelPath) ? [{ label: 'Use the Sample Model', run: () => useSource(models, log, { label: '', id: 'sample' }) }] : []),
        ]
      : [],
  });
}

/** The local file of the model in use, when it is one. */
function currentFile(models: ModelManager): string | null {
  if (models.current.kind === 'ready' && models.current.status.device !== 'remote') return models.current.status.modelPath;
  const source = readSettings().model.source;
  return source && !isRemoteModel(source) && source !== SAMPLE_MODEL.source ? source : null;
}

type AdapterChoice = vscode.QuickPickItem & { path: string | null };

/**
 * "Add a LoRA adapter to this model": an adapter file (those beside the model are offered first),
 * then its scale; the model loads again with it. One made for another base model is refused by
 * the load, naming both files, and the setting goes back to what it was.
 */
async function addAdapter(models: ModelManager, log: vscode.LogOutputChannel): Promise<boolean> {
  const before = readSettings().model;
  const loaded = models.current.kind === 'ready' && models.current.status.device !== 'remote' ? models.current.status.modelPath : null;
  // A download's file is known once loaded; a path or the sample is known from the setting.
  const modelPath = before.source === 'sample' ? models.sampleModelPath : existsSync(before.source) ? before.source : (loaded ?? before.source);
  const beside = adaptersBeside(modelPath);
  const picked = await vscode.window.showQuickPick<AdapterChoice>(
    [
      ...beside.map((path) => ({ label: `$(layers) ${basename(path)}`, description: dirname(path), path })),
      { label: '$(file) Choose an adapter file…', path: null },
    ],
    { title: `Quarry: a LoRA adapter for ${basename(modelPath)} (1/2)`, matchOnDescription: true },
  );
  if (!picked) return false;
  const path = picked.path ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'GGUF LoRA adapters': ['gguf'] }, title: `A LoRA adapter for ${basename(modelPath)}`, openLabel: 'Use Adapter' }))?.[0]?.fsPath;
  if (!path) return false;
  const scale = await vscode.window.showInputBox({
    title: `Quarry: a LoRA adapter for ${basename(modelPath)} (2/2): its scale`,
    prompt: 'How much of the adapter to apply: 1 as trained, 0 not at all (up to 4)',
    value: String(before.lora === path ? before.loraScale : 1),
    validateInput: (text) => (/^\s*\d+(\.\d+)?\s*$/.test(text) && Number(text) <= 4 ? null : 'A number from 0 to 4; 1 applies the adapter as trained'),
  });
  if (scale === undefined) return false;
  // One made for another base model is refused by the load, and the model stays as it was.
  return tryModel(models, log, async () => {
    await updateSettingWhereSet('model.lora', path);
    await updateSettingWhereSet('model.loraScale', Number(scale));
  });
}

/** .gguf files in the model's folder whose names say they are adapters (`lora`, `adapter`). */
function adaptersBeside(modelPath: string): string[] {
  try {
    const folder = dirname(modelPath);
    return readdirSync(folder)
      .filter((name) => /\.gguf$/i.test(name) && /lora|adapter/i.test(name) && name !== basename(modelPath))
      .sort()
      .map((name) => join(folder, name));
  } catch {
    return [];
  }
}

/** The server's URL, the model's name and the API key, asked in turn; undefined when the person backs out. */
async function askForServer(): Promise<ServerChoice | undefined> {
  const config = vscode.workspace.getConfiguration('quarry');
  const endpoint = await vscode.window.showInputBox({
    title: 'Model server (1/3): its URL',
    prompt: "The base URL of a vLLM, llama-server, SGLang or OpenAI-compatible server (http://host:8000/v1), or of Ollama (http://host:11434)",
    value: config.get<string>('model.endpoint') || 'http://localhost:8000/v1',
    validateInput: (text) => (/^https?:\/\/\S+$/.test(text.trim()) ? null : 'Enter an http:// or https:// URL, such as http://gpu-box:8000/v1'),
  });
  if (endpoint === undefined) return undefined;
  const modelName = await vscode.window.showInputBox({ title: 'Model server (2/3): the model', prompt: "The served model's name; empty: the server's first", value: config.get<string>('model.name') ?? '' });
  if (modelName === undefined) return undefined;
  const apiKey = await vscode.window.showInputBox({ title: 'Model server (3/3): API key', prompt: 'Kept in VS Code\'s secret storage, never in settings; empty for a server without one', password: true });
  if (apiKey === undefined) return undefined;
  return { endpoint: endpoint.trim(), modelName: modelName.trim(), apiKey };
}

/** Settings for the server (the key in SecretStorage), then connects to it. */
async function useServer(models: ModelManager, log: vscode.LogOutputChannel, server: ServerChoice): Promise<boolean> {
  return tryModel(models, log, async () => {
    if (server.apiKey !== undefined) {
      if (server.apiKey) await models.secrets.store(SERVER_KEY_SECRET, server.apiKey);
      else await models.secrets.delete(SERVER_KEY_SECRET);
    }
    await updateSettingWhereSet('model.endpoint', server.endpoint);
    await updateSettingWhereSet('model.name', server.modelName ?? '');
    // A local model's adapter file means nothing to the server (there, quarry.model.lora names one it loaded).
    if (readSettings().model.lora) await updateSettingWhereSet('model.lora', '');
    if (server.api) await updateSettingWhereSet('model.api', server.api);
  });
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

async function sourceFor(choice: Choice, models: ModelManager): Promise<string | undefined> {
  if (choice.id === 'sample') return SAMPLE_MODEL.source;
  if (choice.id === 'recent') return choice.path;
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
    // Where the model in use is: the folder other models are most likely in.
    const near = currentFile(models);
    const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'GGUF models': ['gguf'] }, openLabel: 'Use Model', ...(near ? { defaultUri: vscode.Uri.file(dirname(near)) } : {}) });
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
