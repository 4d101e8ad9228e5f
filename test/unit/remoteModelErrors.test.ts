import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { EngineError } from '../../src/core/engine/EngineError';
import { RemoteModel } from '../../src/core/engine/remote/RemoteModel';

/** A 200 event stream that sends `events` and ends, or (without them) a comment and then nothing. */
function eventStream(response: ServerResponse, events?: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  if (events === undefined) response.write(': nothing yet\n\n');
  else response.end(events);
}

/** What the misbehaving server does on a chat request, by the question asked. */
const BEHAVIOUR: Record<string, (response: ServerResponse) => void> = {
  silent: (response) => eventStream(response),
  garbled: (response) => eventStream(response, 'data: {"choices": [ this is not json\n\n'),
  'error event': (response) => eventStream(response, 'data: {"error": {"message": "the engine died"}}\n\n'),
  empty: (response) => eventStream(response, 'data: [DONE]\n\n'),
  html: (response) => {
    response.writeHead(502, { 'content-type': 'text/html' });
    response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
  },
  // Tokens forever, max_tokens ignored, never quiet: only a cap on the client's side ends it.
  forever: (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const timer = setInterval(() => {
      if (!response.write(`data: ${JSON.stringify({ choices: [{ delta: { content: 'SELECT ' } }] })}\n\n`)) return;
    }, 1);
    response.on('close', () => clearInterval(timer));
  },
  // One line that never ends: a server gone wrong must not grow Quarry's memory without bound.
  'endless line': (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = `data: {"choices": [{"delta": {"content": "${'x'.repeat(64 * 1024)}`;
    const pump = () => {
      while (response.write(chunk));
    };
    response.on('drain', pump);
    response.on('close', () => response.off('drain', pump));
    pump();
  },
  // Headers, then the body stalls.
  'stall after headers': (response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.flushHeaders();
  },
};

/** /v1/models answers by the endpoint's path: a model list, a body that never ends, headers and then nothing, or a slow trickle. */
function models(path: string, response: ServerResponse): void {
  if (path.startsWith('/endless')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    const chunk = `{"data": [${'{"id": "m"},'.repeat(8 * 1024)}`;
    const pump = () => {
      while (response.write(chunk));
    };
    response.on('drain', pump);
    response.on('close', () => response.off('drain', pump));
    return pump();
  }
  if (path.startsWith('/stall')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.write('{"data": [');
    return;
  }
  if (path.startsWith('/trickle')) {
    response.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => response.write(' '), 50);
    response.on('close', () => clearInterval(timer));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ data: [{ id: 'served-model', owned_by: 'vllm' }] }));
}

let server: Server;
let url: string;

before(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url?.endsWith('/v1/models')) return models(request.url, response);
      if (request.url === '/v1/chat/completions') {
        const body = JSON.parse(raw) as { messages: { content: string }[] };
        return BEHAVIOUR[body.messages.at(-1)!.content]!(response);
      }
      response.writeHead(404);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const ask = async (question: string, maxTokens = 8) => {
  const model = new RemoteModel({ endpoint: url, api: 'openai', timeoutMs: 400, retries: 0 });
  await model.connect();
  try {
    return await model.generate({ system: '', user: question, completion: '', grammar: null, maxTokens, temperature: 0 });
  } finally {
    model.dispose();
  }
};

const fails = (code: string, pattern: RegExp) => (error: EngineError) => {
  assert.equal(error.code, code, error.message);
  assert.match(error.message, pattern);
  assert.ok(!error.message.includes('\n'), 'one line');
  return true;
};

test('a model the server does not serve is named, with what it serves', async () => {
  await assert.rejects(new RemoteModel({ endpoint: url, modelName: 'omnisql-32b' }).connect(), fails('server-error', /does not serve 'omnisql-32b'; it serves: served-model/));
});

test('a stream that goes quiet, one that is not JSON, an error inside the stream, an answer with nothing in it and an HTML error page each fail in one line naming the server', async () => {
  const started = performance.now();
  await assert.rejects(ask('silent'), fails('server-unreachable', /at http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions sent nothing for 0\.4 s/));
  assert.ok(performance.now() - started < 3000, 'the quiet timeout, not forever');
  await assert.rejects(ask('garbled'), fails('server-error', /streamed something that is not JSON/));
  await assert.rejects(ask('error event'), fails('server-error', /failed while answering: the engine died/));
  await assert.rejects(ask('empty'), fails('server-error', /ended its answer without a word or a reason/));
  await assert.rejects(ask('html'), fails('server-error', /answered 502: <html><body><h1>502 Bad Gateway/));
});

/** The heap and the resident set may grow by this much while a misbehaving server is read: a few caps' worth, nowhere near what it sends. */
const MEMORY_BOUND = 200 * 1024 * 1024;

async function withinBounds<T>(work: () => Promise<T>, ms: number): Promise<T> {
  const before = process.memoryUsage().rss;
  const started = performance.now();
  try {
    return await work();
  } finally {
    const elapsed = performance.now() - started;
    assert.ok(elapsed < ms, `took ${Math.round(elapsed)} ms`);
    assert.ok(process.memoryUsage().rss - before < MEMORY_BOUND, `memory grew by ${Math.round((process.memoryUsage().rss - before) / 1024 / 1024)} MB`);
  }
}

test('a server that streams forever, ignoring max_tokens, is stopped by the client at the budget', async () => {
  const result = await withinBounds(() => ask('forever', 16), 5000);
  assert.equal(result.stopReason, 'maxTokens');
  assert.ok(result.text.length <= 16 * 64, `${result.text.length} characters`);
  assert.match(result.text, /^(SELECT )+/);
});

test('one endless stream line fails in one line, in bounded memory', async () => {
  await withinBounds(() => assert.rejects(ask('endless line'), fails('server-error', /streamed a line longer than 1024 KB/)), 10_000);
});

test('a stream whose headers came but whose body stalls fails at the quiet timeout', async () => {
  await withinBounds(() => assert.rejects(ask('stall after headers'), fails('server-unreachable', /sent nothing for 0\.4 s/)), 3000);
});

test('an endless /v1/models fails at the size cap; a stalled one at the quiet timeout; a trickle at the deadline', async () => {
  const root = url.replace(/\/v1$/, '');
  await withinBounds(
    () => assert.rejects(new RemoteModel({ endpoint: `${root}/endless/v1`, api: 'openai', timeoutMs: 2000, retries: 0 }).connect(), fails('server-error', /sent an answer larger than 16 MB/)),
    15_000,
  );
  await withinBounds(() => assert.rejects(new RemoteModel({ endpoint: `${root}/stall/v1`, api: 'openai', timeoutMs: 400, retries: 0 }).connect(), fails('server-unreachable', /sent nothing for 0\.4 s/)), 3000);
  // Never quiet for the 400 ms timeout, so only the overall deadline (four times it) ends it.
  await withinBounds(() => assert.rejects(new RemoteModel({ endpoint: `${root}/trickle/v1`, api: 'openai', timeoutMs: 400, retries: 0 }).connect(), fails('server-unreachable', /did not finish its answer within 1\.6 s/)), 4000);
});

test('an API key or password in the endpoint URL never reaches a message', async () => {
  const secret = 'sk-endpoint-secret';
  const withKey = `${url.replace('http://', `http://user:${secret}@`)}?api_key=${secret}`.replace('/v1?', '/stall/v1?');
  const model = new RemoteModel({ endpoint: withKey, api: 'openai', timeoutMs: 300, retries: 0 });
  assert.doesNotMatch(model.endpoint, new RegExp(secret));
  const error = await model.connect().then(() => null, (failure: Error) => failure);
  assert.ok(error, 'connect should fail');
  assert.doesNotMatch(error.message, new RegExp(secret));
});
