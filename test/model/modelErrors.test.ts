import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EngineError, type EngineErrorCode } from '../../src/core/engine/EngineError';
import { resolveModelFile } from '../../src/core/engine/downloadModel';
import { makeTempDir } from '../helpers/fixtures';
import { freePort } from '../helpers/freePort';
import { newEngine, TINY_MODEL, tinyModelParams } from '../helpers/tinyModel';
import { writeMetadataOnlyGguf } from '../helpers/writeGguf';

const temp = makeTempDir();
const engine = newEngine();
after(() => {
  engine.dispose();
  temp.dispose();
});

async function failsQuickly(work: Promise<unknown>, code: EngineErrorCode, message: RegExp): Promise<void> {
  const started = performance.now();
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof EngineError, String(error));
    assert.equal(error.code, code, error.message);
    assert.match(error.message, message);
    if (process.env.QUARRY_SHOW_ERRORS) console.log(error.message);
    return true;
  });
  assert.ok(performance.now() - started < 10_000, 'a bad model is reported within seconds');
}

test('a missing model file', async () => {
  await failsQuickly(engine.load(tinyModelParams({ modelPath: join(temp.dir, 'nope.gguf') })), 'model-missing', /model file not found: .*nope\.gguf/);
});

test('a missing LoRA adapter', async () => {
  await failsQuickly(engine.load(tinyModelParams({ loraPath: join(temp.dir, 'adapter.gguf') })), 'model-missing', /LoRA adapter file not found: .*adapter\.gguf/);
});

test('a file that is not GGUF', async () => {
  const path = join(temp.dir, 'notes.gguf');
  writeFileSync(path, 'this is a text file, not a model\n');
  await failsQuickly(engine.load(tinyModelParams({ modelPath: path })), 'model-invalid', /notes\.gguf is not a GGUF file/);
});

test('a GGUF file without the metadata llama.cpp needs', async () => {
  const path = join(temp.dir, 'incomplete.gguf');
  writeMetadataOnlyGguf(path, { 'general.architecture': 'llama' });
  await failsQuickly(engine.load(tinyModelParams({ modelPath: path })), 'model-load-failed', /^model failed to load: .*incomplete\.gguf: /);
});

test('a model file cut off in its tensor data reaches llama.cpp, which says so', async () => {
  // The header ends near 700 KB; a file cut inside the header is refused before loading (test/unit/ggufHeader.test.ts).
  const path = join(temp.dir, 'truncated.gguf');
  writeFileSync(path, readFileSync(TINY_MODEL).subarray(0, 1_000_000));
  await failsQuickly(engine.load(tinyModelParams({ modelPath: path })), 'model-load-failed', /^model failed to load: .*truncated\.gguf: /);
});

test('after failed loads a good model loads and generates', async () => {
  const status = await engine.load(tinyModelParams());
  assert.equal(status.device, 'cpu');
  const answer = await engine.generate({ system: '', user: '', completion: 'SQL:', grammar: 'root ::= "SELECT 1"', maxTokens: 8, temperature: 0 });
  assert.equal(answer.text, 'SELECT 1');
});

test('a model server that dies mid-generation gives a clear error, and the next request starts a fresh one', async () => {
  await engine.load(tinyModelParams());
  const pid = engine.serverPid!;
  const endless = engine.generate({ system: '', user: '', completion: 'SQL:', grammar: 'root ::= "SELECT " [a-z]+', maxTokens: 100_000, temperature: 1 });
  setTimeout(() => process.kill(pid, 'SIGKILL'), 300);
  await failsQuickly(endless, 'generation-failed', /model server stopped: .*signal SIGKILL/);
  const answer = await engine.generate({ system: '', user: '', completion: 'SQL:', grammar: 'root ::= "SELECT 2"', maxTokens: 8, temperature: 0 });
  assert.equal(answer.text, 'SELECT 2');
  assert.notEqual(engine.serverPid, pid);
});

test('a generation can be cancelled without losing the loaded model', async () => {
  await engine.load(tinyModelParams());
  const pid = engine.serverPid;
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 300);
  const endless = engine.generate(
    { system: '', user: '', completion: 'SQL:', grammar: 'root ::= "SELECT " [a-z]+', maxTokens: 100_000, temperature: 1 },
    controller.signal,
  );
  await failsQuickly(endless, 'cancelled', /cancelled/);
  await stillServes(pid, 'SELECT 3');
});

test('a generate whose signal is already aborted returns at once, and the server lives on', async () => {
  await engine.load(tinyModelParams());
  const pid = engine.serverPid;
  const started = performance.now();
  await assert.rejects(
    engine.generate({ system: '', user: '', completion: 'SQL:', grammar: null, maxTokens: 8, temperature: 0 }, AbortSignal.abort()),
    (error: unknown) => error instanceof EngineError && error.code === 'cancelled',
  );
  assert.ok(performance.now() - started < 200, `took ${performance.now() - started} ms`);
  await stillServes(pid, 'SELECT 4');
});

/** The same server process, model still loaded: it answers at once. */
async function stillServes(pid: number | undefined, text: string): Promise<void> {
  assert.equal(engine.serverPid, pid, 'the same model server');
  const answer = await engine.generate({ system: '', user: '', completion: 'SQL:', grammar: `root ::= ${JSON.stringify(text)}`, maxTokens: 8, temperature: 0 });
  assert.equal(answer.text, text);
}

test('cancelling while tokens are counted (fitting a schema) keeps the warm model server', async () => {
  await engine.load(tinyModelParams());
  const pid = engine.serverPid;
  const controller = new AbortController();
  const counting = engine.countTokens('SELECT name, country FROM singer WHERE age > 30 ORDER BY name; '.repeat(30_000), controller.signal);
  setTimeout(() => controller.abort(), 5);
  await assert.rejects(counting, (error: unknown) => error instanceof EngineError && error.code === 'cancelled');
  assert.equal(engine.serverPid, pid, 'the same model server, model still loaded');
  assert.ok((await engine.countTokens('SELECT 1')) > 0);
  assert.equal(engine.serverPid, pid);
});

test('stop() unloads the model for good; dispose() closes the engine', async () => {
  const own = newEngine();
  await own.load(tinyModelParams());
  const pid = own.serverPid!;
  own.stop();
  await assert.rejects(own.generate({ system: '', user: '', completion: 'SQL:', grammar: null, maxTokens: 4, temperature: 0 }), (error: unknown) => error instanceof EngineError && error.code === 'no-model');
  assert.equal(own.serverPid, undefined, 'no server was started again behind the caller\'s back');
  for (let waited = 0; waited < 2000 && isRunning(pid); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(isRunning(pid), false, 'the old server is gone');
  await own.load(tinyModelParams());
  own.dispose();
  await assert.rejects(own.generate({ system: '', user: '', completion: 'SQL:', grammar: null, maxTokens: 4, temperature: 0 }), (error: unknown) => error instanceof EngineError && error.code === 'closed');
  await assert.rejects(own.load(tinyModelParams()), (error: unknown) => error instanceof EngineError && error.code === 'closed');
  assert.equal(own.serverPid, undefined);
});

test('a URL nobody answers and a URL that is not found', async () => {
  const port = await freePort();
  await failsQuickly(
    resolveModelFile(`http://127.0.0.1:${port}/model.gguf`, { directory: temp.dir, retries: 0 }),
    'download-failed',
    /download failed for http:\/\/127\.0\.0\.1:\d+\/model\.gguf: ECONNREFUSED/,
  );
  await failsQuickly(resolveModelFile('ftp://example.com/model.gguf', { directory: temp.dir }), 'download-failed', /unsupported model URL/);
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
