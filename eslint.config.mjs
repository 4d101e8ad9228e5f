// The lint rules that keep the layers apart: only src/extension may talk to VS Code,
// and webview code may only see message types.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.vscode-test/**', 'esbuild.mjs', 'eslint.config.mjs', 'scripts/*.mjs'] },
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
    files: ['src/core/**/*.ts', 'src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'Only src/extension may import vscode; core and CLI run without an editor.' }],
          patterns: [{ group: ['**/extension/**'], message: 'core and cli must not depend on src/extension.' }],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
        {
          selector: "ImportDeclaration[importKind!='type'][source.value=/^\\./]",
          message: 'Webview code runs in the browser: from the project it may import only types (import type …).',
        },
        {
          selector: 'ImportDeclaration[source.value=/^\\./][source.value!=/src\\/core\\/protocol\\//]',
          message: 'Webview code may import types from src/core/protocol only (packages like the UI toolkit are fine).',
        },
      ],
    },
  },
);
