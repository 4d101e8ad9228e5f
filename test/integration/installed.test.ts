import * as assert from 'node:assert/strict';
import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { AskResult } from '../../src/core/ask/askQuestion';
import type { QuarryApi } from '../../src/extension/extension';
import { PROJECT_ROOT, spiderDb } from '../helpers/fixtures';
import { TINY_MODEL } from '../helpers/tinyModel';

/** The extension host of this phase runs only an empty probe from the repository: Quarry is the VSIX, installed into a fresh profile. */
suite('Installed from the VSIX (fresh profile)', () => {
  test('Quarry runs from its install folder, connects a database and asks a question with the tiny model', async () => {
    const extension = vscode.extensions.getExtension<QuarryApi>('quarry.quarry');
    assert.ok(extension, 'Quarry is installed');
    assert.ok(relative(PROJECT_ROOT, extension.extensionPath).startsWith('..'), `installed outside the repository: ${extension.extensionPath}`);
    const api = await extension.activate();
    await api.ready;

    await vscode.commands.executeCommand('quarry.connectDatabase', vscode.Uri.file(spiderDb('concert_singer')));
    const connection = api.connections.get(spiderDb('concert_singer'));
    assert.equal(connection?.schema?.tables.length, 4, connection?.error?.message);

    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Global);
    await config.update('model.threads', 1, vscode.ConfigurationTarget.Global);
    await config.update('model.gpu', 'off', vscode.ConfigurationTarget.Global);
    await config.update('model.grammar', 'narrow', vscode.ConfigurationTarget.Global);
    const result = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question: 'How many singers do we have?' });
    assert.ok(result?.valid, JSON.stringify(result?.attempts));
    assert.equal(api.models.current.kind, 'ready');
  });

  test('from its install folder, Quarry connects a Postgres server and refuses what Postgres\'s own parser (WebAssembly in the VSIX) finds', async () => {
    const api = await vscode.extensions.getExtension<QuarryApi>('quarry.quarry')!.activate();
    const url = process.env.QUARRY_TEST_PG_URL!;
    await vscode.commands.executeCommand('quarry.connectDatabase', { url, password: process.env.QUARRY_TEST_PG_PASSWORD! });
    const connection = api.connections.get(url);
    assert.equal(connection?.schema?.tables.length, 4, connection?.error?.message);
    await assert.rejects(connection!.db!.query("SELECT 1, pg_catalog.nextval('x')"), /refused: calling nextval\(\)/);
  });
});
