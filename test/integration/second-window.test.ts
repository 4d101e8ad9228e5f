import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateQuarry, rowsUnder } from '../helpers/quarryExtension';

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
});
