import { redactSecrets, redactUrl } from '../../util/redactSecrets';
import { EngineError } from '../EngineError';

export interface HttpOptions {
  /** Bearer token (an API key), sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** The longest quiet gap: until the answer's headers arrive, and between any two chunks of its body after that. */
  timeoutMs: number;
  /** The whole request, headers and body, however busily the server keeps sending (default: four times timeoutMs). */
  deadlineMs?: number;
  /** Retries of a 429 or 503 (the server is busy), waiting 0.5 s, 1 s, 2 s … or its Retry-After. */
  retries: number;
  signal?: AbortSignal;
}

/** A JSON answer larger than this is no answer Quarry asked for (a model list, a token count, a server's props). */
export const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** One event of a stream: a token or a few, with their JSON around them. */
export const MAX_STREAM_LINE_BYTES = 1024 * 1024;

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/**
 * The clock of one request, from sending it to its body's last byte: a quiet gap longer than the
 * timeout, the overall deadline, or the caller's cancellation aborts the fetch and with it the
 * body, wherever the request is. Memory is bounded by the callers' byte caps, time by this.
 */
class RequestClock {
  readonly controller = new AbortController();
  private why: 'quiet' | 'deadline' | 'cancelled' | null = null;
  private idle: NodeJS.Timeout | undefined;
  private readonly deadline: NodeJS.Timeout;
  private readonly onAbort = () => this.stop('cancelled');

  constructor(
    private readonly url: string,
    private readonly options: HttpOptions,
  ) {
    this.deadline = setTimeout(() => this.stop('deadline'), this.deadlineMs);
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    if (options.signal?.aborted) this.stop('cancelled');
    this.touch();
  }

  private get deadlineMs(): number {
    return this.options.deadlineMs ?? this.options.timeoutMs * 4;
  }

  /** Something arrived: the quiet gap starts again. */
  touch(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop('quiet'), this.options.timeoutMs);
  }

  /** The error that ended the request, if the clock ended it. */
  failure(): EngineError | null {
    const at = redactUrl(this.url);
    if (this.why === 'cancelled' || this.options.signal?.aborted) return new EngineError('cancelled', 'cancelled');
    if (this.why === 'quiet') return new EngineError('server-unreachable', `the model server at ${at} sent nothing for ${seconds(this.options.timeoutMs)}`);
    if (this.why === 'deadline') return new EngineError('server-unreachable', `the model server at ${at} did not finish its answer within ${seconds(this.deadlineMs)}`);
    return null;
  }

  dispose(): void {
    clearTimeout(this.idle);
    clearTimeout(this.deadline);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private stop(why: 'quiet' | 'deadline' | 'cancelled'): void {
    this.why ??= why;
    this.controller.abort();
  }
}

/** A response whose body is still to be read, on the clock of its request. */
export interface RemoteResponse {
  readonly url: string;
  readonly response: Response;
  readonly clock: RequestClock;
}

/** What a server answered that was not a success, in the server's own words where it gave any. */
function serverError(url: string, status: number, body: string): EngineError {
  const words = messageOf(body);
  const hint = status === 401 || status === 403 ? ' (check the API key)' : status === 404 ? ' (check the endpoint, which ends in /v1 for OpenAI-style servers, and the model name)' : '';
  return new EngineError('server-error', `the model server at ${redactUrl(url)} answered ${status}${words ? `: ${words}` : ''}${hint}`);
}

function messageOf(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: string } | string; message?: string; detail?: unknown };
    const error = typeof json.error === 'string' ? json.error : json.error?.message;
    const words = error ?? json.message ?? (typeof json.detail === 'string' ? json.detail : json.detail ? JSON.stringify(json.detail) : undefined);
    if (words) return oneLine(words);
  } catch {
    // not JSON: the text itself
  }
  return oneLine(body);
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function unreachable(url: string, error: unknown): EngineError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  // fetch's own words may quote the URL, credentials and all.
  return new EngineError('server-unreachable', `the model server at ${redactUrl(url)} cannot be reached: ${redactSecrets(String(why))}`);
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new EngineError('cancelled', 'cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * One request, retried while the server says it is busy; the answer once its headers are in, still
 * on its clock (the caller reads the body with readJson or readStreamedJson, which end it).
 */
export async function request(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: HttpOptions): Promise<RemoteResponse> {
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new EngineError('cancelled', 'cancelled');
    const clock = new RequestClock(url, options);
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: clock.controller.signal,
      });
    } catch (error) {
      clock.dispose();
      throw clock.failure() ?? unreachable(url, error);
    }
    clock.touch();
    if (response.ok) return { url, response, clock };
    let body: string;
    try {
      body = (await readBounded({ url, response, clock }, 64 * 1024)).text;
    } finally {
      clock.dispose();
    }
    if ((response.status === 429 || response.status === 503) && attempt < options.retries) {
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * 2 ** attempt, options.signal);
      continue;
    }
    throw serverError(url, response.status, body);
  }
}

export async function requestJson(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: HttpOptions): Promise<unknown> {
  return readJson(await request(url, init, options));
}

/** A whole JSON answer, within MAX_JSON_BYTES and the request's clock. */
export async function readJson(answer: RemoteResponse): Promise<unknown> {
  let text: string;
  try {
    const body = await readBounded(answer, MAX_JSON_BYTES);
    if (body.cut) throw new EngineError('server-error', `the model server at ${redactUrl(answer.url)} sent an answer larger than ${MAX_JSON_BYTES / 1024 / 1024} MB; stopped reading it`);
    text = body.text;
  } finally {
    answer.clock.dispose();
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EngineError('server-error', `the model server at ${redactUrl(answer.url)} answered with something that is not JSON: ${oneLine(text).slice(0, 120)}`);
  }
}

/** The body's text up to `limit` bytes (then the rest is not read: `cut`), each chunk on the clock. */
async function readBounded(answer: RemoteResponse, limit: number): Promise<{ text: string; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let cut = false;
  for await (const chunk of chunksOf(answer)) {
    const room = limit - size;
    chunks.push(Buffer.from(chunk.subarray(0, Math.max(0, Math.min(room, chunk.length)))));
    size += chunk.length;
    if (size > limit) {
      cut = true;
      break;
    }
  }
  return { text: Buffer.concat(chunks).toString('utf8'), cut };
}

/** The body's chunks as they arrive; the clock's failure (quiet, deadline, cancelled) replaces the stream's own error. */
async function* chunksOf(answer: RemoteResponse): AsyncGenerator<Uint8Array> {
  const { response, clock, url } = answer;
  if (!response.body) return;
  const reader = response.body.getReader();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw clock.failure() ?? unreachable(url, error);
      }
      const failure = clock.failure();
      if (failure) throw failure;
      if (chunk.done) return;
      clock.touch();
      yield chunk.value;
    }
  } finally {
    // Also when the body is left early (a cap, [DONE], a bad event): the server stops sending for nobody.
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * The JSON objects of a streamed answer, each as it arrives: server-sent events (`data: {…}` lines
 * up to `data: [DONE]`, OpenAI's and llama-server's) or newline-delimited JSON (Ollama's). A stream
 * that goes quiet for the timeout or outlasts its deadline fails, as does a piece that is not JSON
 * or a line longer than MAX_STREAM_LINE_BYTES.
 */
export async function* readStreamedJson(answer: RemoteResponse, framing: 'sse' | 'ndjson'): AsyncGenerator<unknown> {
  try {
    for await (const line of readLines(answer)) {
      if (framing === 'sse' && !line.startsWith('data:')) continue;
      const data = framing === 'sse' ? line.slice(5).trim() : line;
      if (framing === 'sse' && data === '[DONE]') return;
      if (!data) continue;
      try {
        yield JSON.parse(data) as unknown;
      } catch {
        throw new EngineError('server-error', `the model server at ${redactUrl(answer.url)} streamed something that is not JSON: ${oneLine(data).slice(0, 120)}`);
      }
    }
  } finally {
    answer.clock.dispose();
  }
}

/** The lines of a streamed body (trimmed), each as it arrives. */
async function* readLines(answer: RemoteResponse): AsyncGenerator<string> {
  if (!answer.response.body) throw new EngineError('server-error', `the model server at ${redactUrl(answer.url)} sent no body`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of chunksOf(answer)) {
    buffer += decoder.decode(chunk, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) !== -1) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      yield line;
    }
    // Characters, not bytes: as cheap to check on every chunk, and never more than the bytes.
    if (buffer.length > MAX_STREAM_LINE_BYTES) {
      throw new EngineError('server-error', `the model server at ${redactUrl(answer.url)} streamed a line longer than ${MAX_STREAM_LINE_BYTES / 1024} KB; stopped reading it`);
    }
  }
  if (buffer.trim()) yield buffer.trim();
}
