import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { downloadModel, isRemoteModel, modelUrl, resolveQuantization, type DownloadProgress } from '../../src/core/engine/downloadModel';
import { EngineError } from '../../src/core/engine/EngineError';
import { makeTempDir, SHARED_DATA } from '../helpers/fixtures';
import { freePort } from '../helpers/freePort';
import { startModelHttpServer, type ModelHttpServer } from '../helpers/modelHttpServer';

const TINY = join(SHARED_DATA, 'gguf', 'llama-2-tiny-random.gguf');
const TINY_SHA256 = createHash('sha256').update(readFileSync(TINY)).digest('hex');
const temp = makeTempDir();
let server: ModelHttpServer;
let folder = 0;
const freshDir = () => join(temp.dir, `models-${folder++}`);

/** What the Hub's /api/models/<user>/<repo> answers: the repository's files as `siblings`. */
function hubFileList(name: string, files: string[]): string {
  const path = join(temp.dir, name);
  writeFileSync(path, JSON.stringify({ id: name, siblings: files.map((rfilename) => ({ rfilename })) }));
  return path;
}

before(async () => {
  const coderFiles = [
    'README.md',
    'coder-7b-instruct-q4_k_m.gguf',
    'coder-7b-instruct-q8_0.gguf',
    'coder-7b-instruct-fp16-00001-of-00002.gguf',
    'coder-7b-instruct-fp16-00002-of-00002.gguf',
    'mmproj-coder-q4_k_m.gguf',
  ];
  server = await startModelHttpServer({
    '/models/tiny.gguf': TINY,
    '/alice/sql-model/resolve/main/tiny-q4.gguf': TINY,
    '/api/models/bob/coder-GGUF': hubFileList('coder-files.json', coderFiles),
    '/api/models/bob/broken': join(SHARED_DATA, 'MANIFEST.md'),
    '/bob/coder-GGUF/resolve/main/coder-7b-instruct-q4_k_m.gguf': TINY,
    '/models/notes.gguf': join(SHARED_DATA, 'MANIFEST.md'),
  });
});
after(async () => {
  await server.close();
  temp.dispose();
});

test('downloads a model with progress, and reuses it the next time', async () => {
  const progress: DownloadProgress[] = [];
  const directory = freshDir();
  const path = await downloadModel(`${server.url}/models/tiny.gguf`, { directory, sha256: TINY_SHA256, onProgress: (p) => progress.push(p) });
  assert.equal(path, join(directory, 'tiny.gguf'));
  assert.ok(readFileSync(path).equals(readFileSync(TINY)));
  assert.deepEqual(progress.at(-1), { receivedBytes: readFileSync(TINY).length, totalBytes: readFileSync(TINY).length });
  assert.ok(progress.length > 2, 'progress is reported as bytes arrive');
  const before = server.requests.length;
  assert.equal(await downloadModel(`${server.url}/models/tiny.gguf`, { directory, sha256: TINY_SHA256 }), path);
  assert.equal(server.requests.length, before, 'a complete file is not fetched again');
});

test('a connection dropped mid-file is resumed from where it stopped', async () => {
  server.dropNext(1, 500_000);
  const directory = freshDir();
  const start = server.requests.length;
  const path = await downloadModel(`${server.url}/models/tiny.gguf`, { directory, sha256: TINY_SHA256 });
  assert.ok(readFileSync(path).equals(readFileSync(TINY)));
  // The second request asks for the rest: from what reached the disk before the connection broke
  // (up to the 500,000 bytes sent; a reset socket may lose the last of them in flight).
  const [first, second, ...rest] = server.requests.slice(start);
  assert.equal(first, 'GET /models/tiny.gguf');
  const resumedAt = Number(/^GET \/models\/tiny\.gguf bytes=(\d+)-$/.exec(second ?? '')?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 500_000, `resumed at ${second}`);
  assert.deepEqual(rest, []);
});

test('an interrupted run leaves a partial file that the next run completes', async () => {
  const directory = freshDir();
  server.dropNext(5, 700_000);
  await assert.rejects(downloadModel(`${server.url}/models/tiny.gguf`, { directory, retries: 0 }), /download failed/);
  assert.deepEqual(readdirSync(directory), ['tiny.gguf.part']);
  server.dropNext(0, 0);
  const start = server.requests.length;
  const path = await downloadModel(`${server.url}/models/tiny.gguf`, { directory, sha256: TINY_SHA256 });
  assert.ok(readFileSync(path).equals(readFileSync(TINY)));
  const requests = server.requests.slice(start);
  assert.equal(requests.length, 1);
  const resumedAt = Number(/^GET \/models\/tiny\.gguf bytes=(\d+)-$/.exec(requests[0]!)?.[1]);
  assert.ok(resumedAt > 0 && resumedAt <= 700_000, `resumed at ${requests[0]}`);
});

test('a wrong checksum deletes the download and says so', async () => {
  const directory = freshDir();
  await assert.rejects(downloadModel(`${server.url}/models/tiny.gguf`, { directory, sha256: '0'.repeat(64) }), (error: unknown) => {
    assert.ok(error instanceof EngineError);
    assert.equal(error.code, 'checksum-mismatch');
    assert.match(error.message, new RegExp(`SHA-256 ${TINY_SHA256}, expected 0{64}; the file was deleted`));
    return true;
  });
  assert.deepEqual(readdirSync(directory), []);
});

test('hf:<user>/<repo>:<quant> finds that quantization in the repository\'s file list, then downloads it', async () => {
  assert.equal(isRemoteModel('hf:bob/coder-GGUF:Q4_K_M'), true);
  assert.equal(await resolveQuantization('hf:bob/coder-GGUF:Q4_K_M', server.url), 'hf:bob/coder-GGUF/coder-7b-instruct-q4_k_m.gguf');
  const path = await downloadModel('hf:bob/coder-GGUF:q4_k_m', { directory: freshDir(), huggingFaceEndpoint: server.url });
  assert.equal(readFileSync(path).length, readFileSync(TINY).length);
  assert.ok(server.requests.includes('GET /api/models/bob/coder-GGUF'));
  const fails = (reference: string, message: RegExp) =>
    assert.rejects(resolveQuantization(reference, server.url), (error: unknown) => error instanceof EngineError && message.test(error.message));
  await fails('hf:bob/coder-GGUF:Q5_K_M', /has no Q5_K_M GGUF file \(it has: q4_k_m, q8_0, fp16\)/);
  await fails('hf:bob/coder-GGUF:fp16', /split into 2 files/);
  await fails('hf:bob/nowhere:Q4_K_M', /could not list the files of bob\/nowhere: HTTP 404/);
  await fails('hf:bob/broken:Q4_K_M', /did not answer with a file list/);
  assert.equal(await resolveQuantization('hf:alice/sql-model/tiny-q4.gguf', server.url), 'hf:alice/sql-model/tiny-q4.gguf', 'a file reference stays as it is');
});

test('a quantization downloaded once is used again without the network; HF_ENDPOINT sets where hf: resolves', async () => {
  const directory = freshDir();
  const saved = process.env.HF_ENDPOINT;
  process.env.HF_ENDPOINT = server.url;
  try {
    const first = await downloadModel('hf:bob/coder-GGUF:Q4_K_M', { directory });
    const listed = server.requests.filter((r) => r === 'GET /api/models/bob/coder-GGUF').length;
    // Nothing answers here: only the remembered resolution can find the file.
    const nobody = `http://127.0.0.1:${await freePort()}`;
    process.env.HF_ENDPOINT = nobody;
    assert.equal(await downloadModel('hf:bob/coder-GGUF:Q4_K_M', { directory }), first);
    assert.equal(server.requests.filter((r) => r === 'GET /api/models/bob/coder-GGUF').length, listed);
    await assert.rejects(downloadModel('hf:bob/coder-GGUF:Q8_0', { directory }), new RegExp(`download failed for ${nobody}/api/models/bob/coder-GGUF: ECONNREFUSED`));
  } finally {
    if (saved === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved;
  }
});

test('hf: references resolve to the Hub layout (here served locally)', async () => {
  assert.equal(modelUrl('hf:alice/sql-model/tiny-q4.gguf'), 'https://huggingface.co/alice/sql-model/resolve/main/tiny-q4.gguf');
  const path = await downloadModel('hf:alice/sql-model/tiny-q4.gguf', { directory: freshDir(), huggingFaceEndpoint: server.url });
  assert.ok(path.endsWith('tiny-q4.gguf'));
  assert.ok(readFileSync(path).equals(readFileSync(TINY)));
});

test('a missing file, and a file that is not GGUF, are clear errors and leave nothing behind', async () => {
  const directory = freshDir();
  await assert.rejects(downloadModel(`${server.url}/models/absent.gguf`, { directory }), /download failed: HTTP 404 Not Found for http:\/\/127\.0\.0\.1:\d+\/models\/absent\.gguf/);
  await assert.rejects(downloadModel(`${server.url}/models/notes.gguf`, { directory }), /is not a GGUF file/);
  assert.equal(existsSync(join(directory, 'notes.gguf')), false);
});

test('a cancelled download stops, keeps its part, and the next run resumes it', async () => {
  const directory = freshDir();
  const controller = new AbortController();
  server.dropNext(0, 0);
  await assert.rejects(
    downloadModel(`${server.url}/models/tiny.gguf`, {
      directory,
      signal: controller.signal,
      onProgress: (p) => p.receivedBytes > 600_000 && controller.abort(),
    }),
    /download cancelled; it resumes where it stopped next time/,
  );
  assert.deepEqual(readdirSync(directory), ['tiny.gguf.part']);
  const start = server.requests.length;
  await downloadModel(`${server.url}/models/tiny.gguf`, { directory, sha256: TINY_SHA256 });
  assert.match(server.requests[start]!, /^GET \/models\/tiny\.gguf bytes=[1-9]\d*-$/);
});

test('a host that cannot be found at all is told apart as no network, with what to do instead, and nothing is left behind', async () => {
  const directory = freshDir();
  // .invalid never resolves (RFC 6761): as a machine without a network sees every host.
  for (const reference of ['https://models.quarry.invalid/m.gguf', 'hf:bob/coder-GGUF:Q4_K_M']) {
    const saved = process.env.HF_ENDPOINT;
    process.env.HF_ENDPOINT = 'https://hub.quarry.invalid';
    try {
      await assert.rejects(downloadModel(reference, { directory, retries: 0 }), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.code, 'offline', error.message);
        assert.match(error.message, /^cannot reach (models|hub)\.quarry\.invalid to download the model \((ENOTFOUND|EAI_AGAIN)\): is this machine offline\? Choose a \.gguf file on disk, or the sample model$/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.HF_ENDPOINT;
      else process.env.HF_ENDPOINT = saved;
    }
  }
  assert.deepEqual(existsSync(directory) ? readdirSync(directory).filter((name) => !name.startsWith('.')) : [], []);
});
