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

test('core folders import only the layers below them; the lint rule fails on a forbidden import', async () => {
  const forbidden: [string, string][] = [
    ['src/core/types/leak.ts', "import type { Database } from '../db/Database';\nexport type X = Database;\n"],
    ['src/core/protocol/leak.ts', "import type { Database } from '../db/Database';\nexport type X = Database;\n"],
    ['src/core/db/leak.ts', "import { runEvaluation } from '../eval/runEvaluation';\nexport const x = runEvaluation;\n"],
    ['src/core/db/leak.ts', "import { generateInstances } from '../instances/generateInstances';\nexport const x = generateInstances;\n"],
    ['src/core/sql/leak.ts', "import { renderSchemaDdl } from '../schema/renderSchemaDdl';\nexport const x = renderSchemaDdl;\n"],
    ['src/core/engine/leak.ts', "import { askQuestion } from '../ask/askQuestion';\nexport const x = askQuestion;\n"],
  ];
  for (const [file, text] of forbidden) {
    const ids = await ruleIdsFor(file, text);
    assert.ok(ids.includes('no-restricted-imports'), `${file} importing ${text.split("'")[1]}: ${ids.join(', ')}`);
  }
  const allowed: [string, string][] = [
    ['src/core/protocol/ok.ts', "import type { QueryResult } from '../types/QueryResult';\nexport type X = QueryResult;\n"],
    ['src/core/eval/ok.ts', "import { tryQuery } from '../db/tryQuery';\nexport const x = tryQuery;\n"],
    ['src/cli/ok.ts', "import { runEvaluation } from '../core/eval/runEvaluation';\nexport const x = runEvaluation;\n"],
  ];
  for (const [file, text] of allowed) assert.deepEqual(await ruleIdsFor(file, text), [], file);
});

test('an import cycle fails lint', async () => {
  // checkReadOnlyStatement imports keywords; keywords importing it back closes a cycle.
  const ids = await ruleIdsFor('src/core/sql/keywords.ts', "import { checkReadOnlyStatement } from './checkReadOnlyStatement';\nexport const x = checkReadOnlyStatement;\n");
  assert.ok(ids.includes('import-x/no-cycle'), ids.join(', '));
  const fine = await ruleIdsFor('src/core/sql/keywordsProbe.ts', "import { checkReadOnlyStatement } from './checkReadOnlyStatement';\nexport const x = checkReadOnlyStatement;\n");
  assert.deepEqual(fine, [], 'the same import from a file nothing imports is no cycle');
});
