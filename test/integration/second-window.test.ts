import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ResultsView } from '../../src/core/protocol/resultsPanelMessages';
import { spiderDb } from '../helpers/fixtures';
import { activateQuarry, atKeyboard, rowsUnder } from '../helpers/quarryExtension';

const workspace = process.env.QUARRY_TEST_WORKSPACE!;

suite('Databases view (second window, same workspace)', () => {
  test('the connections of the first window come back, schemas read again', async () => {
    const api = await activateQuarry();
    const connections = rowsUnder(api);
    assert.deepEqual(connections.map((c) => c.row.label), ['concert_singer.sqlite', 'openflights.duckdb']);
    for (const connection of connections) {
      assert.equal(connection.row.icon, 'database');
      assert.ok(rowsUnder(api, connection.node).length >= 4);
    }
  });

  test('disconnecting forgets the database for this workspace', async () => {
    const api = await activateQuarry();
    const [first] = rowsUnder(api);
    await vscode.commands.executeCommand('quarry.disconnectDatabase', first!.node);
    assert.deepEqual(rowsUnder(api).map((c) => c.row.label), ['openflights.duckdb']);
  });

  test('with its default database gone, Run Query asks which database once for a file, and the answer stays with the file and becomes the default', async () => {
    const api = await activateQuarry();
    // The workspace's default (the first window's first database) was disconnected above; two others are connected now.
    await vscode.commands.executeCommand('quarry.connectDatabase', vscode.Uri.file(spiderDb('pets_1')));
    assert.equal(rowsUnder(api).length, 2);
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT count(*) FROM Pets;\n' });
    await vscode.window.showTextDocument(document);
    assert.equal(api.sqlBinding.connectionFor(document), undefined, 'no database can be chosen without asking');
    const first = vscode.commands.executeCommand<ResultsView>('quarry.runQuery');
    await atKeyboard(join(workspace, 'ui-run-which-database.txt'), {
      selector: '.quick-input-widget',
      text: 'Run on which database?',
      keys: [{ type: 'pets_1' }, { settle: true }, { press: 'Enter' }],
    });
    const shown = await first;
    assert.deepEqual(shown?.kind === 'rows' && shown.rows, [[3]]);
    assert.equal(api.sqlBinding.connectionFor(document)?.path, spiderDb('pets_1'), 'the answer is the file\'s database');
    // Asked again, it would wait on the quick pick forever: the run must finish on its own.
    const again = await Promise.race([
      vscode.commands.executeCommand<ResultsView>('quarry.runQuery'),
      new Promise<'asked'>((resolve) => setTimeout(() => resolve('asked'), 30_000)),
    ]);
    assert.notEqual(again, 'asked', 'the second run does not ask again');
    assert.deepEqual(again !== 'asked' && again?.kind === 'rows' && again.rows, [[3]]);
    const another = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT 1;\n' });
    assert.equal(api.sqlBinding.connectionFor(another)?.path, spiderDb('pets_1'), 'the answer replaced the default that was disconnected');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
