import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { checkGgufFile } from './checkGgufFile';
import { EngineError } from './EngineError';

export interface DownloadProgress {
  receivedBytes: number;
  /** null while the server has not said how large the file is. */
  totalBytes: number | null;
}

/** One line for a progress bar: the share when the size is known, else the megabytes so far. */
export function describeDownload({ receivedBytes, totalBytes }: DownloadProgress): string {
  return `downloading model… ${totalBytes ? `${Math.floor((100 * receivedBytes) / totalBytes)}%` : `${(receivedBytes / 1e6).toFixed(0)} MB`}`;
}

export interface DownloadOptions {
  /** Folder the model is saved in (the extension's storage, or the CLI's cache). */
  directory: string;
  /** Expected SHA-256 of the whole file, hex; a mismatch deletes the download. */
  sha256?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** Where `hf:` references resolve; tests point it at a local server. */
  huggingFaceEndpoint?: string;
  /** Reconnections after a dropped connection, each resuming where the last one stopped. */
  retries?: number;
}

const HF_REFERENCE = /^hf:([^/\s]+)\/([^/\s]+)\/(.+\.gguf)$/i;

/** `https://…/x.gguf` as is; `hf:<user>/<repo>/<file>.gguf` to the file on the Hugging Face Hub's main branch. */
export function modelUrl(reference: string, huggingFaceEndpoint = 'https://huggingface.co'): string {
  const hf = HF_REFERENCE.exec(reference);
  if (hf) return `${huggingFaceEndpoint.replace(/\/$/, '')}/${hf[1]}/${hf[2]}/resolve/main/${hf[3]}`;
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    throw new EngineError('download-failed', `not a model URL: ${reference} (use https://…/model.gguf or hf:<user>/<repo>/<file>.gguf)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EngineError('download-failed', `unsupported model URL: ${reference} (use https:// or hf:)`);
  }
  return url.toString();
}

export function isRemoteModel(reference: string): boolean {
  return HF_REFERENCE.test(reference) || /^[a-z][a-z0-9+.-]*:\/\//i.test(reference);
}

/**
 * Downloads a GGUF file into `directory`, resuming a partial download (HTTP Range on the `.part`
 * file) after a dropped connection or an earlier interrupted run, and moving it into place only when
 * it is whole and, when asked, matches its SHA-256. An existing complete file is reused.
 */
export async function downloadModel(reference: string, options: DownloadOptions): Promise<string> {
  const url = modelUrl(reference, options.huggingFaceEndpoint);
  mkdirSync(options.directory, { recursive: true });
  const target = join(options.directory, fileNameOf(url));
  if (existsSync(target) && (!options.sha256 || (await sha256Of(target)) === options.sha256.toLowerCase())) return target;
  const part = `${target}.part`;
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchInto(url, part, options);
      break;
    } catch (error) {
      if (error instanceof EngineError || options.signal?.aborted || attempt >= retries) throw asDownloadError(error, url, options.signal);
    }
  }
  if (options.sha256) {
    const actual = await sha256Of(part);
    if (actual !== options.sha256.toLowerCase()) {
      rmSync(part, { force: true });
      throw new EngineError('checksum-mismatch', `downloaded ${basename(target)} has SHA-256 ${actual}, expected ${options.sha256}; the file was deleted`);
    }
  }
  checkGgufFile(part, `downloaded file from ${url}`);
  renameSync(part, target);
  return target;
}

async function fetchInto(url: string, part: string, options: DownloadOptions): Promise<void> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const response = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: options.signal, redirect: 'follow' });
  if (response.status === 416 && have > 0) return; // the part file already holds everything
  if (!response.ok) {
    throw new EngineError('download-failed', `download failed: HTTP ${response.status} ${response.statusText} for ${url}`);
  }
  const resumed = response.status === 206;
  const length = Number(response.headers.get('content-length') ?? NaN);
  const totalBytes = Number.isFinite(length) ? length + (resumed ? have : 0) : null;
  let receivedBytes = resumed ? have : 0;
  options.onProgress?.({ receivedBytes, totalBytes });
  const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    receivedBytes += chunk.length;
    options.onProgress?.({ receivedBytes, totalBytes });
  });
  await pipeline(body, createWriteStream(part, { flags: resumed ? 'a' : 'w' }));
  if (totalBytes !== null && receivedBytes < totalBytes) throw new Error(`connection closed after ${receivedBytes} of ${totalBytes} bytes`);
}

function fileNameOf(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
  return /^[\w.+-]+\.gguf$/i.test(name) ? name : `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.gguf`;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function asDownloadError(error: unknown, url: string, signal?: AbortSignal): EngineError {
  if (error instanceof EngineError) return error;
  if (signal?.aborted) return new EngineError('cancelled', 'download cancelled; it resumes where it stopped next time');
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new EngineError('download-failed', `download failed for ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
}

/** A local path as is (checked), a URL or hf: reference downloaded (or found already downloaded). */
export async function resolveModelFile(reference: string, options: DownloadOptions): Promise<string> {
  if (isRemoteModel(reference)) return downloadModel(reference, options);
  checkGgufFile(reference);
  return reference;
}
