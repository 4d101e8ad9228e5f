import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LlamaContext, LlamaContextSequence, LlamaGrammar, LlamaModel, Llama } from 'node-llama-cpp';
import { TINY_MODEL } from './tinyModel';

export type ServedApi = 'vllm' | 'llama-server' | 'sglang' | 'ollama' | 'openai';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown> | null;
}

export interface OpenAiCompatibleServer {
  /** The OpenAI-style base URL, ending in /v1. */
  url: string;
  requests: RecordedRequest[];
  /** The next requests to the generation endpoints answer this status and body instead. */
  failNext(status: number, body: string, count?: number): void;
  close(): Promise<void>;
}

export interface ServerOptions {
  api: ServedApi;
  modelName?: string;
  /** Requests generated side by side; more wait their turn. */
  parallel?: number;
  /** Only this bearer token is let in. */
  apiKey?: string;
  /** The GGUF served (default: the tiny model). */
  modelPath?: string;
  /**
   * A LoRA adapter the server loaded, applied for real (node-llama-cpp): vLLM lists it as a model
   * named `name` whose parent is the served model; llama-server lists it at GET /lora-adapters as
   * id 0, at `initScale` for requests that do not say (0: --lora-init-without-apply).
   */
  lora?: { path: string; name: string; initScale: number };
}

/**
 * A stand-in for a team's serving engine, on loopback: it speaks the request and response shapes of
 * vLLM, llama-server, SGLang, Ollama's own API or a plain OpenAI server (models list, llama-server's /props, tokenize,
 * chat and completions with server-sent events), reads the grammar from the field that engine reads,
 * and answers with real generations of the tiny GGUF model (node-llama-cpp) under that grammar.
 */
export async function startOpenAiCompatibleServer(options: ServerOptions): Promise<OpenAiCompatibleServer> {
  const { getLlama, LlamaCompletion } = await import('node-llama-cpp');
  const llama: Llama = await getLlama({ gpu: false });
  const model: LlamaModel = await llama.loadModel({ modelPath: options.modelPath ?? TINY_MODEL });
  // A context per request in flight, not sequences of one: batched sums come out in another order, and
  // the random model's near-ties would then make the same question give another answer under load.
  const contexts: LlamaContext[] = [];
  for (let i = 0; i < (options.parallel ?? 1); i++) contexts.push(await model.createContext({ contextSize: 2048, threads: 1 }));
  const free: LlamaContextSequence[] = contexts.map((context) => context.getSequence());
  const waiting: ((sequence: LlamaContextSequence) => void)[] = [];
  const take = () => new Promise<LlamaContextSequence>((resolve) => (free.length ? resolve(free.pop()!) : waiting.push(resolve)));
  const give = (sequence: LlamaContextSequence) => (waiting.length ? waiting.shift()!(sequence) : free.push(sequence));
  /** A free sequence for one request (waiting for one when all are busy), emptied and given back after. */
  const withSequence = async (work: (sequence: LlamaContextSequence) => Promise<void>) => {
    const sequence = await take();
    try {
      await work(sequence);
    } finally {
      await sequence.clearHistory();
      give(sequence);
    }
  };
  // A context of its own for each adapter scale asked for, one request at a time on it.
  const adapted = new Map<number, { sequence: LlamaContextSequence; turn: Promise<void> }>();
  const withAdaptedSequence = async (scale: number, work: (sequence: LlamaContextSequence) => Promise<void>) => {
    let lane = adapted.get(scale);
    if (!lane) {
      const context = await model.createContext({ contextSize: 2048, threads: 1, lora: { adapters: [{ filePath: options.lora!.path, scale }] } });
      contexts.push(context);
      adapted.set(scale, (lane = { sequence: context.getSequence(), turn: Promise.resolve() }));
    }
    const mine = lane.turn.then(async () => {
      try {
        await work(lane.sequence);
      } finally {
        await lane.sequence.clearHistory();
      }
    });
    lane.turn = mine.catch(() => undefined);
    return mine;
  };
  /** The adapter's scale for a request, as the engine reads it: vLLM by the model asked for, llama-server by its `lora` field. */
  const loraScaleIn = (body: Record<string, unknown>): number => {
    if (!options.lora) return 0;
    if (options.api === 'vllm') return body.model === options.lora.name ? 1 : 0;
    if (options.api === 'llama-server') {
      const asked = body.lora as { id: number; scale: number }[] | undefined;
      return asked ? (asked.find((a) => a.id === 0)?.scale ?? 0) : options.lora.initScale;
    }
    return 0;
  };
  const grammars = new Map<string, LlamaGrammar>();
  const grammarFor = async (gbnf: string | undefined) => {
    if (!gbnf) return undefined;
    let grammar = grammars.get(gbnf);
    if (!grammar) grammars.set(gbnf, (grammar = await llama.createGrammar({ grammar: gbnf })));
    return grammar;
  };
  const modelName = options.modelName ?? 'tiny-sql';
  const requests: RecordedRequest[] = [];
  const failures: { status: number; body: string }[] = [];

  const grammarIn = (body: Record<string, unknown>): string | undefined => {
    if (options.api === 'vllm') return (body.structured_outputs as { grammar?: string } | undefined)?.grammar;
    if (options.api === 'llama-server') return body.grammar as string | undefined;
    if (options.api === 'sglang') return body.ebnf as string | undefined;
    return undefined;
  };

  const generate = async (body: Record<string, unknown>, response: ServerResponse, chat: boolean) => {
    // A client that hangs up stops the generation, as a serving engine does.
    const hungUp = new AbortController();
    response.on('close', () => hungUp.abort());
    const messages = (body.messages ?? []) as { role: string; content: string }[];
    const prompt = chat ? plainPrompt(messages) : String(body.prompt);
    const grammar = await grammarFor(grammarIn(body));
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
    let completionTokens = 0;
    const scale = loraScaleIn(body);
    const on = scale > 0 ? (work: (sequence: LlamaContextSequence) => Promise<void>) => withAdaptedSequence(scale, work) : withSequence;
    await on(async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      const result = await completion.generateCompletionWithMeta(prompt, {
        maxTokens: Number(body.max_tokens ?? 64),
        temperature: Number(body.temperature ?? 0),
        ...(body.seed !== undefined ? { seed: Number(body.seed) } : {}),
        ...(grammar ? { grammar } : {}),
        ...(Array.isArray(body.stop) && body.stop.length ? { customStopTriggers: body.stop as string[] } : {}),
        onTextChunk: (text) => send(chat ? { choices: [{ index: 0, delta: { content: text }, finish_reason: null }] } : { choices: [{ index: 0, text, finish_reason: null }] }),
        onToken: (tokens) => (completionTokens += tokens.length),
        signal: hungUp.signal,
        stopOnAbortSignal: true,
      });
      completion.dispose({ disposeSequence: false });
      const finish = result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop';
      send({ choices: [{ index: 0, ...(chat ? { delta: {} } : { text: '' }), finish_reason: finish }] });
      send({ choices: [], usage: { prompt_tokens: model.tokenize(prompt).length, completion_tokens: completionTokens } });
      response.end('data: [DONE]\n\n');
    });
  };

  // llama-server's own /infill: its native events, and its refusal for a model without fill-in-the-middle tokens.
  const infill = (body: Record<string, unknown>, response: ServerResponse) =>
    withSequence(async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      if (!completion.infillSupported) {
        response.writeHead(501, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { code: 501, message: 'Infill is not supported by this model: prefix token is missing.', type: 'not_supported_error' } }));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      const send = (data: unknown) => response.write(`data: ${JSON.stringify(data)}\n\n`);
      const grammar = await grammarFor(body.grammar as string | undefined);
      const result = await completion.generateInfillCompletionWithMeta(String(body.input_prefix), String(body.input_suffix), {
        maxTokens: Number(body.n_predict ?? 64),
        ...(grammar ? { grammar } : {}),
        onTextChunk: (content) => send({ content, stop: false }),
      });
      send({ content: '', stop: true, stop_type: result.metadata.stopReason === 'maxTokens' ? 'limit' : 'eos', tokens_predicted: 0, tokens_evaluated: 0 });
      response.end();
    });

  // Ollama's own API: newline-delimited JSON, `options.num_predict`, and "does not support insert" for a suffix the model's template has no place for.
  const ollama = async (path: string, body: Record<string, unknown>, response: ServerResponse, json: (status: number, value: unknown) => void) => {
    if (path === '/api/version') return json(200, { version: '0.12.0' });
    if (path === '/api/tags') return json(200, { models: [{ name: `${modelName}:latest`, model: `${modelName}:latest` }] });
    if (path === '/api/show') return json(200, { model_info: { 'general.architecture': 'llama', 'llama.context_length': 2048 } });
    if (path !== '/api/chat' && path !== '/api/generate') return json(404, { error: `no route ${path}` });
    if (body.suffix) return json(400, { error: `registry.ollama.ai/library/${modelName}:latest does not support insert` });
    const options = (body.options ?? {}) as { num_predict?: number; temperature?: number; stop?: string[] };
    const messages = (body.messages ?? []) as { role: string; content: string }[];
    const prompt = path === '/api/chat' ? plainPrompt(messages) : String(body.prompt);
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const send = (data: unknown) => response.write(`${JSON.stringify(data)}\n`);
    await withSequence(async (sequence) => {
      const completion = new LlamaCompletion({ contextSequence: sequence });
      let evalCount = 0;
      const result = await completion.generateCompletionWithMeta(prompt, {
        maxTokens: options.num_predict ?? 64,
        temperature: options.temperature ?? 0,
        ...(options.stop?.length ? { customStopTriggers: options.stop } : {}),
        onTextChunk: (text) => send(path === '/api/chat' ? { model: modelName, message: { role: 'assistant', content: text }, done: false } : { model: modelName, response: text, done: false }),
        onToken: (tokens) => (evalCount += tokens.length),
      });
      send({ model: modelName, ...(path === '/api/chat' ? { message: { role: 'assistant', content: '' } } : { response: '' }), done: true, done_reason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop', prompt_eval_count: model.tokenize(prompt).length, eval_count: evalCount });
      response.end();
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const raw = await new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      request.on('end', () => resolve(text));
    });
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) return json(401, { error: { message: 'Invalid API key' } });
    if (options.api !== 'ollama' && path.startsWith('/api/')) return json(404, { error: { message: `no route ${path}` } });
    if (path === '/v1/models') {
      const owner = options.api === 'openai' ? 'organization-owner' : options.api;
      const served: Record<string, unknown>[] = [{ id: modelName, object: 'model', owned_by: owner, ...(options.api === 'vllm' ? { max_model_len: 2048, root: modelName, parent: null } : {}) }];
      if (options.api === 'vllm' && options.lora) served.push({ id: options.lora.name, object: 'model', owned_by: owner, max_model_len: 2048, root: options.lora.path, parent: modelName });
      return json(200, { object: 'list', data: served });
    }
    if (path === '/lora-adapters' && options.api === 'llama-server') return json(200, options.lora ? [{ id: 0, path: options.lora.path, scale: options.lora.initScale }] : []);
    if (path === '/props' && options.api === 'llama-server') return json(200, { default_generation_settings: { n_ctx: 2048 } });
    if (path === '/tokenize' && options.api === 'vllm') return json(200, { count: model.tokenize(String(body?.prompt ?? '')).length });
    if (path === '/tokenize' && options.api === 'llama-server') return json(200, { tokens: model.tokenize(String(body?.content ?? '')) });
    if (path === '/infill' && options.api === 'llama-server') return infill(body ?? {}, response);
    if (options.api === 'ollama' && path.startsWith('/api/')) return ollama(path, body ?? {}, response, json);
    if (path === '/v1/chat/completions' || path === '/v1/completions') {
      const failure = failures.shift();
      if (failure) {
        response.writeHead(failure.status, { 'content-type': 'application/json' });
        return response.end(failure.body);
      }
      return generate(body ?? {}, response, path === '/v1/chat/completions');
    }
    json(404, { error: { message: `no route ${path}` } });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { message: error.message } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext: (status, body, count = 1) => failures.push(...Array.from({ length: count }, () => ({ status, body }))),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const context of contexts) await context.dispose();
      await model.dispose();
    },
  };
}

/** The tiny model has no chat template: the messages as plain text, a last assistant message continued. */
function plainPrompt(messages: { role: string; content: string }[]): string {
  return messages.map((m) => (m.role === 'assistant' ? m.content : `${m.role}: ${m.content}\n`)).join('');
}
