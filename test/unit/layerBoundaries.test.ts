import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';
import { PROJECT_ROOT } from '../helpers/fixtures';

/** Lints a snippet as if it lived at `file`, with the project's own config. */
async function ruleIdsFor(file: string, text: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: PROJECT_ROOT });
  const [result] = await eslint.lintText(text, { filePath: join(PROJECT_ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

test('core and CLI code may not import vscode', async () => {
  for (const file of ['src/core/db/leak.ts', 'src/cli/leak.ts']) {
    const ids = await ruleIdsFor(file, "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
    assert.ok(ids.includes('no-restricted-imports'), `${file}: ${ids.join(', ')}`);
  }
});

test('extension code may import vscode', async () => {
  const ids = await ruleIdsFor('src/extension/ok.ts', "import * as vscode from 'vscode';\nexport const x = vscode.version;\n");
  assert.deepEqual(ids, []);
});

test('webview code may import only types, and only from src/core/protocol', async () => {
  const typeOnly = await ruleIdsFor('webview/ok.ts', "import type { ErrorData } from '../src/core/protocol/rpc';\nexport type E = ErrorData;\n");
  assert.deepEqual(typeOnly, []);
  const value = await ruleIdsFor('webview/leak.ts', "import { DbError } from '../src/core/db/DbError';\nexport const e = DbError;\n");
  assert.ok(value.filter((id) => id === 'no-restricted-syntax').length >= 2, value.join(', '));
  const toolkit = await ruleIdsFor('webview/ok.ts', "import { provideVSCodeDesignSystem } from '@vscode/webview-ui-toolkit';\nexport const d = provideVSCodeDesignSystem;\n");
  assert.deepEqual(toolkit, [], 'browser packages are allowed');
});
