import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { writeAtomically } from '../files/writeAtomically';
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
  /** Where `hf:` references resolve (a mirror, or a local test server); by default $HF_ENDPOINT, else the Hub. */
  huggingFaceEndpoint?: string;
  /** Reconnections after a dropped connection, each resuming where the last one stopped. */
  retries?: number;
}

const HF_REFERENCE = /^hf:([^/\s]+)\/([^/\s]+)\/(.+\.gguf)$/i;
/** `hf:<user>/<repo>:<quant>`: a quantization named, not a file (file names differ per repository). */
const HF_QUANT_REFERENCE = /^hf:([^/\s]+)\/([^/\s:]+):([\w.-]+)$/i;
/** A shard of a GGUF split into several files (`…-00001-of-00003.gguf`). */
const SPLIT_PART = /-(\d{5})-of-(\d{5})\.gguf$/i;

/** `https://…/x.gguf` as is; `hf:<user>/<repo>/<file>.gguf` to the file on the Hugging Face Hub's main branch. */
export function modelUrl(reference: string, endpoint = huggingFaceEndpoint()): string {
  const hf = HF_REFERENCE.exec(reference);
  if (hf) return `${endpoint.replace(/\/$/, '')}/${hf[1]}/${hf[2]}/resolve/main/${hf[3]}`;
  let url: URL;
  try {
    url = new URL(reference);
  } catch {
    throw new EngineError('download-failed', `not a model URL: ${reference} (use https://…/model.gguf, hf:<user>/<repo>/<file>.gguf or hf:<user>/<repo>:<quant>)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new EngineError('download-failed', `unsupported model URL: ${reference} (use https:// or hf:)`);
  }
  return url.toString();
}

export function isRemoteModel(reference: string): boolean {
  return HF_REFERENCE.test(reference) || HF_QUANT_REFERENCE.test(reference) || /^[a-z][a-z0-9+.-]*:\/\//i.test(reference);
}

/**
 * `hf:<user>/<repo>:<quant>` to `hf:<user>/<repo>/<file>.gguf`: the repository's GGUF file of that
 * quantization, found in the Hub's file list (`/api/models/<user>/<repo>`); anything else as is.
 */
export async function resolveQuantization(reference: string, endpoint = huggingFaceEndpoint(), signal?: AbortSignal): Promise<string> {
  const match = HF_QUANT_REFERENCE.exec(reference);
  if (!match) return reference;
  const [, user, repo, quant] = match as unknown as [string, string, string, string];
  const files = await repositoryFiles(`${endpoint.replace(/\/$/, '')}/api/models/${user}/${repo}`, `${user}/${repo}`, signal);
  const ggufs = files.filter((name) => /\.gguf$/i.test(name) && !/(^|\/)(mmproj|imatrix)/i.test(name));
  const wanted = quant.toLowerCase();
  const matching = ggufs.filter((name) => new RegExp(`[-._]${wanted.replace(/[.]/g, '\\.')}(-\\d{5}-of-\\d{5})?\\.gguf$`).test(name.toLowerCase()));
  if (matching.length === 0) {
    const offered = [...new Set(ggufs.map(quantizationOf).filter(Boolean))].join(', ') || 'none';
    throw new EngineError('download-failed', `${user}/${repo} has no ${quant} GGUF file (it has: ${offered}); pick one of those, or give hf:${user}/${repo}/<file>.gguf`);
  }
  const split = matching.find((name) => SPLIT_PART.test(name));
  if (split) {
    throw new EngineError('download-failed', `${user}/${repo}'s ${quant} model is split into ${SPLIT_PART.exec(split)![2]!.replace(/^0+/, '')} files, which Quarry does not download; pick a smaller quantization or download the parts yourself`);
  }
  if (matching.length > 1) throw new EngineError('download-failed', `${user}/${repo} has several ${quant} files (${matching.join(', ')}); name one as hf:${user}/${repo}/<file>.gguf`);
  return `hf:${user}/${repo}/${matching[0]}`;
}

async function repositoryFiles(api: string, repo: string, signal?: AbortSignal): Promise<string[]> {
  let response: Response;
  try {
    response = await fetch(api, { signal });
  } catch (error) {
    throw asDownloadError(error, api, signal);
  }
  if (!response.ok) throw new EngineError('download-failed', `could not list the files of ${repo}: HTTP ${response.status} ${response.statusText} for ${api}`);
  const info = (await response.json().catch(() => null)) as { siblings?: { rfilename?: unknown }[] } | null;
  if (!Array.isArray(info?.siblings)) throw new EngineError('download-failed', `${api} did not answer with a file list (siblings) as the Hugging Face API does`);
  return info.siblings.map((file) => file.rfilename).filter((name): name is string => typeof name === 'string');
}

/** The quantization a GGUF file name carries (…-Q4_K_M.gguf → Q4_K_M), for the list of what a repository offers. */
function quantizationOf(name: string): string {
  return /[-._]((?:i?q\d[\w]*|f16|fp16|bf16|f32))(?:-\d{5}-of-\d{5})?\.gguf$/i.exec(name)?.[1] ?? '';
}

/**
 * Downloads a GGUF file into `directory`, resuming a partial download (HTTP Range on the `.part`
 * file) after a dropped connection or an earlier interrupted run, and moving it into place only when
 * it is whole and, when asked, matches its SHA-256. An existing complete file is reused.
 */
export async function downloadModel(reference: string, options: DownloadOptions): Promise<string> {
  const endpoint = huggingFaceEndpoint(options.huggingFaceEndpoint);
  mkdirSync(options.directory, { recursive: true });
  // A quantization downloaded before is used as it is: asking the Hub again would need the network.
  const known = resolvedBefore(options.directory, reference);
  if (known && !options.sha256) return known;
  const resolved = await resolveQuantization(reference, endpoint, options.signal);
  const url = modelUrl(resolved, endpoint);
  const target = join(options.directory, fileNameOf(url));
  if (existsSync(target) && (!options.sha256 || (await sha256Of(target)) === options.sha256.toLowerCase())) return target;
  const part = `${target}.part`;
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchInto(url, part, options);
      break;
    } catch (error) {
      const failure = asDownloadError(error, url, options.signal);
      // A dropped connection is worth another try; a host that cannot be found at all is not.
      if (error instanceof EngineError || failure.code !== 'download-failed' || attempt >= retries) throw failure;
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
  if (resolved !== reference) rememberResolution(options.directory, reference, basename(target));
  return target;
}

/** The endpoint `hf:` references resolve against: the one given, else $HF_ENDPOINT (as huggingface_hub reads it), else the Hub. */
export function huggingFaceEndpoint(given?: string): string {
  return given?.trim() || process.env.HF_ENDPOINT?.trim() || 'https://huggingface.co';
}

const RESOLUTIONS_FILE = 'resolved-references.json';

function readResolutions(directory: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(join(directory, RESOLUTIONS_FILE), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function resolvedBefore(directory: string, reference: string): string | null {
  const file = readResolutions(directory)[reference];
  if (typeof file !== 'string' || basename(file) !== file) return null;
  const path = join(directory, file);
  return existsSync(path) ? path : null;
}

function rememberResolution(directory: string, reference: string, file: string): void {
  writeAtomically(join(directory, RESOLUTIONS_FILE), JSON.stringify({ ...readResolutions(directory), [reference]: file }, null, 2));
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

/** Node's words for a host that cannot be reached at all, as opposed to one that answered badly. */
const NO_NETWORK = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN']);

function asDownloadError(error: unknown, url: string, signal?: AbortSignal): EngineError {
  if (error instanceof EngineError) return error;
  if (signal?.aborted) return new EngineError('cancelled', 'download cancelled; it resumes where it stopped next time');
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code && NO_NETWORK.has(cause.code)) {
    return new EngineError('offline', `cannot reach ${new URL(url).host} to download the model (${cause.code}): is this machine offline? Choose a .gguf file on disk, or the sample model`);
  }
  return new EngineError('download-failed', `download failed for ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
}

/** A local path as is (checked), a URL or hf: reference downloaded (or found already downloaded). */
export async function resolveModelFile(reference: string, options: DownloadOptions): Promise<string> {
  if (isRemoteModel(reference)) return downloadModel(reference, options);
  checkGgufFile(reference);
  return reference;
}
