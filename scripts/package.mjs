// npm run package [-- linux-x64 darwin-arm64 …]: one VSIX per target, each carrying only its own
// platform's native binaries (better-sqlite3's prebuild, DuckDB's binding package, node-llama-cpp's
// CPU build and its Vulkan or Metal one). Binary packages for other platforms come from the npm
// registry (`npm pack`, cached in .package/cache). CUDA builds are not shipped (see README: GPU).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { zipEntries } from './zipEntries.mjs';

const ROOT = process.cwd();
const STAGE = join(ROOT, '.package');
const CACHE = join(STAGE, 'cache');
const OUT = join(ROOT, 'vsix');
const BUDGET_MB = { 'linux-x64': 150 };

/** What each VS Code target needs: better-sqlite3's prebuild name, DuckDB's and node-llama-cpp's binary packages. */
const TARGETS = {
  'linux-x64': { sqlite: 'linux-x64', binaries: ['@duckdb/node-bindings-linux-x64', '@node-llama-cpp/linux-x64', '@node-llama-cpp/linux-x64-vulkan', '@reflink/reflink-linux-x64-gnu'] },
  'linux-arm64': { sqlite: 'linux-arm64', binaries: ['@duckdb/node-bindings-linux-arm64', '@node-llama-cpp/linux-arm64', '@reflink/reflink-linux-arm64-gnu'] },
  'darwin-x64': { sqlite: 'darwin-x64', binaries: ['@duckdb/node-bindings-darwin-x64', '@node-llama-cpp/mac-x64', '@reflink/reflink-darwin-x64'] },
  'darwin-arm64': { sqlite: 'darwin-arm64', binaries: ['@duckdb/node-bindings-darwin-arm64', '@node-llama-cpp/mac-arm64-metal', '@reflink/reflink-darwin-arm64'] },
  'win32-x64': { sqlite: 'win32-x64', binaries: ['@duckdb/node-bindings-win32-x64', '@node-llama-cpp/win-x64', '@node-llama-cpp/win-x64-vulkan', '@reflink/reflink-win32-x64-msvc'] },
};
/** Where a binary package's version is pinned: the package that lists it as optional. */
const BINARY_PARENTS = { '@duckdb/': '@duckdb/node-bindings', '@node-llama-cpp/': 'node-llama-cpp', '@reflink/': '@reflink/reflink' };
/** Packages the bundles load from node_modules: native modules, and libpg-query (Postgres's parser as WebAssembly, read from beside it). */
const NATIVE = ['better-sqlite3', '@duckdb/node-api', 'node-llama-cpp', 'libpg-query'];
/** node-llama-cpp's optional peer (for its TypeScript types): not needed to run. */
const OPTIONAL_PEERS = new Set(['typescript']);
/** Binary packages of every platform: only the target's own go into its VSIX. */
const PLATFORM_PACKAGE = /^@node-llama-cpp\/|^@duckdb\/node-bindings-|^@reflink\/reflink-/;

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const targets = wanted.length ? wanted : Object.keys(TARGETS);
for (const target of targets) if (!TARGETS[target]) fail(`unknown target '${target}' (targets: ${Object.keys(TARGETS).join(', ')})`);

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
if (!existsSync(join(ROOT, 'dist', 'extension.js'))) fail('dist/extension.js is missing: run `node esbuild.mjs` first (npm run package does)');
const closure = runtimeClosure();
mkdirSync(OUT, { recursive: true });
const results = [];
for (const target of targets) {
  try {
    results.push(await packageTarget(target));
  } catch (error) {
    results.push({ target, ok: false, summary: `${target}: not built: ${error.message.split('\n')[0]}` });
  }
}
for (const result of results) console.log(result.summary);
const missed = results.filter((r) => !r.ok);
if (missed.length) fail(`${missed.map((r) => r.target).join(', ')}: see above`);

/** The installed packages those modules need at run time, from npm's own view of the tree (without platform binaries). */
function runtimeClosure() {
  const tree = JSON.parse(execFileSync('npm', ['ls', '--omit=dev', '--all', '--json', '--long'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 }));
  const paths = new Set();
  const expanded = new Set();
  // npm lists a package's dependencies at one of its places in the tree; elsewhere it has none listed.
  const visit = (name, node) => {
    if (!node?.path || PLATFORM_PACKAGE.test(name) || OPTIONAL_PEERS.has(name)) return;
    paths.add(node.path);
    if (!node.dependencies || expanded.has(node.path)) return;
    expanded.add(node.path);
    for (const [child, info] of Object.entries(node.dependencies ?? {})) visit(child, info);
  };
  for (const name of NATIVE) visit(name, tree.dependencies[name]);
  return [...paths].map((path) => relative(ROOT, path));
}

async function packageTarget(target) {
  const spec = TARGETS[target];
  const stage = join(STAGE, target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const { dependencies } = manifest;
  const staged = {
    ...manifest,
    dependencies: Object.fromEntries(NATIVE.map((name) => [name, dependencies[name]])),
    devDependencies: {},
    optionalDependencies: {},
    scripts: {},
  };
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);
  for (const file of ['README.md', 'LICENSE', 'media']) cpSync(join(ROOT, file), join(stage, file), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(stage, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  // The sample model, offered in "Select Model…" (quarry.model.source "sample").
  if (existsSync(join(ROOT, 'models', 'quarry-mini-sql.gguf'))) cpSync(join(ROOT, 'models', 'quarry-mini-sql.gguf'), join(stage, 'models', 'quarry-mini-sql.gguf'));
  for (const path of closure) copyPackage(path, join(stage, path), target);
  for (const name of spec.binaries) placePlatformPackage(name, stage);
  // Packages' markdown goes, but not the walkthrough's own steps (media/walkthrough/*.md): VS Code opens them from the VSIX.
  writeFileSync(join(stage, '.vscodeignore'), ['**/*.map', '**/*.d.ts', '**/*.md', '!README.md', '!media/**', '**/test/**', '**/docs/**'].join('\n'));
  const file = join(OUT, `quarry-${manifest.version}-${target}.vsix`);
  rmSync(file, { force: true });
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--target', target, '--out', file, '--allow-missing-repository', '--no-rewrite-relative-links'], { cwd: stage, stdio: ['ignore', 'ignore', 'inherit'] });
  const contents = await zipEntries(file);
  const foreign = contents.filter((entry) => foreignBinary(entry.name, target));
  const megabytes = statSync(file).size / 1e6;
  const budget = BUDGET_MB[target];
  const ok = foreign.length === 0 && (budget === undefined || megabytes <= budget);
  const largest = packageSizes(contents).slice(0, 8).map(([name, bytes]) => `${name} ${(bytes / 1e6).toFixed(1)} MB`).join(', ');
  return {
    target,
    ok,
    summary: [
      `${target}: ${relative(ROOT, file)} ${megabytes.toFixed(1)} MB${budget ? ` (budget ${budget} MB: ${megabytes <= budget ? 'met' : 'MISSED'})` : ''}, ${contents.length} files`,
      `  native binaries: ${nativePackages(contents).join('; ')}`,
      `  largest (uncompressed): ${largest}`,
      ...(foreign.length ? [`  OTHER PLATFORMS' BINARIES: ${foreign.map((e) => e.name).join(', ')}`] : []),
    ].join('\n'),
  };
}

/** A package copied without what it keeps only to build itself from source, and with only the target's prebuild. */
function copyPackage(from, to, target) {
  const source = join(ROOT, from);
  cpSync(source, to, {
    recursive: true,
    filter: (path) => {
      const inside = relative(source, path);
      if (inside.split('/')[0] === 'node_modules') return false; // nested packages are copied on their own
      if (from.endsWith('better-sqlite3')) {
        if (/^(deps|src|build)(\/|$)/.test(inside)) return false;
        if (inside.startsWith('prebuilds/') && inside !== `prebuilds/${TARGETS[target].sqlite}.node`) return false;
      }
      // llama.cpp's source, for building on the user's machine: Quarry never builds (build: 'never').
      if (from.endsWith('node-llama-cpp') && inside === 'llama/gitRelease.bundle') return false;
      return true;
    },
  });
}

/** A platform package from this install when it is here, else from the registry (the version the parent package asks for). */
function placePlatformPackage(name, stage) {
  const target = join(stage, 'node_modules', name);
  const installed = join(ROOT, 'node_modules', name);
  if (existsSync(join(installed, 'package.json'))) {
    cpSync(installed, target, { recursive: true });
    return;
  }
  const parent = Object.entries(BINARY_PARENTS).find(([scope]) => name.startsWith(scope))[1];
  const version = JSON.parse(readFileSync(join(ROOT, 'node_modules', parent, 'package.json'), 'utf8')).optionalDependencies[name];
  mkdirSync(CACHE, { recursive: true });
  const tarball = join(CACHE, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
  if (!existsSync(tarball)) {
    let packed;
    try {
      packed = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', CACHE, '--silent'], { cwd: CACHE, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1);
    } catch {
      throw new Error(`the npm registry has no ${name}@${version}${publishedVersions(name)}: this target needs that exact build of ${parent}`);
    }
    if (join(CACHE, packed) !== tarball) cpSync(join(CACHE, packed), tarball);
  }
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
}

function publishedVersions(name) {
  try {
    const versions = JSON.parse(execFileSync('npm', ['view', name, 'versions', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    return ` (it has ${[versions].flat().slice(-3).join(', ')})`;
  } catch {
    return '';
  }
}

/** A native binary that belongs to another platform than the target. */
function foreignBinary(name, target) {
  const platforms = ['linux-x64', 'linux-arm64', 'linux-armv7l', 'linuxmusl', 'darwin', 'mac-', 'win32', 'win-', 'cuda'];
  const own = { 'linux-x64': ['linux-x64'], 'linux-arm64': ['linux-arm64'], 'darwin-x64': ['darwin-x64', 'mac-x64'], 'darwin-arm64': ['darwin-arm64', 'mac-arm64'], 'win32-x64': ['win32-x64', 'win-x64'] }[target];
  if (!/\.(node|so|dylib|dll)(\.\d+)*$/.test(name) && !/node-bindings-|@node-llama-cpp\//.test(name)) return false;
  if (/cuda/.test(name)) return true;
  const mentioned = platforms.filter((p) => name.includes(p));
  return mentioned.length > 0 && !mentioned.some((p) => own.some((o) => o.startsWith(p) || p.startsWith(o)));
}

/** Each folder holding native binaries, with how many: `node_modules/@duckdb/node-bindings-linux-x64 (2)`. */
function nativePackages(contents) {
  const folders = new Map();
  for (const { name } of contents) {
    if (!/\.(node|so|dylib|dll)(\.\d+)*$/.test(name)) continue;
    const folder = dirname(name.replace(/^extension\//, ''));
    folders.set(folder, (folders.get(folder) ?? 0) + 1);
  }
  return [...folders].map(([folder, count]) => `${folder} (${count})`);
}

function packageSizes(contents) {
  const sizes = new Map();
  for (const { name, bytes } of contents) {
    const match = /^extension\/(node_modules\/(?:@[^/]+\/)?[^/]+|[^/]+)/.exec(name);
    const key = match ? match[1] : name;
    sizes.set(key, (sizes.get(key) ?? 0) + bytes);
  }
  return [...sizes.entries()].sort((a, b) => b[1] - a[1]);
}

function fail(message) {
  console.error(`package: ${message}`);
  process.exit(1);
}
