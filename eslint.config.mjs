// The lint rules that keep the layers apart: only src/extension may talk to VS Code, webview code
// may only see message types, core folders import only the folders below them, and no import cycles.
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

const NO_VSCODE = { name: 'vscode', message: 'Only src/extension may import vscode; core and CLI run without an editor.' };
const NO_EXTENSION = { group: ['**/extension/**'], message: 'core and cli must not depend on src/extension.' };

/**
 * What each folder of src/core may import besides itself (`defaults` is src/core/defaults.ts).
 * Lower layers never reach up: the types are a leaf every protocol file can import alone, the
 * database layer knows nothing of evaluation, datasets, models or prompts.
 */
export const CORE_LAYERS = {
  types: [],
  util: [],
  protocol: ['types'],
  files: ['types'],
  ipc: ['protocol'],
  sql: ['types'],
  results: ['types', 'sql'],
  schema: ['types', 'sql', 'defaults'],
  db: ['types', 'util', 'sql', 'schema', 'files', 'ipc', 'protocol', 'defaults'],
  engine: ['types', 'util', 'files', 'ipc', 'protocol', 'defaults'],
  models: ['types', 'prompt'],
  prompt: ['types', 'sql', 'schema'],
  instances: ['types', 'util', 'sql', 'db', 'ipc', 'protocol'],
  ask: ['types', 'sql', 'schema', 'db', 'engine', 'prompt', 'results', 'defaults'],
  complete: ['types', 'sql', 'schema', 'engine', 'prompt', 'protocol', 'defaults'],
  eval: ['types', 'util', 'sql', 'db', 'files', 'ipc', 'protocol', 'engine', 'ask', 'instances', 'defaults'],
  dataset: ['types', 'util', 'sql', 'schema', 'db', 'files', 'protocol', 'engine', 'prompt', 'instances', 'eval', 'ask', 'defaults'],
  workers: ['types', 'sql', 'schema', 'db', 'ipc', 'protocol', 'instances', 'eval'],
};

const CORE_NAMES = [...Object.keys(CORE_LAYERS), 'defaults'];

function layerRule(folder) {
  const allowed = new Set([folder, ...CORE_LAYERS[folder]]);
  const forbidden = CORE_NAMES.filter((name) => !allowed.has(name));
  return {
    files: [`src/core/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [NO_VSCODE],
          patterns: [
            NO_EXTENSION,
            ...(forbidden.length
              ? [{ regex: `^(\\.\\./)+(${forbidden.join('|')})(/|$)`, message: `src/core/${folder} may import only ${[...allowed].join(', ')} (see CORE_LAYERS in eslint.config.mjs).` }]
              : []),
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.vscode-test/**', '.package/**', 'vsix/**', 'esbuild.mjs', 'eslint.config.mjs', 'scripts/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [NO_VSCODE], patterns: [NO_EXTENSION] }] },
  },
  ...Object.keys(CORE_LAYERS).map(layerRule),
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          // Browser code of its own (./dom) is fine: it is bundled into the page.
          selector: "ImportDeclaration[importKind!='type'][source.value=/^\\.\\.\\//]",
          message: 'Webview code runs in the browser: from the project it may import only types (import type …).',
        },
        {
          selector: 'ImportDeclaration[source.value=/^\\.\\.\\//][source.value!=/src\\/core\\/protocol\\//]',
          message: 'Webview code may import types from src/core/protocol only (packages like the UI toolkit are fine).',
        },
      ],
    },
  },
);
