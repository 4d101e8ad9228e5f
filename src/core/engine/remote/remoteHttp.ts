import { EngineError } from '../EngineError';

export interface HttpOptions {
  /** Bearer token (an API key), sent as `Authorization: Bearer …`. */
  apiKey?: string;
  /** Until the answer's headers arrive; for a stream, also the longest quiet gap between its chunks. */
  timeoutMs: number;
  /** Retries of a 429 or 503 (the server is busy), waiting 0.5 s, 1 s, 2 s … or its Retry-After. */
  retries: number;
  signal?: AbortSignal;
}

/** What a server answered that was not a success, in the server's own words where it gave any. */
function serverError(url: string, status: number, body: string): EngineError {
  const words = messageOf(body);
  const hint = status === 401 || status === 403 ? ' (check the API key)' : status === 404 ? ' (check the endpoint, which ends in /v1 for OpenAI-style servers, and the model name)' : '';
  return new EngineError('server-error', `the model server at ${url} answered ${status}${words ? `: ${words}` : ''}${hint}`);
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

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

function unreachable(url: string, error: unknown): EngineError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error as Error).message;
  return new EngineError('server-unreachable', `the model server at ${url} cannot be reached: ${why}`);
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

/** One request, retried while the server says it is busy; the answer once its headers are in. */
export async function request(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: HttpOptions): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new EngineError('cancelled', 'cancelled');
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, {
        method: init.method,
        headers: { ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
        signal: controller.signal,
      });
    } catch (error) {
      if (options.signal?.aborted) throw new EngineError('cancelled', 'cancelled');
      if (controller.signal.aborted) throw new EngineError('server-unreachable', `the model server at ${url} did not answer within ${seconds(options.timeoutMs)}`);
      throw unreachable(url, error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (response.ok) return response;
    const body = await response.text().catch(() => '');
    if ((response.status === 429 || response.status === 503) && attempt < options.retries) {
      const retryAfter = Number(response.headers.get('retry-after'));
      await sleep(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 10) * 1000 : 500 * 2 ** attempt, options.signal);
      continue;
    }
    throw serverError(url, response.status, body);
  }
}

export async function requestJson(url: string, init: { method: 'GET' | 'POST'; body?: unknown }, options: HttpOptions): Promise<unknown> {
  const response = await request(url, init, options);
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new EngineError('server-error', `the model server at ${url} answered with something that is not JSON: ${oneLine(text).slice(0, 120)}`);
  }
}

/**
 * The JSON objects of a streamed answer, each as it arrives: server-sent events (`data: {…}` lines
 * up to `data: [DONE]`, OpenAI's and llama-server's) or newline-delimited JSON (Ollama's). A stream
 * that goes quiet for the timeout fails, as does a piece that is not JSON.
 */
export async function* readStreamedJson(url: string, response: Response, options: Pick<HttpOptions, 'timeoutMs' | 'signal'>, framing: 'sse' | 'ndjson'): AsyncGenerator<unknown> {
  for await (const line of readLines(url, response, options)) {
    if (framing === 'sse' && !line.startsWith('data:')) continue;
    const data = framing === 'sse' ? line.slice(5).trim() : line;
    if (framing === 'sse' && data === '[DONE]') return;
    if (!data) continue;
    try {
      yield JSON.parse(data) as unknown;
    } catch {
      throw new EngineError('server-error', `the model server at ${url} streamed something that is not JSON: ${oneLine(data).slice(0, 120)}`);
    }
  }
}

/** The lines of a streamed body (trimmed), each as it arrives; a body that goes quiet for the timeout fails. */
async function* readLines(url: string, response: Response, options: Pick<HttpOptions, 'timeoutMs' | 'signal'>): AsyncGenerator<string> {
  if (!response.body) throw new EngineError('server-error', `the model server at ${url} sent no body`);
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const onAbort = () => void reader.cancel().catch(() => undefined);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    while (true) {
      let timer: NodeJS.Timeout | undefined;
      const quiet = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new EngineError('server-unreachable', `the model server at ${url} sent nothing for ${seconds(options.timeoutMs)}`)), options.timeoutMs);
      });
      const chunk = await Promise.race([reader.read(), quiet]).finally(() => clearTimeout(timer));
      if (options.signal?.aborted) throw new EngineError('cancelled', 'cancelled');
      if (chunk.done) {
        if (buffer.trim()) yield buffer.trim();
        return;
      }
      buffer += decoder.decode(chunk.value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        yield line;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // Also when the stream is left early (quiet, [DONE], a bad event): the server stops generating for nobody.
    await reader.cancel().catch(() => undefined);
  }
}
