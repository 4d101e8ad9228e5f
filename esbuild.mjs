// One build for every entry point. Native modules, libpg-query (it loads its .wasm from beside itself)
// and `vscode` stay external:
// they are loaded from node_modules (or the editor) at run time.
import * as esbuild from 'esbuild';
import { globSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const nativeAndHost = ['vscode', 'better-sqlite3', '@duckdb/node-api', 'node-llama-cpp', 'libpg-query', 'pg-native'];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: nativeAndHost,
};

/** Entries shipped with the extension and the CLI, all in dist/ so they can find each other by __dirname. */
const productEntries = {
  extension: 'src/extension/extension.ts',
  dbWorker: 'src/core/workers/dbWorkerMain.ts',
};

const testEntries = [
  ...globSync('test/unit/**/*.test.ts'),
  ...globSync('test/model/**/*.test.ts'),
  ...globSync('test/integration/**/*.ts'),
  ...globSync('bench/**/*.ts'),
];

const builds = [
  { ...common, entryPoints: productEntries, outdir: 'dist' },
  { ...common, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  // Browser code for the evaluation panel: everything bundled, nothing loaded from elsewhere.
  { entryPoints: { evalPanel: 'webview/evalPanel.ts', resultsPanel: 'webview/resultsPanel.ts' }, outdir: 'dist/webview', bundle: true, minify: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' },
  // node-llama-cpp is ESM-only, so its process is an ES module.
  { ...common, entryPoints: { modelServer: 'src/core/engine/modelServerMain.ts' }, outdir: 'dist', format: 'esm', outExtension: { '.js': '.mjs' } },
  {
    ...common,
    entryPoints: testEntries,
    outdir: 'out',
    outbase: '.',
    // Tests load test libraries (mocha, playwright) from node_modules like any user would.
    packages: 'external',
  },
];

if (watch) {
  for (const options of builds) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
