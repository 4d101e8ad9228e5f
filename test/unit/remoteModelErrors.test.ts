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
};

let server: Server;
let url: string;

before(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      if (request.url === '/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        return response.end(JSON.stringify({ data: [{ id: 'served-model', owned_by: 'vllm' }] }));
      }
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

const ask = async (question: string) => {
  const model = new RemoteModel({ endpoint: url, api: 'openai', timeoutMs: 400, retries: 0 });
  await model.connect();
  try {
    return await model.generate({ system: '', user: question, completion: '', grammar: null, maxTokens: 8, temperature: 0 });
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
