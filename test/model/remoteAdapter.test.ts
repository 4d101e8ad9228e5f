import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { makeTempDir, PROJECT_ROOT } from '../helpers/fixtures';
import { startOpenAiCompatibleServer, type OpenAiCompatibleServer } from '../helpers/openAiCompatibleServer';
import { quarryInBackground } from '../helpers/runCli';

/**
 * A LoRA adapter the server loaded, asked for per request (issue 28): llama-server by its
 * `lora: [{id, scale}]` field (ids from GET /lora-adapters), vLLM by the adapter's model name. The
 * stand-in servers apply the committed adapter to the sample model for real (node-llama-cpp), so an
 * adapter Quarry failed to ask for would leave the base model's answer: the checks compare answers,
 * not only the requests. Engines that apply none per request refuse with what to do instead.
 */
const ADAPTER = join(PROJECT_ROOT, 'models', 'quarry-mini-sql-openflights.lora.gguf');
const SAMPLE = join(PROJECT_ROOT, 'models', 'quarry-mini-sql.gguf');
const QUESTION = 'Which countries have more than 200 airports?';
const temp = makeTempDir('quarry-remote-lora-');
const db = join(temp.dir, 'openflights.duckdb');
let llamaServer: OpenAiCompatibleServer;
let vllm: OpenAiCompatibleServer;

before(async () => {
  await buildOpenFlightsDuckDb(db);
  // --lora-init-without-apply: the adapter is off for a request that does not ask for it.
  llamaServer = await startOpenAiCompatibleServer({ api: 'llama-server', modelName: 'quarry-mini-sql', modelPath: SAMPLE, lora: { path: ADAPTER, name: 'openflights', initScale: 0 } });
  vllm = await startOpenAiCompatibleServer({ api: 'vllm', modelName: 'quarry-mini-sql', modelPath: SAMPLE, lora: { path: ADAPTER, name: 'openflights', initScale: 0 } });
});
after(async () => {
  await llamaServer?.close();
  await vllm?.close();
  temp.dispose();
});

async function ask(server: OpenAiCompatibleServer, ...more: string[]) {
  const before = server.requests.length;
  const run = await quarryInBackground(['ask', '--db', db, '--endpoint', server.url, '--attempts', '0', '--json', ...more, QUESTION]);
  const sent = server.requests.slice(before).filter((r) => r.path.endsWith('/completions'));
  return { ...run, sql: run.stdout.trim() ? (JSON.parse(run.stdout) as { sql: string }).sql : null, sent };
}

test('llama-server: --lora FILE[:SCALE] finds the adapter the server loaded by its file name and sends its id and scale with every request; the answer is the adapted model\'s', async () => {
  const base = await ask(llamaServer);
  assert.ok(base.sql, base.stderr);
  assert.ok(base.sent.length > 0 && base.sent.every((r) => r.body!.lora === undefined), 'no adapter asked for without --lora');
  const adapted = await ask(llamaServer, '--lora', ADAPTER);
  assert.ok(adapted.sql, adapted.stderr);
  assert.ok(adapted.sent.every((r) => JSON.stringify(r.body!.lora) === JSON.stringify([{ id: 0, scale: 1 }])), JSON.stringify(adapted.sent.map((r) => r.body!.lora)));
  assert.notEqual(adapted.sql, base.sql, 'the adapter changes the answer: it was applied');
  const off = await ask(llamaServer, '--lora', `${ADAPTER}:0`);
  assert.equal(off.sql, base.sql, 'at scale 0 the base model answers');
  const missing = await ask(llamaServer, '--lora', 'other.lora.gguf');
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /the llama-server at http:\/\/127\.0\.0\.1:\d+\/v1 has no LoRA adapter 'other\.lora\.gguf' loaded; it has: quarry-mini-sql-openflights\.lora\.gguf \(start it with --lora PATH/);
});

test('vLLM: --lora NAME asks for the adapter module as the model (or by its file name), which gives the same answer as on llama-server; a scale is refused', async () => {
  const base = await ask(vllm);
  assert.ok(base.sent.every((r) => r.body!.model === 'quarry-mini-sql'), 'the base model, not the adapter listed beside it');
  const byName = await ask(vllm, '--lora', 'openflights');
  assert.ok(byName.sql, byName.stderr);
  assert.ok(byName.sent.every((r) => r.body!.model === 'openflights'));
  const byFile = await ask(vllm, '--lora', ADAPTER);
  assert.equal(byFile.sql, byName.sql);
  assert.notEqual(byName.sql, base.sql, 'the adapter changes the answer: it was applied');
  const onLlamaServer = await ask(llamaServer, '--lora', ADAPTER);
  assert.equal(byName.sql, onLlamaServer.sql, 'one adapter, one answer, whichever engine applies it');
  const scaled = await ask(vllm, '--lora', 'openflights:0.5');
  assert.equal(scaled.code, 2, scaled.stderr);
  assert.match(scaled.stderr, /vLLM applies a LoRA adapter as trained, at scale 1; leave out ':0\.5'/);
  const missing = await ask(vllm, '--lora', 'sales');
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /serves no LoRA adapter 'sales'; its adapters: openflights \(start it with --enable-lora --lora-modules NAME=PATH\)/);
});

test('Ollama and SGLang apply no adapter per request: --lora is refused, saying what to do instead, before a question is sent', async () => {
  const ollama = await ask(llamaServer, '--api', 'ollama', '--lora', ADAPTER);
  assert.equal(ollama.code, 2, ollama.stderr);
  assert.match(ollama.stderr, /Ollama applies a LoRA adapter only as part of a model: write a Modelfile \(FROM <base>, ADAPTER .*quarry-mini-sql-openflights\.lora\.gguf\), run ollama create NAME/);
  const sglang = await ask(llamaServer, '--api', 'sglang', '--lora', ADAPTER);
  assert.equal(sglang.code, 2, sglang.stderr);
  assert.match(sglang.stderr, /a LoRA adapter per request is not supported by SGLang in Quarry: serve the merged model, or use vLLM \(--lora-modules\) or llama-server \(--lora\)/);
  assert.deepEqual([...ollama.sent, ...sglang.sent], []);
});
