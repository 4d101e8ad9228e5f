// npm run publish:extension -- [--dry-run] [--registry marketplace|openvsx|both] [targets…]: the VSIX files
// `npm run package` wrote, to the Visual Studio Marketplace (@vscode/vsce) and to Open VSX (ovsx),
// the same file per target for both. Tokens come from the environment only: VSCE_PAT and OVSX_PAT
// (OVSX_REGISTRY_URL for a registry other than open-vsx.org). --dry-run checks every file and token
// and prints the commands, with the tokens hidden, and publishes nothing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipEntries, zipEntryText } from './zipEntries.mjs';

const ROOT = process.cwd();
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64'];
const REGISTRIES = {
  marketplace: { token: 'VSCE_PAT', where: 'https://dev.azure.com (a Personal Access Token with Marketplace › Manage)' },
  openvsx: { token: 'OVSX_PAT', where: 'https://open-vsx.org/user-settings/tokens' },
};

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const registryArg = valueOf('--registry') ?? 'both';
if (!['marketplace', 'openvsx', 'both'].includes(registryArg)) fail(`--registry ${registryArg}: choose marketplace, openvsx or both`);
const registries = registryArg === 'both' ? ['marketplace', 'openvsx'] : [registryArg];
const wanted = args.filter((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--registry');
for (const target of wanted) if (!TARGETS.includes(target)) fail(`unknown target '${target}' (targets: ${TARGETS.join(', ')})`);
const targets = wanted.length ? wanted : TARGETS;
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

const missingTokens = registries.map((r) => REGISTRIES[r]).filter((r) => !process.env[r.token]);
if (missingTokens.length) fail(missingTokens.map((r) => `${r.token} is not set: create a token at ${r.where} and export it`).join('; '));

const files = [];
for (const target of targets) {
  const file = join(ROOT, 'vsix', `quarry-${manifest.version}-${target}.vsix`);
  if (!existsSync(file)) fail(`${file} is missing: run \`npm run package -- ${target}\` first`);
  await checkVsix(file, target);
  files.push({ target, file });
}

for (const { target, file } of files) {
  for (const registry of registries) {
    const command = registry === 'marketplace'
      ? { tool: 'vsce', args: ['publish', '--packagePath', file] }
      : { tool: 'ovsx', args: ['publish', file, '--target', target, ...(process.env.OVSX_REGISTRY_URL ? ['--registryUrl', process.env.OVSX_REGISTRY_URL] : [])] };
    const token = process.env[REGISTRIES[registry].token];
    console.log(`${dryRun ? 'would run' : 'running'}: ${command.tool} ${command.args.join(' ')} --pat $${REGISTRIES[registry].token}`);
    if (dryRun) continue;
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', command.tool), [...command.args, '--pat', token], { cwd: ROOT, stdio: 'inherit' });
    } catch {
      fail(`${command.tool} could not publish ${file} (${target}): see its message above`);
    }
  }
}
console.log(dryRun ? `dry run: ${files.length} VSIX file(s) checked for ${registries.join(' and ')}; nothing published` : `published ${files.length} VSIX file(s) to ${registries.join(' and ')}`);

/** What both registries refuse a package for, checked before anything is sent: the manifest, its license and its target. */
async function checkVsix(file, target) {
  const names = (await zipEntries(file)).map((entry) => entry.name);
  const packed = JSON.parse((await zipEntryText(file, 'extension/package.json')) ?? '{}');
  const missing = ['publisher', 'name', 'version', 'license'].filter((key) => !packed[key]);
  if (!packed.engines?.vscode) missing.push('engines.vscode');
  if (missing.length) fail(`${file}: its package.json lacks ${missing.join(', ')}`);
  // Open VSX accepts only licensed content: the license file must travel inside the package.
  if (!names.some((name) => /^extension\/LICENSE(\.(txt|md))?$/i.test(name))) fail(`${file}: no LICENSE inside; Open VSX refuses unlicensed extensions`);
  const vsixManifest = (await zipEntryText(file, 'extension.vsixmanifest')) ?? '';
  const declared = /TargetPlatform="([^"]+)"/.exec(vsixManifest)?.[1];
  if (declared !== target) fail(`${file}: built for ${declared ?? 'every platform'}, not ${target}`);
}

function valueOf(flag) {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

function fail(message) {
  console.error(`publish: ${message}`);
  process.exit(1);
}
