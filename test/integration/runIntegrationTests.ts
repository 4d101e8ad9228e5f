/**
 * Runs the extension's tests in a real VS Code extension host, twice over one profile and one
 * workspace: the second window checks what the first left behind (connections persist per workspace).
 */
import { runTests } from '@vscode/test-electron';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { PROJECT_ROOT, makeTempDir } from '../helpers/fixtures';
import { freePort } from '../helpers/freePort';

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
  try {
    for (const phase of ['first-window', 'second-window']) {
      console.log(`\n▶ extension host: ${phase}`);
      await runTests({
        vscodeExecutablePath: join(PROJECT_ROOT, 'test', 'integration', 'bin', 'code'),
        extensionDevelopmentPath: PROJECT_ROOT,
        extensionTestsPath: join(PROJECT_ROOT, 'out', 'test', 'integration', 'suiteIndex.js'),
        launchArgs: profile,
        extensionTestsEnv: {
          QUARRY_TEST_PORT: port,
          QUARRY_TEST_PHASE: phase,
          QUARRY_TEST_WORKSPACE: workspace,
          QUARRY_NODE: process.execPath,
          ...(process.env.QUARRY_TEST_GREP ? { QUARRY_TEST_GREP: process.env.QUARRY_TEST_GREP } : {}),
        },
      });
    }
  } finally {
    temp.dispose();
  }
}

main().catch((error) => {
  console.error(`integration tests failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
