import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { describeDownload, resolveModelFile } from '../core/engine/downloadModel';
import { EngineError } from '../core/engine/EngineError';
import { createLanguageModel } from '../core/engine/createLanguageModel';
import type { LanguageModel } from '../core/engine/LanguageModel';
import type { ModelEngine } from '../core/engine/ModelEngine';
import type { RemoteModel } from '../core/engine/remote/RemoteModel';
import { SAMPLE_MODEL } from '../core/models/sampleModel';
import type { ModelStatus } from '../core/protocol/modelServerMethods';
import { COMMANDS } from './commandIds';
import { readSettings } from './settings';

/** A step of loading ('finding model…', 'downloading model… 40%'), with a download's share done in percent. */
export type LoadProgress = (detail: string, percent?: number) => void;

export type ModelState =
  | { kind: 'none' }
  | { kind: 'loading'; detail: string }
  | { kind: 'ready'; status: ModelStatus }
  | { kind: 'failed'; error: EngineError };

const RECENT_FILES_KEY = 'quarry.recentModelFiles';
const RECENT_FILES = 5;

/** A context key, true once any model has loaded: what completes the walkthrough's model step. */
export const MODEL_READY_CONTEXT = 'quarry.modelReady';

/** Where the API key of quarry.model.endpoint is kept (VS Code's SecretStorage, never settings.json). */
export const SERVER_KEY_SECRET = 'quarry.model.apiKey';

/**
 * The extension's model: read from settings, downloaded into the extension's storage when it is a
 * URL, loaded into the embedded model server on first use and kept warm; or, when
 * quarry.model.endpoint is set, a model on a serving engine, connected to on first use. The status
 * bar shows its state.
 */
export class ModelManager implements vscode.Disposable {
  private readonly local: ModelEngine;
  private remote: RemoteModel | null = null;
  private state: ModelState = { kind: 'none' };
  private readonly statusItem = vscode.window.createStatusBarItem('quarry.model', vscode.StatusBarAlignment.Right, 100);
  private readonly changed = new vscode.EventEmitter<ModelState>();
  readonly onDidChange = this.changed.event;
  private loading: Promise<ModelStatus> | null = null;

  constructor(
    serverScript: string,
    private readonly storage: vscode.Uri,
    readonly secrets: vscode.SecretStorage,
    private readonly log: vscode.LogOutputChannel,
    /** The sample model's file in this install: what quarry.model.source "sample" names. */
    readonly sampleModelPath: string,
    /** Where the model files that loaded lately are remembered, for the picker. */
    private readonly memory?: vscode.Memento,
  ) {
    this.local = createLanguageModel({ kind: 'llama.cpp', serverScript, log: (line) => log.info(line) });
    this.statusItem.name = 'Quarry model';
    this.statusItem.command = COMMANDS.selectModel;
    this.render();
    this.statusItem.show();
  }

  get current(): ModelState {
    return this.state;
  }

  /** The model Ask, completion, evaluation and datasets use: the server's when one is configured, else the local one. */
  get engine(): LanguageModel {
    return this.remote ?? this.local;
  }

  /** Local model files that loaded here lately, newest first, those still on disk. */
  get recentFiles(): string[] {
    return (this.memory?.get<string[]>(RECENT_FILES_KEY) ?? []).filter((path) => existsSync(path));
  }

  /** The model in use, in words: the loaded one, else what the settings name. */
  describeCurrent(): string {
    if (this.state.kind === 'ready') return this.remote?.served ? `${this.remote.served.modelName} at ${readSettings().server.endpoint}` : basename(this.state.status.modelPath);
    return this.configured ? configuredModel() : 'none';
  }

  get configured(): boolean {
    const settings = readSettings();
    return settings.model.source !== '' || settings.server.endpoint !== '';
  }

  /** The loaded model, loading (and downloading) it first when needed; `progress` hears each step, and a download's share done. */
  ensureLoaded(progress?: LoadProgress, signal?: AbortSignal): Promise<ModelStatus> {
    if (this.state.kind === 'ready' && this.engine.status) return Promise.resolve(this.state.status);
    this.loading ??= this.load(progress, signal).finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  /** Forgets the loaded model so the next use loads what the settings now say. */
  reset(): void {
    this.local.stop();
    this.remote?.dispose();
    this.remote = null;
    this.setState({ kind: 'none' });
  }

  dispose(): void {
    this.local.dispose();
    this.remote?.dispose();
    this.statusItem.dispose();
    this.changed.dispose();
  }

  private async load(progress?: LoadProgress, signal?: AbortSignal): Promise<ModelStatus> {
    const { model, server } = readSettings();
    if (!server.endpoint && !model.source) throw new EngineError('no-model', 'no model is configured: run "Quarry: Select Model…"');
    const report = (detail: string, percent?: number) => {
      this.setState({ kind: 'loading', detail });
      progress?.(detail, percent);
    };
    try {
      const status = server.endpoint ? await this.connectServer(report, signal) : await this.loadLocal(report, signal);
      this.setState({ kind: 'ready', status });
      return status;
    } catch (error) {
      const engineError = error instanceof EngineError ? error : new EngineError('internal', String(error));
      this.setState({ kind: 'failed', error: engineError });
      this.log.error(`[${engineError.code}] ${engineError.message}`);
      throw engineError;
    }
  }

  /** The configured file, downloaded first when it is a URL, into the embedded model server. */
  private async loadLocal(report: LoadProgress, signal?: AbortSignal): Promise<ModelStatus> {
    const { source, sha256, lora, loraScale, huggingFaceEndpoint, ...settings } = readSettings().model;
    report('finding model…');
    if (source === SAMPLE_MODEL.source) this.log.info(`using ${SAMPLE_MODEL.label} (${SAMPLE_MODEL.description}): ${this.sampleModelPath}`);
    const modelPath = source === SAMPLE_MODEL.source ? this.sampleModelPath : await resolveModelFile(source, {
      directory: vscode.Uri.joinPath(this.storage, 'models').fsPath,
      sha256: sha256 || undefined,
      huggingFaceEndpoint: huggingFaceEndpoint || undefined,
      signal,
      onProgress: (download) => report(describeDownload(download), download.totalBytes ? (100 * download.receivedBytes) / download.totalBytes : undefined),
    });
    report('loading model…');
    const status = await this.local.load({ modelPath, ...(lora ? { loraPath: lora, loraScale } : {}), ...settings }, signal);
    if (source !== SAMPLE_MODEL.source) void this.remember(modelPath);
    return status;
  }

  private async remember(modelPath: string): Promise<void> {
    const recent = [modelPath, ...(this.memory?.get<string[]>(RECENT_FILES_KEY) ?? []).filter((path) => path !== modelPath)].slice(0, RECENT_FILES);
    await this.memory?.update(RECENT_FILES_KEY, recent);
  }

  /** The configured server, with the key from SecretStorage; it replaces the one before only once it answers. */
  private async connectServer(report: LoadProgress, signal?: AbortSignal): Promise<ModelStatus> {
    const { server, model } = readSettings();
    const { endpoint, api, name } = server;
    report(`connecting to ${endpoint}…`);
    const apiKey = await this.secrets.get(SERVER_KEY_SECRET);
    // With a server, quarry.model.lora names an adapter the server loaded.
    const adapter = model.lora ? { adapter: { name: model.lora, scale: model.loraScale } } : {};
    const remote = createLanguageModel({ kind: 'remote', endpoint, ...(api ? { api } : {}), ...(name ? { modelName: name } : {}), ...(apiKey ? { apiKey } : {}), ...adapter });
    let status: ModelStatus;
    try {
      status = await remote.connect(signal);
    } catch (error) {
      remote.dispose();
      throw error;
    }
    this.remote?.dispose();
    this.remote = remote;
    this.log.info(`model server ${endpoint}: ${remote.served?.modelName} (${remote.served?.api}), ${status.contextSize}-token context`);
    return status;
  }

  private setState(state: ModelState): void {
    this.state = state;
    this.render();
    // The walkthrough's "Choose a model" is done when a model works, not when the picker was opened.
    if (state.kind === 'ready') void vscode.commands.executeCommand('setContext', MODEL_READY_CONTEXT, true);
    this.changed.fire(state);
  }

  private render(): void {
    const item = this.statusItem;
    switch (this.state.kind) {
      case 'none':
        item.text = this.configured ? '$(hubot) Quarry' : '$(hubot) Quarry: no model';
        item.tooltip = this.configured ? `Model: ${configuredModel()}` : 'Choose the model that writes SQL';
        break;
      case 'loading':
        item.text = `$(loading~spin) Quarry: ${this.state.detail}`;
        item.tooltip = this.state.detail;
        break;
      case 'ready':
        if (this.remote?.served) {
          item.text = `$(cloud) ${this.remote.served.modelName} · ${this.remote.served.api}`;
          item.tooltip = `Model ${this.state.status.modelPath} (${this.remote.served.api}), ${this.state.status.contextSize}-token context`;
          break;
        }
        if (this.state.status.modelPath === this.sampleModelPath) {
          item.text = `$(beaker) Quarry: ${SAMPLE_MODEL.label}`;
          item.tooltip = `${SAMPLE_MODEL.label}: ${SAMPLE_MODEL.description}. Choose another with "Quarry: Select Model…"`;
          break;
        }
        item.text = `$(hubot) ${basename(this.state.status.modelPath)} · ${this.state.status.device}`;
        item.tooltip = `Model ${this.state.status.modelPath} on ${this.state.status.device}, ${this.state.status.contextSize}-token context`;
        break;
      case 'failed':
        item.text = '$(error) Quarry: model failed';
        item.tooltip = this.state.error.message;
        break;
    }
  }
}

/** What the settings name, and when it is opened. */
function configuredModel(): string {
  const { model, server } = readSettings();
  if (server.endpoint) return `${server.endpoint} (connects on first use)`;
  return `${model.source === SAMPLE_MODEL.source ? `${SAMPLE_MODEL.label} (${SAMPLE_MODEL.description})` : model.source} (loads on first use)`;
}
