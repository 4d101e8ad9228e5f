// Makes sure the pieces of the real-editor test host are here: Chromium (Debian) and code-server (npm),
// which bundles VS Code with a real Node extension host. Runs before the integration tests; quick when
// everything is already installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const CODE_SERVER_VERSION = '4.139.1';
const codeServerDir = join(root, '.vscode-test', 'code-server');
const codeServerEntry = join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const CHROMIUM = process.env.QUARRY_CHROMIUM ?? '/usr/bin/chromium';
// Chromium to drive the UI; the -dev libraries are what code-server's native modules build against.
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev', 'pkg-config'];

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((name) => {
    const status = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return !status.stdout?.includes('install ok installed');
  });
}

function installDebianPackages(names) {
  if (process.getuid?.() !== 0) {
    throw new Error(`missing Debian packages: ${names.join(' ')}; install them with: sudo apt-get install -y --no-install-recommends ${names.join(' ')}`);
  }
  console.log(`installing ${names.join(' ')} (Debian packages for the editor test host)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...names], { stdio: 'inherit', env }).status === 0;
  if (!install()) {
    execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
    if (!install()) throw new Error(`apt-get could not install ${names.join(' ')}`);
  }
}

function installCodeServer() {
  console.log(`installing code-server ${CODE_SERVER_VERSION} into .vscode-test (about two minutes, once)…`);
  mkdirSync(codeServerDir, { recursive: true });
  writeFileSync(
    join(codeServerDir, 'package.json'),
    JSON.stringify({ private: true, dependencies: { 'code-server': CODE_SERVER_VERSION }, allowScripts: { 'code-server': true } }, null, 2),
  );
  // code-server needs Node 24 for its install script and native modules: the project's own Node.
  const nodeBin = dirname(process.execPath);
  // Not the npm_* variables of the `npm test` around us: code-server's install script reads the
  // Node version from npm_config_user_agent, which would name the Node that outer npm runs on.
  const outside = Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_'));
  const env = {
    ...Object.fromEntries(outside),
    PATH: `${nodeBin}:${process.env.PATH}`,
    npm_config_nodedir: resolve(nodeBin, '..'),
  };
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: codeServerDir, stdio: 'inherit', env });
  if (result.status !== 0 || !existsSync(codeServerEntry)) throw new Error('npm could not install code-server');
}

try {
  const missing = missingDebianPackages();
  if (missing.length > 0) installDebianPackages(missing);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (set QUARRY_CHROMIUM to its path)`);
  if (!existsSync(codeServerEntry)) installCodeServer();
} catch (error) {
  console.error(`test host setup failed: ${error.message}`);
  process.exit(1);
}
