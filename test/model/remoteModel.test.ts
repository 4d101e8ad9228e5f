import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import type { EngineError } from '../../src/core/engine/EngineError';
import { RemoteModel } from '../../src/core/engine/remote/RemoteModel';
import { grammarFor } from '../../src/core/sql/grammarFor';
import type { DatabaseSchema } from '../../src/core/types/DatabaseSchema';
import { spiderDb, WORKER_SCRIPT } from '../helpers/fixtures';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer, type ServedApi } from '../helpers/openAiCompatibleServer';
import { quarryInBackground } from '../helpers/runCli';

const KEY = 'sk-test-123';
const servers = new Map<ServedApi, OpenAiCompatibleServer>();
let db: IsolatedDatabase;
let schema: DatabaseSchema;

before(async () => {
  for (const api of ['vllm', 'llama-server', 'ollama', 'openai'] as const) servers.set(api, await startOpenAiCompatibleServer({ api, modelName: 'm', apiKey: KEY }));
  db = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
  schema = await db.readSchema();
});
after(async () => {
  for (const server of servers.values()) await server.close();
  await db.dispose();
});

const generations = (server: OpenAiCompatibleServer) => server.requests.filter((r) => r.path.endsWith('/completions'));

test('quarry ask --endpoint --api vllm: the GBNF goes as structured_outputs.grammar, the key as a bearer token, the model by name; the SQL the server wrote runs', async () => {
  const server = servers.get('vllm')!;
  const run = await quarryInBackground(['ask', '--db', spiderDb('concert_singer'), '--endpoint', server.url, '--api', 'vllm', '--model-name', 'm', '--api-key-env', 'QUARRY_TEST_KEY', '--grammar', 'narrow', '--json', 'How many singers are there?'], { env: { QUARRY_TEST_KEY: KEY } });
  assert.equal(run.code, 0, run.stderr);
  const answer = JSON.parse(run.stdout) as { sql: string; valid: boolean; device: string };
  assert.equal(answer.valid, true);
  assert.equal(answer.device, 'remote');
  assert.doesNotMatch(run.stderr, /estimated/, 'vLLM counts tokens itself');
  await db.query(answer.sql);
  const [sent] = generations(server);
  assert.ok(sent, 'a chat completion was requested');
  assert.equal(sent.path, '/v1/chat/completions');
  assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
  assert.equal(sent.body!.model, 'm');
  assert.equal(sent.body!.stream, true);
  assert.equal((sent.body!.structured_outputs as { grammar: string }).grammar, grammarFor(schema, 'narrow'), 'the schema grammar, as Ask builds it (narrow: the tiny model writes SQL that runs only there)');
  assert.equal(sent.body!.grammar, undefined);
  const messages = sent.body!.messages as { role: string; content: string }[];
  assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
  assert.match(messages[1]!.content, /How many singers are there\?/);
  assert.ok(server.requests.some((r) => r.path === '/tokenize' && r.body?.model === 'm'), 'tokens counted by the server');
});

test('--api llama-server sends the grammar as `grammar`; detected from /props when --api is not given', async () => {
  const server = servers.get('llama-server')!;
  const run = await quarryInBackground(['ask', '--db', spiderDb('concert_singer'), '--endpoint', server.url, '--api-key-env', 'QUARRY_TEST_KEY', '--grammar', 'narrow', '--json', 'Which stadiums hold the most people?'], { env: { QUARRY_TEST_KEY: KEY } });
  assert.equal(run.code, 0, run.stderr);
  const [sent] = generations(server);
  assert.equal(sent!.body!.grammar, grammarFor(schema, 'narrow'));
  assert.equal(sent!.body!.structured_outputs, undefined);
  assert.ok(server.requests.some((r) => r.path === '/props'), 'the engine was asked what it is');
  await db.query((JSON.parse(run.stdout) as { sql: string }).sql);
});

test('a server that answers 500 fails within seconds with its own message; 429 is retried; a wrong key or a missing server is named', async () => {
  const server = servers.get('vllm')!;
  server.failNext(500, JSON.stringify({ error: { message: 'CUDA out of memory' } }));
  const run = await quarryInBackground(['ask', '--db', spiderDb('concert_singer'), '--endpoint', server.url, '--api', 'vllm', '--api-key-env', 'QUARRY_TEST_KEY', 'How many singers?'], { env: { QUARRY_TEST_KEY: KEY } });
  assert.equal(run.code, 1);
  assert.match(run.stderr, /model server at .*answered 500: CUDA out of memory/);
  assert.ok(run.ms < 10_000, `failed in ${run.ms} ms`);

  server.requests.length = 0;
  server.failNext(429, JSON.stringify({ error: { message: 'busy' } }), 2);
  const model = new RemoteModel({ endpoint: server.url, apiKey: KEY });
  await model.connect();
  const result = await model.generate({ system: '', user: 'say something', completion: '', grammar: 'root ::= "SELECT 1"', maxTokens: 8, temperature: 0 });
  assert.equal(result.text, 'SELECT 1', 'written under the grammar the server was sent');
  assert.equal(generations(server).length, 3, 'two busy answers waited out, then the answer');
  model.dispose();

  await assert.rejects(new RemoteModel({ endpoint: server.url, apiKey: 'wrong' }).connect(), (error: EngineError) => error.code === 'server-error' && /401: Invalid API key \(check the API key\)/.test(error.message));
  await assert.rejects(new RemoteModel({ endpoint: 'http://127.0.0.1:9/v1', timeoutMs: 3000 }).connect(), (error: EngineError) => error.code === 'server-unreachable' && /127\.0\.0\.1:9.*cannot be reached/.test(error.message));
});

test('a plain OpenAI server has no grammar field: none is sent, and Ask relies on checking and correcting', async () => {
  const server = servers.get('openai')!;
  const model = new RemoteModel({ endpoint: server.url, apiKey: KEY });
  await model.connect();
  assert.equal(model.capabilities?.grammar, false);
  assert.equal(model.countsTokens, false, 'no tokenizer endpoint: counts are estimates');
  const result = await askQuestion(db, schema, model, 'How many singers?', { corrections: 1, maxTokens: 16 });
  assert.ok(result.attempts.length >= 1);
  for (const sent of generations(server)) {
    assert.equal(sent.body!.grammar, undefined);
    assert.equal(sent.body!.structured_outputs, undefined);
    assert.equal(sent.body!.ebnf, undefined);
  }
  model.dispose();
});

test('cancelling a streamed answer stops it at once', async () => {
  const server = servers.get('llama-server')!;
  const model = new RemoteModel({ endpoint: server.url, apiKey: KEY });
  await model.connect();
  const controller = new AbortController();
  const started = performance.now();
  const pending = model.generate({ system: '', user: 'write a lot', completion: '', grammar: null, maxTokens: 2000, temperature: 0 }, controller.signal);
  setTimeout(() => controller.abort(), 50);
  await assert.rejects(pending, (error: EngineError) => error.code === 'cancelled');
  assert.ok(performance.now() - started < 2000);
  model.dispose();
});

test('with text after the cursor, llama-server is asked at /infill first; a model without fill-in-the-middle tokens is then asked as a chat, and /infill not again', async () => {
  const server = servers.get('llama-server')!;
  server.requests.length = 0;
  const model = new RemoteModel({ endpoint: server.url, apiKey: KEY });
  await model.connect();
  const ask = () => model.generate({ system: 's', user: 'u', completion: 'PROMPT ', responsePrefix: 'SELECT ', suffix: ' FROM singer', grammar: 'root ::= "Name"', maxTokens: 8, temperature: 0 });
  const first = await ask();
  assert.equal(first.text, 'Name');
  const [infill, chat] = server.requests.filter((r) => r.method === 'POST');
  assert.equal(infill!.path, '/infill');
  assert.deepEqual([infill!.body!.input_prefix, infill!.body!.input_suffix, infill!.body!.grammar, infill!.body!.n_predict], ['PROMPT SELECT ', ' FROM singer', 'root ::= "Name"', 8]);
  assert.equal(chat!.path, '/v1/chat/completions', 'the tiny model has no FIM tokens: the server refused, and the chat answered');
  assert.equal(model.capabilities?.infill, false);
  await ask();
  assert.equal(server.requests.filter((r) => r.path === '/infill').length, 1, 'not tried again');
  model.dispose();
});

test("Ollama's own API: detected from /api/version, the model from /api/tags and its context from /api/show; chats and raw prompts stream as JSON lines with options.num_predict; a suffix the model cannot fill falls back to the chat", async () => {
  const server = servers.get('ollama')!;
  const model = new RemoteModel({ endpoint: server.url.replace(/\/v1$/, ''), apiKey: KEY });
  const status = await model.connect();
  assert.deepEqual([model.served?.api, model.served?.modelName, status.contextSize], ['ollama', 'm:latest', 2048]);
  assert.equal(model.capabilities?.grammar, false, 'Ollama reads no grammar');
  const chat = await model.generate({ system: 'sys', user: 'How many singers?', completion: 'raw prompt', grammar: 'root ::= "x"', maxTokens: 6, temperature: 0, stop: [';'] });
  assert.ok(chat.generatedTokens > 0 && chat.promptTokens > 0, JSON.stringify(chat));
  const sent = server.requests.find((r) => r.path === '/api/chat')!;
  assert.deepEqual(sent.body!.options, { num_predict: 6, temperature: 0, stop: [';'] });
  assert.deepEqual((sent.body!.messages as { role: string }[]).map((m) => m.role), ['system', 'user']);
  assert.equal(sent.body!.grammar, undefined);
  assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
  await model.generate({ system: '', user: '', completion: 'raw prompt', rawCompletion: true, grammar: null, maxTokens: 4, temperature: 0 });
  assert.deepEqual([server.requests.at(-1)!.path, server.requests.at(-1)!.body!.raw, server.requests.at(-1)!.body!.prompt], ['/api/generate', true, 'raw prompt']);
  server.requests.length = 0;
  await model.generate({ system: 's', user: 'u', completion: 'P ', responsePrefix: 'SELECT ', suffix: ' FROM singer', grammar: null, maxTokens: 4, temperature: 0 });
  assert.deepEqual(server.requests.filter((r) => r.method === 'POST').map((r) => r.path), ['/api/generate', '/api/chat']);
  assert.equal(server.requests[0]!.body!.suffix, ' FROM singer');
  model.dispose();
});

test('reason, then answer, on a server: free thinking to its marker within the budget (the markers written for the model when it runs out), then the answer under the grammar, going on from the thought', async () => {
  const server = servers.get('llama-server')!;
  const model = new RemoteModel({ endpoint: server.url, apiKey: KEY });
  await model.connect();
  server.requests.length = 0;
  const result = await model.generate({
    system: 'sys',
    user: 'How many singers?',
    completion: '',
    grammar: 'root ::= "SELECT 1"',
    maxTokens: 8,
    temperature: 0,
    reasoning: { after: '</think>', open: '```sql', close: '```', thinkingTokens: 6 },
  });
  const [thinking, answer, ...rest] = generations(server);
  assert.deepEqual(rest, [], 'the budget was spent on the first marker: no second free step');
  assert.deepEqual([thinking!.body!.grammar, thinking!.body!.max_tokens, thinking!.body!.stop], [undefined, 6, ['</think>']]);
  // The tiny model's six free tokens: what the first request streamed back.
  const thought = result.text.slice(0, result.text.indexOf('\n</think>'));
  assert.ok(thought.length > 0);
  const messages = answer!.body!.messages as { role: string; content: string }[];
  assert.equal(messages.at(-1)!.role, 'assistant');
  assert.equal(messages.at(-1)!.content, `${thought}\n</think>\n\`\`\`sql\n`, 'the thought, the markers written for the model, the fence');
  assert.equal(answer!.body!.grammar, 'root ::= "SELECT 1"');
  assert.equal(result.text, `${thought}\n</think>\n\`\`\`sql\nSELECT 1`);
  assert.deepEqual([result.fenceForced, result.thinkingTokens], [true, 6]);
  model.dispose();
});
