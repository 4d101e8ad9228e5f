import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { AskResult } from '../../src/core/ask/askQuestion';
import { statementsIn } from '../../src/core/sql/statementAt';
import type { ResultsView } from '../../src/core/protocol/resultsPanelMessages';
import { filesUnder, PROJECT_ROOT, spiderDb } from '../helpers/fixtures';
import { MODEL_CATALOG } from '../../src/core/models/modelCatalog';
import { sampleModelPath } from '../../src/core/models/sampleModel';
import { startModelHttpServer } from '../helpers/modelHttpServer';
import { startOpenAiCompatibleServer } from '../helpers/openAiCompatibleServer';
import { TINY_MODEL } from '../helpers/tinyModel';
import { freePort } from '../helpers/freePort';
import { activateQuarry, allFramesText, atKeyboard, inWebview, rowsUnder, sideBarText, type WebviewStep } from '../helpers/quarryExtension';

const LORA_ADAPTER = join(PROJECT_ROOT, 'models', 'quarry-mini-sql-openflights.lora.gguf');

/** The adapter steps write the settings where they are set, the user's when nowhere: both are cleared, and the tiny model is back. */
async function forgetAdapter(): Promise<void> {
  const config = vscode.workspace.getConfiguration('quarry');
  for (const target of [vscode.ConfigurationTarget.Workspace, vscode.ConfigurationTarget.Global]) {
    await config.update('model.lora', undefined, target);
    await config.update('model.loraScale', undefined, target);
  }
  await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
}

const workspace = process.env.QUARRY_TEST_WORKSPACE!;

/** The tiny model on one CPU thread; its random weights write runnable SQL only inside the narrow grammar. */
async function useTinyModel(): Promise<vscode.WorkspaceConfiguration> {
  const config = vscode.workspace.getConfiguration('quarry');
  await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
  await config.update('model.threads', 1, vscode.ConfigurationTarget.Workspace);
  await config.update('model.gpu', 'off', vscode.ConfigurationTarget.Workspace);
  await config.update('model.grammar', 'narrow', vscode.ConfigurationTarget.Workspace);
  return config;
}

suite('Databases view (first window)', () => {
  test('the extension activates and contributes its commands and view', async () => {
    await activateQuarry();
    // VS Code adds view commands of its own (quarry.databases.focus …); Quarry's have one dot.
    const registered = (await vscode.commands.getCommands(true)).filter((id) => /^quarry\.[A-Za-z]+$/.test(id)).sort();
    const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    assert.deepEqual(registered, contributed, 'every command in package.json is registered, and nothing else');
    await vscode.commands.executeCommand('quarry.databases.focus');
  });

  test('connecting a Spider database lists its tables and columns with types and keys', async () => {
    const api = await activateQuarry();
    await vscode.commands.executeCommand('quarry.connectDatabase', vscode.Uri.file(spiderDb('concert_singer')));
    // The view opens with the new connection selected: the person sees what Connect did.
    await waitFor(() => api.databasesView.visible, 'the Databases view is shown');
    const selected = api.databasesView.selection[0];
    assert.equal(selected?.kind === 'connection' && selected.connection.path, spiderDb('concert_singer'));
    const connections = rowsUnder(api);
    assert.equal(connections.length, 1);
    assert.equal(connections[0]!.row.label, 'concert_singer.sqlite');
    assert.match(connections[0]!.row.description, /^sqlite · /);
    assert.equal(connections[0]!.row.icon, 'database');

    const tables = rowsUnder(api, connections[0]!.node);
    assert.deepEqual(
      tables.map((t) => `${t.row.label} (${t.row.description})`),
      ['stadium (9 rows)', 'singer (6 rows)', 'concert (6 rows)', 'singer_in_concert (10 rows)'],
    );
    const concert = tables.find((t) => t.row.label === 'concert')!;
    const columns = rowsUnder(api, concert.node).map((c) => `${c.row.label}: ${c.row.description} [${c.row.icon}]`);
    assert.deepEqual(columns, [
      'concert_ID: INT · PK [key]',
      'concert_Name: TEXT [symbol-field]',
      'Theme: TEXT [symbol-field]',
      'Stadium_ID: TEXT · → stadium.Stadium_ID [references]',
      'Year: TEXT [symbol-field]',
    ]);
  });

  test('connecting the same file again keeps one connection', async () => {
    const api = await activateQuarry();
    await vscode.commands.executeCommand('quarry.connectDatabase', vscode.Uri.file(spiderDb('concert_singer')));
    assert.equal(rowsUnder(api).length, 1);
  });

  test('a DuckDB file connects alongside, with its views; a SQL file used with the first database keeps it', async () => {
    const api = await activateQuarry();
    // Issue 31, 8.2: a file written against the only database there was turned to "No database" when a second connected.
    // A file on disk: an untitled one closed here would leave its name (Untitled-1) to the next test's with stale text.
    const keeps = join(workspace, 'keeps-its-database.sql');
    writeFileSync(keeps, 'SELECT count(*) FROM singer;\n');
    const sqlFile = await vscode.workspace.openTextDocument(keeps);
    await vscode.window.showTextDocument(sqlFile);
    assert.equal(api.sqlBinding.connectionFor(sqlFile)?.path, spiderDb('concert_singer'));
    await vscode.commands.executeCommand('quarry.connectDatabase', vscode.Uri.file(join(workspace, 'openflights.duckdb')));
    assert.equal(api.sqlBinding.connectionFor(sqlFile)?.path, spiderDb('concert_singer'), 'the file keeps its database');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const duck = rowsUnder(api).find((c) => c.row.label === 'openflights.duckdb')!;
    assert.match(duck.row.description, /^duckdb · /);
    const tables = rowsUnder(api, duck.node).map((t) => `${t.row.label} (${t.row.description})`);
    assert.ok(tables.includes('airports (7698 rows)'), tables.join(', '));
    assert.ok(tables.includes('busiest_airports (view)'), tables.join(', '));
  });

  test('a missing file shows as a connection with its error, and can be disconnected', async () => {
    const api = await activateQuarry();
    const missing = join(workspace, 'missing.sqlite');
    await vscode.commands.executeCommand('quarry.connectDatabase', vscode.Uri.file(missing));
    const broken = rowsUnder(api).find((c) => c.row.label === 'missing.sqlite')!;
    assert.equal(broken.row.icon, 'error');
    assert.match(broken.row.description, /^file-missing: database file not found/);
    assert.equal(rowsUnder(api, broken.node).length, 0);
    await vscode.commands.executeCommand('quarry.disconnectDatabase', broken.node);
    assert.deepEqual(rowsUnder(api).map((c) => c.row.label), ['concert_singer.sqlite', 'openflights.duckdb']);
  });

  test('refresh rereads every connection', async () => {
    const api = await activateQuarry();
    await vscode.commands.executeCommand('quarry.refreshDatabases');
    assert.equal(rowsUnder(api).filter((c) => c.row.icon === 'database').length, 2);
  });

  test('schema-only mode takes effect at once: no example values are read', async () => {
    const api = await activateQuarry();
    const examples = () =>
      api.connections.list().flatMap((c) => c.schema?.tables ?? []).flatMap((t) => t.columns.flatMap((column) => column.examples));
    assert.ok(examples().length > 0);
    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('privacy.schemaOnly', true, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => examples().length === 0, 'example values are gone');
    await config.update('privacy.schemaOnly', undefined, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => examples().length > 0, 'example values are back');
  });

  test('without a model, Ask opens the model picker at once', async () => {
    await activateQuarry();
    assert.equal(vscode.workspace.getConfiguration('quarry').get('model.source'), '');
    const asking = vscode.commands.executeCommand('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question: 'How many singers?' });
    const picker = await atKeyboard(join(workspace, 'ui-ask-without-model.txt'), {
      selector: '.quick-input-widget',
      text: 'Quarry: the model that writes SQL',
      keys: [{ press: 'Escape' }],
    });
    assert.match(picker, /OmniSQL-7B/);
    assert.equal(await asking, undefined, 'dismissing the picker cancels the question');
  });

  test('the walkthrough opens with its steps, each a command', async () => {
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', 'quarry.quarry#firstRun', false);
    const shown = await atKeyboard(join(workspace, 'ui-walkthrough.txt'), { selector: '.gettingStartedContainer', text: 'Get started with Quarry' });
    for (const step of ['Connect a database', 'Choose a model', 'Ask a question', 'Run it', 'Try inline completion', 'Run an evaluation']) assert.ok(shown.includes(step), `${step}:\n${shown}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('a bad model file fails with a clear error, and the editor stays usable', async () => {
    const api = await activateQuarry();
    const notAModel = join(workspace, 'notes.gguf');
    writeFileSync(notAModel, 'not a model');
    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('model.source', notAModel, vscode.ConfigurationTarget.Workspace);
    const started = Date.now();
    const result = await vscode.commands.executeCommand('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question: 'How many singers?' });
    assert.equal(result, undefined);
    assert.ok(Date.now() - started < 10_000, 'reported within seconds');
    const state = api.models.current;
    assert.equal(state.kind, 'failed');
    assert.match(state.kind === 'failed' ? state.error.message : '', /notes\.gguf is not a GGUF file/);
    await vscode.commands.executeCommand('quarry.refreshDatabases');
    assert.equal(rowsUnder(api).filter((c) => c.row.icon === 'database').length, 2, 'the rest of Quarry still works');
  });

  test('Ask in English writes SQL with the tiny model and inserts it into a SQL editor', async () => {
    const api = await activateQuarry();
    await useTinyModel();
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: '-- asked:\n' });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const result = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', {
      connection: spiderDb('concert_singer'),
      question: 'How many singers do we have?',
    });
    assert.ok(result?.valid, JSON.stringify(result?.attempts));
    const text = vscode.window.activeTextEditor!.document.getText();
    assert.equal(vscode.window.activeTextEditor!.document.languageId, 'sql');
    // Under the question, laid out a clause a line, and the same query: it gives the same rows.
    assert.ok(text.startsWith('-- asked:\n-- How many singers do we have?\nSELECT\n'), text);
    const inserted = text.split('\n').slice(2).join('\n').trim();
    assert.ok(inserted.split('\n').length > 2, inserted);
    const db = api.connections.get(spiderDb('concert_singer'))!.db!;
    assert.deepEqual((await db.query(inserted)).rows, (await db.query(result.sql)).rows);
    const state = api.models.current;
    assert.equal(state.kind, 'ready');
    assert.equal(state.kind === 'ready' && state.status.device, 'cpu');
    // A second Ask at the end of the file is a statement of its own, a blank line below the first (issue 31, 8.1).
    const end = editor.document.positionAt(editor.document.getText().length);
    editor.selection = new vscode.Selection(end, end);
    const second = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question: 'How many concerts are there?' });
    assert.ok(second?.valid, JSON.stringify(second?.attempts));
    const statements = statementsIn(editor.document.getText());
    assert.equal(statements.length, 2, editor.document.getText());
    assert.match(editor.document.getText(), /;\n\n-- How many concerts are there\?\n/);
    for (const statement of statements) await db.query(statement.text);
  });

  test('a file attached to a connection shows as a schema of its own, its tables named alias.table; another engine\'s file is refused and nothing changes; Detach takes it away', async () => {
    const api = await activateQuarry();
    const main = spiderDb('concert_singer');
    const attached = await vscode.commands.executeCommand<{ schema: { tables: { name: string; schema?: string }[] } } | undefined>('quarry.attachDatabase', { connection: main, file: spiderDb('pets_1'), alias: 'pets' });
    assert.deepEqual(
      attached?.schema.tables.filter((t) => t.schema === 'pets').map((t) => t.name),
      ['Student', 'Has_Pet', 'Pets'],
    );
    const connectionNode = rowsUnder(api).find((c) => c.row.label === 'concert_singer.sqlite')!.node;
    const schemas = api.databasesTree.getChildren(connectionNode);
    assert.deepEqual(schemas.map((node) => node.kind === 'schema' && node.name), ['main', 'pets']);
    assert.equal(api.databasesTree.getTreeItem(schemas[1]!).contextValue, 'attachedSchema');
    const refused = await vscode.commands.executeCommand('quarry.attachDatabase', { connection: main, file: join(workspace, 'openflights.duckdb'), alias: 'flights' });
    assert.equal(refused, undefined);
    assert.deepEqual(api.connections.attachments(main).map((a) => a.alias), ['pets'], 'the refused file left the attachments as they were');
    assert.ok(api.connections.get(main)!.db, 'and the connection open');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('quarry.detachDatabase', schemas[1]);
    assert.deepEqual(api.connections.attachments(main), []);
    assert.ok(api.connections.get(main)!.schema!.tables.every((t) => t.schema === undefined));
  });

  test('a schema over the context budget is cut to what the question needs; the Prompt Context view shows it, and a table pinned there goes into the next Ask', async () => {
    const api = await activateQuarry();
    const config = await useTinyModel();
    await config.update('context.budget', 300, vscode.ConfigurationTarget.Workspace);
    const world = spiderDb('world_1');
    try {
      const ask = () => vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: world, question: 'Which countries have Dutch as an official language?' });
      const first = await ask();
      assert.ok(first, 'the Ask ran');
      assert.equal(first.context.retrieved, true);
      assert.ok(first.context.tables.includes('countrylanguage'), first.context.tables.join(', '));
      const left = first.context.omitted.tables[0]!;
      assert.ok(left && !first.context.tables.includes(left), 'a table was left out');
      // The value index was built in the background and found the value the question names.
      assert.deepEqual(first.context.values.find((v) => v.value === 'Dutch'), { table: 'countrylanguage', column: 'Language', value: 'Dutch' });
      const top = api.promptContextTree.getChildren();
      const labels = top.map((node) => api.promptContextTree.getTreeItem(node).label);
      assert.deepEqual(labels.slice(0, 2), ['Which countries have Dutch as an official language?', `Tables (${first.context.tables.length} of 3, retrieved)`]);
      assert.ok(labels.includes('Values (' + first.context.values.length + ')'), labels.join(' | '));
      const omitted = top.find((node) => node.kind === 'group' && node.group === 'omitted')!;
      const leftNode = api.promptContextTree.getChildren(omitted).find((node) => node.kind === 'table' && node.name === left)!;
      assert.equal(api.promptContextTree.getTreeItem(leftNode).contextValue, 'contextTable');
      await vscode.commands.executeCommand('quarry.pinTable', leftNode);
      const second = await ask();
      assert.ok(second?.context.tables.includes(left), `the pinned ${left} is in the next prompt`);
      const tables = api.promptContextTree.getChildren().find((node) => node.kind === 'group' && node.group === 'tables');
      const pinned = api.promptContextTree.getChildren(tables).find((node) => node.kind === 'table' && node.name === left)!;
      assert.equal(api.promptContextTree.getTreeItem(pinned).contextValue, 'contextTablePinned');
      await vscode.commands.executeCommand('quarry.unpinTable', pinned);
      assert.deepEqual(api.promptContext.pinned(world), []);
    } finally {
      await config.update('context.budget', undefined, vscode.ConfigurationTarget.Workspace);
      const connection = rowsUnder(api).find((c) => c.row.label === 'world_1.sqlite');
      if (connection) await vscode.commands.executeCommand('quarry.disconnectDatabase', connection.node);
    }
  });

  test('the sample model, chosen by its name, answers a question about the shop database with the editor\'s own grammar', async () => {
    const api = await activateQuarry();
    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('model.source', 'sample', vscode.ConfigurationTarget.Workspace);
    // The editor's own grammar, not the tiny model's.
    await config.update('model.grammar', undefined, vscode.ConfigurationTarget.Workspace);
    const shop = join(PROJECT_ROOT, 'examples', 'shop.sqlite');
    const result = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: shop, question: 'Which customer placed the most orders?' });
    assert.ok(result?.valid, JSON.stringify(result?.attempts));
    const db = api.connections.get(shop)!.db!;
    // A question of the history it was trained on (examples/shop-history.sql).
    const gold = 'SELECT customers.name FROM customers JOIN orders ON orders.customer_id = customers.id GROUP BY customers.id ORDER BY count(*) DESC LIMIT 1';
    assert.deepEqual((await db.query(result.sql)).rows, (await db.query(gold)).rows, result.sql);
    const state = api.models.current;
    assert.equal(state.kind === 'ready' && state.status.modelPath, sampleModelPath(PROJECT_ROOT));
    await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
    await config.update('model.grammar', 'narrow', vscode.ConfigurationTarget.Workspace);
    // Asking connected the shop database; the second window expects the first's two connections only.
    const connection = rowsUnder(api).find((c) => c.row.label === 'shop.sqlite');
    await vscode.commands.executeCommand('quarry.disconnectDatabase', connection!.node);
  });

  test('Select Model… adds a LoRA adapter to this model: the ones beside it are offered, then its scale, and the model loads with it', async () => {
    const api = await activateQuarry();
    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('model.source', 'sample', vscode.ConfigurationTarget.Workspace);
    try {
      const adding = vscode.commands.executeCommand<boolean>('quarry.selectModel');
      await atKeyboard(join(workspace, 'ui-lora-1-pick.txt'), {
        selector: '.quick-input-widget',
        text: 'Add a LoRA adapter to this model',
        keys: [{ type: 'Add a LoRA' }, { settle: true }, { press: 'Enter' }],
      });
      const offered = await atKeyboard(join(workspace, 'ui-lora-2-adapter.txt'), {
        selector: '.quick-input-widget',
        text: 'a LoRA adapter for quarry-mini-sql.gguf (1/2)',
        keys: [{ type: 'openflights' }, { settle: true }, { press: 'Enter' }],
      });
      assert.match(offered, /quarry-mini-sql-openflights\.lora\.gguf[\s\S]*Choose an adapter file/);
      await atKeyboard(join(workspace, 'ui-lora-3-scale.txt'), {
        selector: '.quick-input-widget',
        text: 'its scale',
        keys: [{ press: 'Control+a' }, { type: '0.5' }, { settle: true }, { press: 'Enter' }],
      });
      assert.equal(await adding, true, JSON.stringify(api.models.current));
      const state = api.models.current;
      assert.equal(state.kind === 'ready' && state.status.loraPath, LORA_ADAPTER);
      const now = vscode.workspace.getConfiguration('quarry');
      assert.deepEqual([now.get('model.lora'), now.get('model.loraScale')], [LORA_ADAPTER, 0.5]);
    } finally {
      await forgetAdapter();
      api.models.reset();
    }
  });

  test('an adapter for another base model, chosen as a file, is refused naming both, and the setting goes back', async () => {
    const api = await activateQuarry();
    // The tiny model is another base than the one the adapter was trained on.
    try {
      const refused = vscode.commands.executeCommand<boolean>('quarry.selectModel');
      await atKeyboard(join(workspace, 'ui-lora-4-pick.txt'), {
        selector: '.quick-input-widget',
        text: 'Add a LoRA adapter to this model',
        keys: [{ type: 'Add a LoRA' }, { settle: true }, { press: 'Enter' }],
      });
      await atKeyboard(join(workspace, 'ui-lora-5-adapter.txt'), {
        selector: '.quick-input-widget',
        text: 'a LoRA adapter for llama-2-tiny-random.gguf (1/2)',
        keys: [{ type: 'Choose an adapter' }, { settle: true }, { press: 'Enter' }],
      });
      // The browser has no native dialog: VS Code's own file dialog takes a typed path.
      await atKeyboard(join(workspace, 'ui-lora-6-file.txt'), {
        selector: '.quick-input-widget',
        text: 'A LoRA adapter for llama-2-tiny-random.gguf',
        keys: [{ press: 'Control+a' }, { paste: LORA_ADAPTER }, { settle: true }, { press: 'Enter' }],
      });
      await atKeyboard(join(workspace, 'ui-lora-7-scale.txt'), { selector: '.quick-input-widget', text: 'its scale', keys: [{ press: 'Enter' }] });
      assert.equal(await refused, false);
      await vscode.commands.executeCommand('notifications.showList');
      const toast = await atKeyboard(join(workspace, 'ui-lora-8-refused.txt'), { selector: '.notifications-center', text: 'does not fit the model' });
      assert.match(toast, /the LoRA adapter quarry-mini-sql-openflights\.lora\.gguf does not fit the model llama-2-tiny-random\.gguf/);
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideList');
      assert.equal(vscode.workspace.getConfiguration('quarry').get('model.lora'), '', 'the adapter that failed is not left in the settings');
    } finally {
      await forgetAdapter();
      api.models.reset();
    }
  });

  test('Ask through a model server set in settings, its API key in SecretStorage: the key goes as a bearer token, the grammar where vLLM reads it', async () => {
    const api = await activateQuarry();
    const server = await startOpenAiCompatibleServer({ api: 'vllm', modelName: 'm', apiKey: 'sk-extension-test' });
    try {
      const chosen = await vscode.commands.executeCommand<boolean>('quarry.selectModel', { endpoint: server.url, api: 'vllm', modelName: 'm', apiKey: 'sk-extension-test' });
      assert.equal(chosen, true, JSON.stringify(api.models.current));
      // A fresh read: a configuration object is a snapshot.
      const now = vscode.workspace.getConfiguration('quarry');
      assert.equal(now.get('model.endpoint'), server.url);
      const settingsText = JSON.stringify([now.inspect('model.endpoint'), now.inspect('model.name'), now.inspect('model.api')]);
      assert.ok(!settingsText.includes('sk-extension-test'), 'the key is in no setting');
      assert.equal(await api.models.secrets.get('quarry.model.apiKey'), 'sk-extension-test');
      const state = api.models.current;
      assert.equal(state.kind === 'ready' && state.status.device, 'remote');

      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: '' });
      await vscode.window.showTextDocument(document);
      const result = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question: 'How many singers do we have?' });
      assert.ok(result?.valid, JSON.stringify(result?.attempts));
      // The SQL file is bound to the database now, so inline completion may warm its prompt first (no grammar): the Ask's request is the one with one.
      const sent = server.requests.find((r) => r.path === '/v1/chat/completions' && r.body?.structured_outputs !== undefined);
      assert.ok(sent, server.requests.map((r) => r.path).join(', '));
      assert.equal(sent.headers.authorization, 'Bearer sk-extension-test');
      assert.equal(sent.body!.model, 'm');
      assert.match((sent.body!.structured_outputs as { grammar: string }).grammar, /::=/);
      const db = api.connections.get(spiderDb('concert_singer'))!.db!;
      await db.query(result.sql);

      // A server's error made of one token repeated (issue 31, 8.7: one filled half the screen): the
      // notification says it in a line or two, the log keeps every character.
      const flood = `CUDA error: ${'0-'.repeat(140)}`;
      server.failNext(500, JSON.stringify({ error: { message: flood } }), 3);
      assert.equal(await vscode.commands.executeCommand('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question: 'How many concerts?' }), undefined);
      await vscode.commands.executeCommand('notifications.showList');
      const toast = await atKeyboard(join(workspace, 'ui-error-capped.txt'), { selector: '.notifications-center', text: 'CUDA error' });
      const line = toast.split('\n').find((l) => l.includes('CUDA error'))!;
      assert.match(line, /CUDA error: 0-0-…/);
      assert.ok(line.length <= 220, `${line.length} characters: ${line}`);
      const log = () => filesUnder(dirname(api.logFolder)).filter((f) => f.endsWith('Quarry.log')).map((f) => readFileSync(f, 'utf8')).join('');
      await waitFor(() => log().includes(flood), 'the whole message is in the log');
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideList');
    } finally {
      await api.models.secrets.delete('quarry.model.apiKey');
      await forgetRemoteModel(api, server);
    }
  });

  test('Run Query: Ctrl+Enter in a SQL file shows the statement\'s rows beside it; an error is underlined where it points', async () => {
    await activateQuarry();
    const file = join(workspace, 'run.sql');
    writeFileSync(file, 'SELECT Name, Age FROM singer ORDER BY Age;\n\nSELECT nme FROM singer;\n');
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('quarry.chooseSqlConnection', document.uri, spiderDb('concert_singer'));
    editor.selection = new vscode.Selection(0, 3, 0, 3);
    await atKeyboard(join(workspace, 'ui-run-query-key.txt'), { selector: '.statusbar', text: 'concert_singer.sqlite', keys: [{ press: 'Control+Enter' }] });
    const shown = await framesShowing(join(workspace, 'run-query-results.txt'), /6 rows · [\d.]+ ms[\s\S]*Joe Sharp/);
    assert.match(shown, /6 rows · [\d.]+ ms/);
    assert.match(shown, /Name\s+text\s+Age\s+int/i, 'column names with their declared types');
    // A grid row's cells are inline: their text runs together, after the row's number.
    assert.match(shown, /1\s*Tribal King\s*25[\s\S]*6\s*Joe Sharp\s*52/, 'the rows, in the order asked');
    assert.match(shown, /Copy Selection\s+Copy All\s+Export CSV…\s+Export JSON…\s+Record View/);

    // 10,000 rows (the default row limit): the table draws only those in view.
    const many = await vscode.commands.executeCommand<ResultsView>('quarry.runQuery', {
      uri: (await vscode.workspace.openTextDocument({ language: 'sql', content: 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000) SELECT i, i * 2 AS twice FROM n' })).uri.toString(),
      offset: 0,
      connection: spiderDb('concert_singer'),
    });
    assert.equal(many?.kind === 'rows' && many.rows.length, 10_000);
    const big = await framesShowing(join(workspace, 'run-query-10000.txt'), /10,000 rows · [\d.]+ ms[\s\S]*\b42\s*42\s*84\b/);
    assert.match(big, /\b42\s*42\s*84\b/, 'the first rows are drawn');
    assert.doesNotMatch(big, /\b9999\s*9999\s*19998\b/, 'the last ones are not, until scrolled to');
    await inWebview(join(workspace, 'run-query-10000-scroll.txt'), [{ selector: '.tabulator-tableholder', press: 'End' }]);
    assert.match(await framesShowing(join(workspace, 'run-query-10000-end.txt'), /\b9999\s*9999\s*19998\b/), /\b10000\s*10000\s*20000\b/, 'scrolled to, the last rows are drawn');
    const back = await vscode.window.showTextDocument(document);

    back.selection = new vscode.Selection(2, 8, 2, 8);
    const failed = await vscode.commands.executeCommand<ResultsView>('quarry.runQuery');
    assert.equal(failed?.kind, 'error');
    const [diagnostic] = vscode.languages.getDiagnostics(document.uri);
    assert.equal(document.getText(diagnostic!.range), 'nme');
    assert.match(diagnostic!.message, /no such column: nme/);
    assert.match(await framesShowing(join(workspace, 'run-query-error.txt'), /no such column/), /no such column: nme/);

    // A statement that runs long shows at once that it runs, with the time so far, and Cancel stops it
    // (the pane used to keep the previous result until the timeout). A long timeout, so only Cancel can end it.
    const api = await activateQuarry();
    const path = spiderDb('concert_singer');
    const reopened = async (change: () => Thenable<void>) => {
      const before = api.connections.get(path)!.db;
      await change();
      await waitFor(() => !!api.connections.get(path)?.db && api.connections.get(path)!.db !== before, 'the connection opened again with the new timeout', 30_000);
    };
    const config = vscode.workspace.getConfiguration('quarry');
    await reopened(() => config.update('query.timeoutMs', 120_000, vscode.ConfigurationTarget.Workspace));
    try {
      const endless = await vscode.workspace.openTextDocument({ language: 'sql', content: 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r' });
      const started = Date.now();
      const slow = vscode.commands.executeCommand<ResultsView>('quarry.runQuery', { uri: endless.uri.toString(), offset: 0, connection: path });
      const running = await framesShowing(join(workspace, 'run-query-running.txt'), /Running… \d+\.\d s/);
      assert.match(running, /Running… \d+\.\d s\s+Cancel/);
      assert.doesNotMatch(running, /no such column/, 'not the previous result');
      await allFramesText(join(workspace, 'run-query-cancel-click.txt'), '.running button');
      const stopped = await slow;
      assert.deepEqual(stopped && stopped.kind === 'error' && stopped.message, 'Cancelled: the statement was stopped.');
      assert.ok(Date.now() - started < 60_000, `stopped after ${Date.now() - started} ms, not at the timeout`);
      assert.match(await framesShowing(join(workspace, 'run-query-cancelled.txt'), /Cancelled/), /Cancelled: the statement was stopped\./);
      // The connection is fine afterwards.
      const after = await vscode.commands.executeCommand<ResultsView>('quarry.runQuery', { uri: document.uri.toString(), offset: 0, connection: path });
      assert.equal(after?.kind === 'rows' && after.rows.length, 6);

      // A new run stops the one still running: one statement runs at a time on a connection, so the
      // second would only wait behind the first until its timeout.
      const first = vscode.commands.executeCommand<ResultsView>('quarry.runQuery', { uri: endless.uri.toString(), offset: 0, connection: path });
      await framesShowing(join(workspace, 'run-query-running-again.txt'), /Running… \d+\.\d s/);
      const second = await vscode.commands.executeCommand<ResultsView>('quarry.runQuery', { uri: document.uri.toString(), offset: 0, connection: path });
      const stoppedFirst = await first;
      assert.deepEqual(stoppedFirst?.kind === 'error' && stoppedFirst.message, 'Cancelled: the statement was stopped.');
      assert.equal(second?.kind === 'rows' && second.rows.length, 6, 'the new run\'s rows, at once');
    } finally {
      await reopened(() => config.update('query.timeoutMs', undefined, vscode.ConfigurationTarget.Workspace));
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the results grid: sort and filter by clicking and typing, copy a selection and everything as the clipboard shows, export, the record view, a table\'s double-click preview', async () => {
    const api = await activateQuarry();
    const path = spiderDb('concert_singer');
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT Name, Age, Country FROM singer' });
    const shown = await vscode.commands.executeCommand<ResultsView>('quarry.runQuery', { uri: document.uri.toString(), offset: 0, connection: path });
    assert.equal(shown?.kind === 'rows' && shown.rows.length, 6);
    const age = '.tabulator-col[tabulator-field="c1"] .tabulator-col-title';
    const copiedText = async (file: string, steps: WebviewStep[]) => {
      await vscode.env.clipboard.writeText('');
      await inWebview(join(workspace, file), steps);
      let text = '';
      for (let i = 0; i < 50 && !text; i++) {
        text = await vscode.env.clipboard.readText();
        if (!text) await new Promise((r) => setTimeout(r, 200));
      }
      return text;
    };
    const sorted = await copiedText('grid-sorted.txt', [{ selector: age, click: true }, { selector: 'select.format', select: 'tsv' }, { selector: 'button.copy-all', click: true }]);
    assert.equal(
      sorted,
      ['Name\tAge\tCountry', 'Tribal King\t25\tFrance', 'Justin Brown\t29\tFrance', 'Timbaland\t32\tUnited States', 'Rose White\t41\tFrance', 'John Nizinik\t43\tFrance', 'Joe Sharp\t52\tNetherlands'].join('\r\n'),
      'every row, by age as clicked, as TSV',
    );
    const filtered = await copiedText('grid-filtered.txt', [{ selector: age, click: true }, { selector: '.tabulator-col[tabulator-field="c0"] input', type: 'jo' }, { selector: 'button.copy-all', click: true }]);
    assert.equal(filtered, 'Name\tAge\tCountry\r\nJoe Sharp\t52\tNetherlands\r\nJohn Nizinik\t43\tFrance', 'filtered, then by age descending (a second click)');
    const selection = await copiedText('grid-selection.txt', [
      { selector: '#headers', click: true },
      { selector: '.tabulator-row:nth-child(1) .tabulator-cell[tabulator-field="c0"]', click: true },
      { selector: '.tabulator-row:nth-child(2) .tabulator-cell[tabulator-field="c1"]', click: true, modifiers: ['Shift'] },
      { selector: '.tabulator-tableholder', press: 'Control+c' },
    ]);
    assert.equal(selection, 'Joe Sharp\t52\r\nJohn Nizinik\t43', 'two rows by two columns, without headers, by Ctrl+C');
    const file = join(workspace, 'exported.json');
    const exported = await vscode.commands.executeCommand<{ file: string; rows: number }>('quarry.exportResults', { format: 'json', file });
    assert.equal(exported?.rows, 2);
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), [{ Name: 'Joe Sharp', Age: 52, Country: 'Netherlands' }, { Name: 'John Nizinik', Age: 43, Country: 'France' }], 'as the grid shows them');
    const record = await inWebview(join(workspace, 'grid-record.txt'), [{ selector: '.tabulator-row:nth-child(2) .tabulator-cell[tabulator-field="c2"]', dblclick: true }]);
    assert.match(record, /Row 2 of 2[\s\S]*Name\s+John Nizinik\s+Age\s+43\s+Country\s+France/);

    // A category and a number: offered as a chart (Chart.js), saved as a PNG through the editor's save dialog.
    const counts = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT Country, count(*) AS singers FROM singer GROUP BY Country ORDER BY Country' });
    await vscode.commands.executeCommand<ResultsView>('quarry.runQuery', { uri: counts.uri.toString(), offset: 0, connection: path });
    const chart = await inWebview(join(workspace, 'grid-chart.txt'), [{ selector: 'button.chart-toggle', click: true }]);
    assert.match(chart, /Bar chart of singers by Country: 3 rows/);
    const png = join(workspace, 'singers.png');
    await inWebview(join(workspace, 'grid-chart-save.txt'), [{ selector: 'button.save-png', click: true }]);
    await atKeyboard(join(workspace, 'ui-chart-save.txt'), { selector: '.quick-input-widget', text: 'Save Chart as PNG', keys: [{ press: 'Control+a' }, { paste: png }, { settle: true }, { press: 'Enter' }] });
    await waitFor(() => existsSync(png), 'the chart is saved', 30_000);
    const picture = readFileSync(png);
    assert.equal(picture.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(picture.length > 2000, `a drawn chart, ${picture.length} bytes`);

    // A table's double-click in the Databases view previews its rows, once; one click runs nothing.
    const previews = () => api.history.list().filter((entry) => entry.sql === 'SELECT * FROM stadium LIMIT 100;').length;
    const before = previews();
    const connection = api.connections.get(path)!;
    const node = { kind: 'table' as const, connection, table: connection.schema!.tables.find((t) => t.name === 'stadium')! };
    assert.equal(await vscode.commands.executeCommand('quarry.previewTable', node), undefined, 'a single click runs nothing');
    await new Promise((r) => setTimeout(r, 700));
    await vscode.commands.executeCommand('quarry.databases.focus');
    await atKeyboard(join(workspace, 'ui-table-double-click.txt'), { selector: '.part.sidebar', text: 'stadium', keys: [{ dblclick: 'stadium' }] });
    assert.match(await framesShowing(join(workspace, 'grid-preview.txt'), /9 rows · [\d.]+ ms[\s\S]*Stark's Park/), /SELECT \* FROM stadium LIMIT 100/);
    await waitFor(() => previews() === before + 1, 'one preview, kept in the history');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(previews(), before + 1, 'a double-click previews once');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a connection reopened while the model loads is looked up again, not used stale', async () => {
    const api = await activateQuarry();
    await vscode.workspace.getConfiguration('quarry').update('model.grammar', 'narrow', vscode.ConfigurationTarget.Workspace);
    api.models.reset();
    const path = spiderDb('concert_singer');
    let closed = false;
    // What reopenAll does when settings change: the old worker goes, and for a moment there is none.
    const listener = api.models.onDidChange((state) => {
      if (state.kind !== 'loading' || closed) return;
      closed = true;
      const connection = api.connections.get(path)!;
      void connection.db?.dispose();
      connection.db = null;
    });
    try {
      const result = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: path, question: 'How many singers?' });
      assert.ok(closed, 'the connection was closed while the model loaded');
      assert.ok(result?.valid, JSON.stringify(result?.attempts));
      assert.ok(api.connections.get(path)?.db, 'the connection is open again');
    } finally {
      listener.dispose();
    }
  });

  test('Select Model… shows the model catalog; picking an entry downloads it from the (local) Hub with a progress bar, then loads it', async () => {
    const api = await activateQuarry();
    const prem = MODEL_CATALOG.find((entry) => entry.id === 'prem-1b-sql')!;
    const [, repo] = /^hf:([^:]+):/.exec(prem.download!.reference)!;
    const fileList = join(workspace, 'hub-file-list.json');
    writeFileSync(fileList, JSON.stringify({ id: repo, siblings: ['README.md', 'prem-1B-SQL.Q4_K_M.gguf', 'prem-1B-SQL.Q8_0.gguf'].map((rfilename) => ({ rfilename })) }));
    // The tiny model's 1.7 MB in about six seconds: long enough to watch the bar move.
    const hub = await startModelHttpServer(
      { [`/api/models/${repo}`]: fileList, [`/${repo}/resolve/main/prem-1B-SQL.Q4_K_M.gguf`]: TINY_MODEL },
      { bytesPerSecond: 300_000 },
    );
    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('model.huggingFaceEndpoint', hub.url, vscode.ConfigurationTarget.Workspace);
    // Set for the workspace, as a team's repository would: the choice must land there to take effect.
    await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
    try {
      const selecting = vscode.commands.executeCommand<boolean>('quarry.selectModel');
      const page = await atKeyboard(join(workspace, 'ui-model-1-catalog.txt'), {
        selector: '.quick-input-widget',
        text: 'Quarry: the model that writes SQL',
        keys: [{ type: 'Prem-1B' }, { settle: true }, { press: 'Enter' }],
      });
      assert.match(page, /OmniSQL-7B[\s\S]*7\.6B · 4\.7 GB download · needs about 5\.6 GB · Apache-2\.0[\s\S]*omnisql format · reported: Spider dev 81\.2/);
      assert.match(page, /Arctic-Text2SQL-R1-7B/);
      // A toast may stay hidden in an unfocused headless window; the notification list shows it.
      await vscode.commands.executeCommand('notifications.showList');
      const download = await atKeyboard(join(workspace, 'ui-model-2-download.txt'), {
        selector: '.notifications-center:has(.monaco-progress-container.discrete)',
        text: 'downloading model',
      });
      assert.match(download, /downloading model… \d+%/);
      assert.equal(await selecting, true);
      await vscode.commands.executeCommand('notifications.hideList');
      const state = api.models.current;
      assert.equal(state.kind, 'ready', JSON.stringify(state));
      assert.match(state.kind === 'ready' ? state.status.modelPath : '', /prem-1B-SQL\.Q4_K_M\.gguf$/);
      assert.ok(hub.requests.includes(`GET /api/models/${repo}`), hub.requests.join(', '));
      assert.equal(config.inspect('model.source')?.workspaceValue, prem.download!.reference, 'changed where it was set: a workspace value would hide a user one');
    } finally {
      await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
      await config.update('model.huggingFaceEndpoint', undefined, vscode.ConfigurationTarget.Workspace);
      api.models.reset();
      await hub.close();
    }
  });

  test('a model that does not load changes nothing: a server that is down, a download with no network; the working model stays, offline offers a file or the sample, a failed Ask keeps its question', async () => {
    const api = await activateQuarry();
    const config = vscode.workspace.getConfiguration('quarry');
    const now = () => vscode.workspace.getConfiguration('quarry');
    await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
    api.models.reset();
    await api.models.ensureLoaded();
    const backToTiny = () => waitFor(() => api.models.current.kind === 'ready' && api.models.current.status.modelPath === TINY_MODEL, 'the model that worked is in use again', 60_000);
    const toast = async (file: string, text: string) => {
      await vscode.commands.executeCommand('notifications.showList');
      return atKeyboard(join(workspace, file), { selector: '.notifications-center', text });
    };
    const clearToasts = async () => {
      await vscode.commands.executeCommand('notifications.clearAll');
      await vscode.commands.executeCommand('notifications.hideList');
    };
    try {
      // A server that is down: its endpoint is not kept, and the local model is in use again.
      const down = `http://127.0.0.1:${await freePort()}/v1`;
      assert.equal(await vscode.commands.executeCommand<boolean>('quarry.selectModel', { endpoint: down, modelName: 'm' }), false);
      assert.equal(now().get('model.endpoint'), '', 'the server that did not answer is not left in the settings');
      assert.equal(now().get('model.name'), '');
      assert.equal(now().inspect('model.source')?.workspaceValue, TINY_MODEL);
      await backToTiny();
      assert.match(await toast('ui-model-down.txt', 'Still using llama-2-tiny-random.gguf'), /127\.0\.0\.1[\s\S]*Still using llama-2-tiny-random\.gguf/);
      await clearToasts();

      // No network: the hub's name does not resolve. The reference is not saved; what works offline is offered.
      await config.update('model.huggingFaceEndpoint', 'https://hub.quarry.invalid', vscode.ConfigurationTarget.Workspace);
      const contextBefore = now().get('model.contextSize');
      const selecting = vscode.commands.executeCommand<boolean>('quarry.selectModel');
      const page = await atKeyboard(join(workspace, 'ui-model-offline-pick.txt'), {
        selector: '.quick-input-widget',
        text: 'Quarry: the model that writes SQL',
        keys: [{ type: 'Arctic-Text2SQL' }, { settle: true }, { press: 'Enter' }],
      });
      assert.match(page, /llama-2-tiny-random\.gguf[\s\S]*keep it/, 'the picker shows the model in use first');
      assert.equal(await selecting, false);
      assert.equal(now().inspect('model.source')?.workspaceValue, TINY_MODEL, 'the reference that cannot download is not saved');
      assert.equal(now().get('model.contextSize'), contextBefore, 'nor the context it would have needed');
      const offline = await toast('ui-model-offline.txt', 'is this machine offline');
      assert.match(offline, /cannot reach hub\.quarry\.invalid to download the model/);
      assert.match(offline, /Still using llama-2-tiny-random\.gguf/);
      assert.match(offline, /Choose a \.gguf File…[\s\S]*Use the Sample Model/);
      await clearToasts();
      await backToTiny();

      // A model set in settings that cannot download: the Ask fails, and Ask Again brings its question back.
      await config.update('model.source', 'hf:quarry/nowhere-GGUF/none.gguf', vscode.ConfigurationTarget.Workspace);
      api.models.reset();
      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: '' });
      await vscode.window.showTextDocument(document);
      const question = 'How many singers do we have?';
      assert.equal(await vscode.commands.executeCommand('quarry.askInEnglish', { connection: spiderDb('concert_singer'), question }), undefined);
      // The user mends the setting, then asks again without typing the question again.
      await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
      await config.update('model.grammar', 'narrow', vscode.ConfigurationTarget.Workspace);
      const failed = await toast('ui-ask-failed.txt', 'is this machine offline');
      assert.match(failed, /Select Model…[\s\S]*Ask Again/);
      await atKeyboard(join(workspace, 'ui-ask-again-click.txt'), { selector: '.notifications-center', text: 'is this machine offline', keys: [{ click: 'Ask Again' }] });
      await atKeyboard(join(workspace, 'ui-ask-again.txt'), { selector: '.quick-input-widget', text: 'Ask concert_singer.sqlite', keys: [{ settle: true }, { press: 'Enter' }] });
      await waitFor(() => document.getText().includes(`-- ${question}`), 'the question, asked again as it was, is answered in the editor', 120_000);
      await clearToasts();
    } finally {
      await config.update('model.huggingFaceEndpoint', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
      api.models.reset();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('Select Model… shows the model in use and the files used before; Choose a .gguf File opens at the folder of the model in use', async () => {
    const api = await activateQuarry();
    const config = await useTinyModel();
    // A file used before: the sample model, loaded as a file (by its name it is the sample, not a recent file).
    const before = sampleModelPath(PROJECT_ROOT);
    try {
      for (const source of [before, TINY_MODEL]) {
        await config.update('model.source', source, vscode.ConfigurationTarget.Workspace);
        api.models.reset();
        await api.models.ensureLoaded();
      }
      const selecting = vscode.commands.executeCommand<boolean>('quarry.selectModel');
      const page = await atKeyboard(join(workspace, 'ui-model-recent-pick.txt'), {
        selector: '.quick-input-widget',
        text: 'Quarry: the model that writes SQL',
        keys: [{ type: 'Choose a .gguf' }, { settle: true }, { press: 'Enter' }],
      });
      assert.match(page, /llama-2-tiny-random\.gguf[\s\S]*keep it/, 'the model in use, first');
      // A separator's label is drawn beside the first item under it.
      assert.ok(page.includes(`${basename(before)}${dirname(before)}\nRecent`), `the file used before, with its folder, under Recent:\n${page}`);
      // code-server's file dialog is a quick input whose box holds the folder it opened at.
      const dialog = await atKeyboard(join(workspace, 'ui-model-file-dialog.txt'), { selector: '.quick-input-widget', text: 'chat-templates', keys: [{ press: 'Escape' }] });
      assert.ok(dialog.includes(`[input] ${dirname(TINY_MODEL)}/`), `the dialog opens where the model in use is:\n${dialog}`);
      assert.equal(await selecting, false, 'nothing chosen, nothing changed');
      assert.equal(config.inspect('model.source')?.workspaceValue, TINY_MODEL);
    } finally {
      await config.update('model.source', TINY_MODEL, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('inline completion: typing a comment and a newline in a SQL file brings ghost text, broken before its clauses past the line length, that Tab accepts and that runs', async () => {
    const api = await activateQuarry();
    const config = vscode.workspace.getConfiguration('quarry');
    // Long enough for the tiny model to reach the end of a query the grammar allows.
    await config.update('completion.maxTokens', 200, vscode.ConfigurationTarget.Workspace);
    await config.update('completion.debounceMs', 100, vscode.ConfigurationTarget.Workspace);
    // An editor made narrow (issue 31, 8.10): every query the grammar allows has a FROM to break before.
    await config.update('completion.maxLineLength', 24, vscode.ConfigurationTarget.Workspace);
    const file = join(workspace, 'singers.sql');
    writeFileSync(file, '');
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const bound = await vscode.commands.executeCommand<string>('quarry.chooseSqlConnection', document.uri, spiderDb('concert_singer'));
    assert.equal(bound, spiderDb('concert_singer'));
    assert.equal(api.sqlBinding.connectionFor(document)?.path, spiderDb('concert_singer'));
    await api.models.ensureLoaded();

    const status = await atKeyboard(join(workspace, 'ui-completion-1-typed.txt'), {
      selector: '.statusbar',
      text: 'concert_singer.sqlite',
      keys: [{ type: '-- how many singers are older than 30?' }, { press: 'Enter' }],
    });
    assert.match(status, /concert_singer\.sqlite/, 'the status bar names the file\u2019s database');
    const ghost = await atKeyboard(join(workspace, 'ui-completion-2-ghost.txt'), {
      selector: '.monaco-editor .view-lines',
      text: 'SELECT',
      keys: [{ settle: true }, { press: 'Tab' }],
    });
    // The editor draws spaces as no-break spaces.
    assert.match(ghost.replace(/\u00a0/g, ' '), /how many singers are older than 30\?\s+SELECT /);
    assert.doesNotMatch(ghost.replace(/\u00a0/g, ' '), /SELECT [^\n]*\bFROM\b/, 'the ghost text\'s first line ends before FROM');
    await waitFor(() => /\nSELECT /.test(document.getText()), 'Tab accepts the suggestion');
    assert.match(document.getText(), /\nFROM /, 'what Tab accepted is the suggestion as wrapped');
    await config.update('completion.maxLineLength', undefined, vscode.ConfigurationTarget.Workspace);
    const sql = document.getText().split('\n').slice(1).join('\n').trim();
    const result = await api.connections.get(spiderDb('concert_singer'))!.db!.query(sql);
    assert.ok(Array.isArray(result.rows), `${sql} runs on the database`);
    const stats = api.inlineCompletion.completer.stats;
    assert.ok(stats.modelCalls >= 1, `the suggestion came from the model: ${JSON.stringify(stats)}`);

    // Toggled off, the provider proposes nothing; toggled on again, it does.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, document.positionAt(document.getText().length), ';\n-- names of singers\n');
    await vscode.workspace.applyEdit(edit);
    const ask = () =>
      api.inlineCompletion.provideInlineCompletionItems(
        document,
        document.positionAt(document.getText().length),
        { triggerKind: vscode.InlineCompletionTriggerKind.Invoke, selectedCompletionInfo: undefined },
        new vscode.CancellationTokenSource().token,
      );
    assert.equal(await vscode.commands.executeCommand('quarry.toggleInlineCompletion'), false);
    assert.equal(await ask(), undefined);
    assert.equal(await vscode.commands.executeCommand('quarry.toggleInlineCompletion'), true);
    const items = await ask();
    assert.match(String(items?.[0]?.insertText), /^SELECT /);
  });

  test('an evaluation runs from the command and the panel shows it, database values as plain text', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const dataset = join(workspace, 'xss.jsonl');
    const db = spiderDb('concert_singer');
    writeFileSync(
      dataset,
      [
        { question: `Show ${xss}`, sql: `SELECT '${xss}' AS payload`, db },
        { question: 'How many singers?', sql: 'SELECT count(*) FROM singer', db },
        { question: 'Names of singers', sql: 'SELECT Name FROM singer', db },
      ].map((line) => JSON.stringify(line)).join('\n'),
    );
    const predictions = join(workspace, 'xss-predictions.sql');
    writeFileSync(predictions, `SELECT '${xss}'\nSELECT count(*) FROM singer\nSELECT Country FROM singer\n`);
    const report = await vscode.commands.executeCommand<string>('quarry.runEvaluation', { dataset, predictions });
    assert.ok(report && report.endsWith('.json'), String(report));
    const saved = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(saved.summary.evaluated, 3);
    assert.equal(Math.round(saved.summary.execAccuracy * 3), 2);

    await vscode.commands.executeCommand('quarry.openEvaluation', report);
    const shown = await allFramesText(join(workspace, 'evaluation-panel.txt'));
    assert.match(shown, /Execution accuracy\s+66\.7%/);
    assert.ok(shown.includes(`Show ${xss}`), `the payload is shown as text:\n${shown.slice(0, 2000)}`);
    assert.match(shown, /medium|easy/);

    // A second run, made while the first is on screen: it is the candidate beside that baseline, so
    // its gain reads as a gain (the newest run used to become A: an improvement showed as red, "lost").
    const better = join(workspace, 'better-predictions.sql');
    writeFileSync(better, `SELECT '${xss}'\nSELECT count(*) FROM singer\nSELECT Name FROM singer\n`);
    const second = await vscode.commands.executeCommand<string>('quarry.runEvaluation', { dataset, predictions: better });
    const compared = await allFramesText(join(workspace, 'evaluation-compare.txt'), 'tr.wrong');
    assert.match(compared, /Baseline \(A\)\s+Candidate \(B\)/);
    assert.match(compared, /Execution accuracy\s+66\.7%\s+100\.0%/);
    assert.match(compared, /\+33\.3/, 'the per-hardness delta');
    assert.match(compared, /EX by hardness, baseline \(A\) and candidate \(B\)\s+Save PNG…/, 'the chart of both runs (Chart.js), with its caption');
    assert.match(compared, /Flipped\s+1 gained, 0 lost/);
    assert.match(compared, /wrong\s+gained/, 'the example that flipped');
    // Runs are named by what made them and the dataset, not by a timestamp.
    assert.match(compared, /xss-predictions\.sql on xss\.jsonl/);
    assert.match(compared, /better-predictions\.sql on xss\.jsonl/);
    // The clicked example: both queries and both results, side by side.
    assert.match(compared, /Gold SQL\s+SELECT Name FROM singer/);
    assert.match(compared, /Predicted SQL\s+SELECT Country FROM singer/);
    assert.match(compared, /Gold result[\s\S]*Joe Sharp[\s\S]*Predicted result[\s\S]*Netherlands/);

    // Another baseline: the open example is shown again from it, never with the old run's SQL.
    await vscode.commands.executeCommand('quarry.openEvaluation', second, report);
    let swapped = '';
    for (let attempt = 0; attempt < 10 && !/Predicted SQL\s+SELECT Name FROM singer/.test(swapped); attempt++) {
      swapped = await allFramesText(join(workspace, `evaluation-swapped-${attempt}.txt`));
    }
    assert.match(swapped, /Predicted SQL\s+SELECT Name FROM singer/);
    assert.doesNotMatch(swapped, /SELECT Country FROM singer/);
    assert.match(swapped, /-33\.3/, 'the first run, now the candidate, lost a third');

    // Rename: the name is the user's, kept in the report, shown in the pickers.
    await allFramesText(join(workspace, 'evaluation-rename-click.txt'), '#rename');
    await atKeyboard(join(workspace, 'ui-rename.txt'), {
      selector: '.quick-input-widget',
      text: 'Rename the evaluation run',
      keys: [{ press: 'Control+a' }, { type: 'names fixed' }, { press: 'Enter' }],
    });
    let renamed = '';
    for (let attempt = 0; attempt < 10 && !renamed.includes('names fixed'); attempt++) {
      renamed = await allFramesText(join(workspace, `evaluation-renamed-${attempt}.txt`));
    }
    assert.match(renamed, /names fixed — 100\.0% \(3\)/);
    assert.equal(JSON.parse(readFileSync(second, 'utf8')).name, 'names fixed');
    assert.match(readFileSync(second, 'utf8'), /^\{\s*"settings"/, 'still known as a report of Quarry\'s');
  });

  test('while an evaluation runs, the panel names it and shows its progress; finished, it is the candidate, scored by the rule chosen', async () => {
    await useTinyModel();
    const db = spiderDb('concert_singer');
    const dataset = join(workspace, 'progress.jsonl');
    const total = 8;
    // The model's answers are scored one by one as they come (a predictions file is scored in batches of 64).
    const questions = ['How many singers are there?', 'Names of singers', 'Countries of singers', 'Ages of singers', 'How many concerts?', 'Names of stadiums', 'Capacity of stadiums', 'Themes of concerts'];
    writeFileSync(dataset, questions.map((question) => JSON.stringify({ question, sql: 'SELECT count(*) FROM singer', db })).join('\n'));
    const running = vscode.commands.executeCommand<string>('quarry.runEvaluation', { dataset, useModel: true, metrics: ['spider-exec', 'bird-ex'] });
    const progress = /Running llama-2-tiny-random\.gguf on progress\.jsonl: [1-7]\/8, [\d.]+% so far/;
    const during = await framesShowing(join(workspace, 'evaluation-running.txt'), progress, 40);
    assert.match(during, progress);
    assert.doesNotMatch(during, /No evaluation runs yet/);
    const report = await running;
    const saved = JSON.parse(readFileSync(report, 'utf8'));
    assert.equal(saved.examples.length, total);
    assert.deepEqual(saved.settings.metrics, ['spider-exec', 'bird-ex'], 'recorded as `quarry eval --metric` records it');
    assert.deepEqual(Object.keys(saved.summary.metrics).sort(), ['bird-ex', 'spider-exec']);
    const after = await framesShowing(join(workspace, 'evaluation-ran.txt'), /Candidate \(B\)[\s\S]*llama-2-tiny-random\.gguf on progress\.jsonl/);
    assert.doesNotMatch(after, /Running llama-2-tiny-random/, 'the progress line goes when the run is done');
    assert.match(after, /Scored by\s+EX \(Spider\)\s+EX \(Spider\)/, 'the headline is the rule chosen first, as the baseline\'s: comparable');
    assert.match(after, /EX \(BIRD\)\s+–\s+\d+\.\d%/, 'the second rule\'s figure, which the baseline was not scored by');
  });

  test('Run Evaluation by hand: the dataset, the predictions and the rules to score by, picked at the keyboard', async () => {
    const dataset = join(workspace, 'by-hand.jsonl');
    const db = spiderDb('concert_singer');
    writeFileSync(dataset, [{ question: 'How many singers?', sql: 'SELECT count(*) FROM singer', db }, { question: 'Their names', sql: 'SELECT Name FROM singer', db }].map((line) => JSON.stringify(line)).join('\n'));
    const predictions = join(workspace, 'by-hand-predictions.sql');
    writeFileSync(predictions, 'SELECT count(*) FROM singer\nSELECT Name FROM singer ORDER BY Name\n');
    const quickInput = '.quick-input-widget';
    const running = vscode.commands.executeCommand<string | undefined>('quarry.runEvaluation');
    await atKeyboard(join(workspace, 'ui-eval-1-kind.txt'), { selector: quickInput, text: 'Evaluate on', keys: [{ type: 'Quarry JSONL' }, { settle: true }, { press: 'Enter' }] });
    await atKeyboard(join(workspace, 'ui-eval-2-dataset.txt'), { selector: quickInput, text: 'Use Dataset', keys: [{ press: 'Control+a' }, { paste: dataset }, { settle: true }, { press: 'Enter' }] });
    await atKeyboard(join(workspace, 'ui-eval-3-source.txt'), { selector: quickInput, text: 'one SQL per line', keys: [{ type: 'Predictions file' }, { settle: true }, { press: 'Enter' }] });
    await atKeyboard(join(workspace, 'ui-eval-4-predictions.txt'), { selector: quickInput, text: 'Use Predictions', keys: [{ press: 'Control+a' }, { paste: predictions }, { settle: true }, { press: 'Enter' }] });
    // Spider's rule is ticked already; the one below it (BIRD's) is ticked too: the first ArrowDown goes from the input to the list.
    const rules = await atKeyboard(join(workspace, 'ui-eval-5-metrics.txt'), { selector: quickInput, text: 'Score by', keys: [{ settle: true }, { press: 'ArrowDown' }, { press: 'ArrowDown' }, { press: 'Space' }, { press: 'Enter' }] });
    assert.match(rules, /EX \(Spider\)[\s\S]*Spider's test-suite evaluator[\s\S]*EX \(BIRD\)[\s\S]*set\(predicted rows\) == set\(gold rows\)/);
    const report = await running;
    assert.ok(report, 'the run finished');
    const saved = JSON.parse(readFileSync(report, 'utf8'));
    assert.deepEqual(saved.settings.metrics, ['spider-exec', 'bird-ex']);
    assert.equal(saved.summary.metrics['spider-exec'], 1);
    assert.equal(saved.summary.metrics['bird-ex'], 1, 'BIRD\'s rule too: ORDER BY changes no set');
  });

  test('the panel shows the OpenFlights before and after side by side: the model and its adapter, EX, correct, crashing queries, the flips', async () => {
    // The card's own runs (models/README.md), as `quarry eval` wrote them; the expected figures are counted here from the files.
    const before = join(PROJECT_ROOT, 'models', 'openflights-eval', 'base.json');
    const after = join(PROJECT_ROOT, 'models', 'openflights-eval', 'base+adapter.json');
    type Run = { examples: { index: number; execMatch?: 0 | 1; predError?: string }[] };
    const [a, b] = [before, after].map((file) => JSON.parse(readFileSync(file, 'utf8')) as Run);
    const figures = (run: Run) => {
      const scored = run.examples.filter((e) => e.execMatch !== undefined);
      const correct = scored.filter((e) => e.execMatch === 1).length;
      const crashed = scored.filter((e) => e.predError).length;
      const pct = (n: number) => `${((100 * n) / scored.length).toFixed(1)}%`;
      return { ex: pct(correct), correct: `${correct} of ${scored.length}`, crashed: `${crashed} (${pct(crashed)})` };
    };
    const [x, y] = [figures(a!), figures(b!)];
    const gained = b!.examples.filter((e, i) => e.execMatch === 1 && a!.examples[i]!.execMatch === 0).length;
    const lost = b!.examples.filter((e, i) => e.execMatch === 0 && a!.examples[i]!.execMatch === 1).length;
    await vscode.commands.executeCommand('quarry.openEvaluation', before, after);
    let shown = '';
    for (let attempt = 0; attempt < 20 && !shown.includes('openflights.lora.gguf'); attempt++) {
      shown = await allFramesText(join(workspace, `evaluation-openflights-${attempt}.txt`));
    }
    const cells = (...texts: string[]) => new RegExp(texts.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s+'));
    assert.match(shown, cells('Model', 'quarry-mini-sql.gguf', 'quarry-mini-sql.gguf + quarry-mini-sql-openflights.lora.gguf'));
    assert.match(shown, cells('Execution accuracy', x.ex, y.ex));
    assert.match(shown, cells('Correct', x.correct, y.correct));
    assert.match(shown, cells('Crashing queries', x.crashed, y.crashed));
    assert.match(shown, cells('Flipped', `${gained} gained, ${lost} lost`));
    assert.equal((shown.match(/\b(gained|lost)\b/g) ?? []).length, 2 + gained + lost, 'the Flipped row\'s two words, then each flipped question marked in the table');
  });

  test('a run with several samples a question: the panel shows pass@K and maj@K beside the headline, and a question\'s samples with their vote groups', async () => {
    // A report in the shape `quarry eval --predictions a.sql --predictions b.sql --predictions c.sql` writes (the CLI's own tests check the figures).
    const example = (index: number, samples: { sql: string; right: 0 | 1; group: number | null }[]) => ({
      index,
      db_id: 'concert_singer',
      dbPath: spiderDb('concert_singer'),
      question: `Question ${index}`,
      goldSql: 'SELECT count(*) FROM singer',
      hardness: 'easy',
      predSql: samples[0]!.sql,
      execMatch: samples[0]!.right,
      scores: { 'bird-ex': samples[0]!.right, 'spider-exec': samples[0]!.right },
      samples: samples.map((s) => ({ sql: s.sql, scores: { 'bird-ex': s.right, 'spider-exec': s.right }, group: s.group })),
      passAtK: { 'bird-ex': samples.some((s) => s.right) ? 1 : 0, 'spider-exec': samples.some((s) => s.right) ? 1 : 0 },
      majAtK: { 'bird-ex': samples[1]!.right, 'spider-exec': samples[1]!.right },
      ms: 1,
    });
    const examples = [
      example(0, [{ sql: 'SELECT 1', right: 0, group: 0 }, { sql: 'SELECT count(*) FROM singer', right: 1, group: 1 }, { sql: 'SELECT count(Name) FROM singer', right: 1, group: 1 }]),
      example(1, [{ sql: 'SELECT nope', right: 0, group: null }, { sql: 'SELECT 2', right: 0, group: 0 }, { sql: 'SELECT 2', right: 0, group: 0 }]),
    ];
    const level = { count: 0, execAccuracy: 0, metrics: {} };
    const report = {
      settings: { metrics: ['bird-ex'], timeoutMs: 30000, predictions: ['a.sql', 'b.sql', 'c.sql'] },
      summary: {
        total: 2, evaluated: 2, skipped: 0, execAccuracy: 0, metrics: { 'bird-ex': 0, 'spider-exec': 0 }, metricLabels: { 'bird-ex': 'EX (BIRD)', 'spider-exec': 'EX (Spider)' },
        byHardness: { easy: { count: 2, execAccuracy: 0, metrics: { 'bird-ex': 0 } }, medium: level, hard: level, extra: level, unknown: level },
        crashRate: 0.5, timeouts: 0, rescuedByCorrection: 0, skippedExamples: [], seconds: 1, samples: 3, passAtK: { 'bird-ex': 0.5, 'spider-exec': 0.5 }, majAtK: { 'bird-ex': 0.5, 'spider-exec': 0.5 },
      },
      examples,
    };
    const file = join(workspace, 'samples-report.json');
    writeFileSync(file, JSON.stringify(report));
    await vscode.commands.executeCommand('quarry.openEvaluation', file);
    let shown = '';
    for (let attempt = 0; attempt < 10 && !shown.includes('vote groups'); attempt++) {
      shown = await allFramesText(join(workspace, `evaluation-samples-${attempt}.txt`), 'tr.example');
    }
    assert.match(shown, /Scored by\s+EX \(BIRD\)/);
    assert.match(shown, /pass@3\s+50\.0%/);
    assert.match(shown, /maj@3\s+50\.0%/);
    assert.match(shown, /Samples \(3\) and their vote groups[\s\S]*1\. SELECT 1\s+group 1 · wrong[\s\S]*2\. SELECT count\(\*\) FROM singer\s+group 2 · right[\s\S]*3\. SELECT count\(Name\) FROM singer\s+group 2 · right/);

    // A run scored by Spider's rule beside it: not set side by side, and the panel says why.
    const spiderRun = join(workspace, 'samples-report-spider.json');
    writeFileSync(spiderRun, JSON.stringify({ ...report, settings: { ...report.settings, metrics: ['spider-exec'] }, summary: { ...report.summary, metrics: { 'spider-exec': 0, 'bird-ex': 0 } } }));
    await vscode.commands.executeCommand('quarry.openEvaluation', file, spiderRun);
    let refused = '';
    for (let attempt = 0; attempt < 10 && !refused.includes('not comparable'); attempt++) {
      refused = await allFramesText(join(workspace, `evaluation-incomparable-${attempt}.txt`));
    }
    assert.match(refused, /A is scored by bird-ex and B by spider-exec: their numbers are not comparable/);
    assert.doesNotMatch(refused, /A → B/, 'no side-by-side table');
  });

  test('Build Dataset from Query History writes the dataset and its manifest', async () => {
    // A dataset is for a model that writes SQL itself: kept queries are those the sql grammar can write.
    await vscode.workspace.getConfiguration('quarry').update('model.grammar', 'sql', vscode.ConfigurationTarget.Workspace);
    const history = join(workspace, 'history.sql');
    writeFileSync(history, '-- How many singers?\nSELECT count(*) FROM singer;\nDELETE FROM singer;\nSELECT Name FROM stadium;\n');
    const out = join(workspace, 'dataset');
    const target = await vscode.commands.executeCommand<string>('quarry.buildDataset', {
      connection: spiderDb('concert_singer'),
      histories: [history],
      out,
      schemaOnly: false,
      questions: 'history',
    });
    assert.equal(target, out);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.equal(manifest.counts.statements, 3);
    assert.equal(manifest.counts.kept, 1, 'a query with no question is no example');
    assert.equal(manifest.counts.dropped['write statement'], 1);
    assert.equal(manifest.counts.dropped['no question'], 1);
    assert.equal(manifest.settings.grammar, 'sql', 'the grammar setting reaches the build');
  });

  test('the query history keeps every Ask and Run (a row count, never a row), finds, runs again, takes corrections, and teaches: a dataset from it, examples for the next Ask', async () => {
    const api = await activateQuarry();
    const path = spiderDb('concert_singer');
    const run = api.history.list().find((e) => e.kind === 'run' && e.sql === 'SELECT Name, Age FROM singer ORDER BY Age');
    assert.ok(run, api.history.list().map((e) => e.sql).join('\n'));
    assert.deepEqual([run.connection, run.rows, run.error], [path, 6, null]);
    assert.ok(run.ms !== null && run.ms >= 0);
    const failed = api.history.list().find((e) => e.kind === 'run' && e.sql.startsWith('SELECT nme FROM singer'));
    assert.match(failed?.error ?? '', /no such column: nme/);
    const ask = api.history.list().find((e) => e.kind === 'ask' && e.question === 'How many concerts are there?');
    assert.ok(ask, 'the Ask is kept with its question');
    assert.equal(ask.connection, path);

    // The view, searched from its title bar.
    await vscode.commands.executeCommand('quarry.searchHistory', 'age SINGER');
    assert.ok(api.history.list().length > 0 && api.history.list().every((e) => /age/i.test(e.sql + (e.question ?? '')) && /singer/i.test(e.sql + (e.question ?? ''))));
    await vscode.commands.executeCommand('quarry.history.focus');
    const shown = await sideBarText(join(workspace, 'side-bar-history.txt'));
    assert.match(shown, /\nHistory\n[\s\S]*SELECT Name, Age FROM singer ORDER BY Age\s*concert_singer\.sqlite · 6 rows/);
    await vscode.commands.executeCommand('quarry.clearHistoryFilter');

    // Run again: its rows in the panel, and one more entry.
    const before = api.history.list().length;
    const again = await vscode.commands.executeCommand<ResultsView>('quarry.runHistoryEntry', { id: run.id });
    assert.equal(again?.kind === 'rows' && again.rows.length, 6);
    assert.equal(api.history.list().length, before + 1);

    // A corrected answer is vouched for: a dataset takes it as corrected, and the next Ask sees it as an example.
    await vscode.commands.executeCommand('quarry.correctAnswer', { id: ask.id }, { sql: 'SELECT count(*) FROM concert' });
    assert.deepEqual(api.history.vouchedPairs(path).find((p) => p.question === 'How many concerts are there?'), { question: 'How many concerts are there?', sql: 'SELECT count(*) FROM concert', db: path });
    const out = join(workspace, 'dataset-from-history');
    await vscode.commands.executeCommand<string>('quarry.buildDataset', { connection: path, histories: [api.history.path], out, schemaOnly: false, questions: 'history' });
    const built = ['train', 'test'].flatMap((split) => readFileSync(join(out, split, 'quarry.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { question: string; sql: string }));
    assert.ok(built.some((e) => e.question === 'How many concerts are there?' && e.sql === 'SELECT count(*) FROM concert'), JSON.stringify(built));
    const config = vscode.workspace.getConfiguration('quarry');
    await config.update('context.examples', 'on', vscode.ConfigurationTarget.Workspace);
    try {
      const next = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: path, question: 'How many concerts were held?' });
      assert.ok(next?.context.examples.some((e) => e.question === 'How many concerts are there?' && e.sql === 'SELECT count(*) FROM concert'), JSON.stringify(next?.context.examples));
    } finally {
      await config.update('context.examples', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await vscode.commands.executeCommand('quarry.markAnswerWrong', { id: ask.id });
    assert.equal(api.history.get(ask.id)?.feedback, 'wrong');
    await vscode.commands.executeCommand('quarry.deleteHistoryEntry', { id: ask.id });
    assert.equal(api.history.get(ask.id), undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('without the model: Select Top 100, Copy Name and Show DDL on a table; the schema in the suggest widget (alias. gives its columns); Format SQL', async () => {
    const api = await activateQuarry();
    const path = spiderDb('concert_singer');
    const connection = api.connections.get(path)!;
    const singer = connection.schema!.tables.find((t) => t.name === 'singer')!;
    const node = { kind: 'table' as const, connection, table: singer };
    const top = await vscode.commands.executeCommand<ResultsView>('quarry.selectTopRows', node);
    assert.equal(top?.kind === 'rows' && top.rows.length, 6);
    assert.equal(vscode.window.activeTextEditor?.document.getText(), 'SELECT * FROM singer LIMIT 100;\n');
    assert.match(await framesShowing(join(workspace, 'select-top.txt'), /6 rows · [\d.]+ ms[\s\S]*Joe Sharp/), /Joe Sharp/);
    await vscode.commands.executeCommand('quarry.copyName', node);
    assert.equal(await vscode.env.clipboard.readText(), 'singer');
    await vscode.commands.executeCommand('quarry.copyName', { kind: 'column', table: singer, column: singer.columns.find((c) => c.name === 'Song_release_year')! });
    assert.equal(await vscode.env.clipboard.readText(), 'Song_release_year');
    const ddl = await vscode.commands.executeCommand<string>('quarry.showTableDdl', node);
    assert.match(ddl ?? '', /^CREATE TABLE singer \(\n  Singer_ID INT PRIMARY KEY,\n  Name TEXT, -- e\.g\. 'Joe Sharp'/);

    // Completion from the schema: at once, with no model (the model is not even asked).
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT s. FROM singer AS s;\nSELECT  FROM concert' });
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('quarry.chooseSqlConnection', document.uri, path);
    const labels = async (line: number, character: number) => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(line, character));
      return list.items.filter((i) => i.kind === vscode.CompletionItemKind.Field || i.kind === vscode.CompletionItemKind.Class).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    };
    const afterAlias = await labels(0, 9);
    assert.deepEqual(afterAlias.sort(), singer.columns.map((c) => c.name).sort(), 'after s. the columns of singer, and nothing else of the schema');
    const inSelect = await labels(1, 7);
    for (const label of ['concert_Name', 'Theme', 'singer', 'stadium', 'singer.Name']) assert.ok(inSelect.includes(label), `${label} in ${inSelect.join(', ')}`);

    // Format SQL: the file laid out clause by clause, in the file's dialect.
    const messy = await vscode.workspace.openTextDocument({ language: 'sql', content: 'select name,age from singer where age>30 order by age' });
    await vscode.window.showTextDocument(messy);
    await vscode.commands.executeCommand('quarry.chooseSqlConnection', messy.uri, path);
    await vscode.commands.executeCommand('quarry.formatSql');
    assert.equal(messy.getText(), 'select\n  name,\n  age\nfrom\n  singer\nwhere\n  age > 30\norder by\n  age\n');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Fix with Quarry: a statement the database rejects has a quick fix; the fix, through the correction path, comes as a diff and, accepted, replaces the statement', async () => {
    await activateQuarry();
    await useTinyModel();
    const path = spiderDb('concert_singer');
    const file = join(workspace, 'fix.sql');
    writeFileSync(file, 'SELECT 1;\n\n-- the names of the singers\nSELECT nme FROM singer;\n');
    const document = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('quarry.chooseSqlConnection', document.uri, path);
    editor.selection = new vscode.Selection(3, 8, 3, 8);
    assert.equal((await vscode.commands.executeCommand<ResultsView>('quarry.runQuery'))?.kind, 'error');
    const [diagnostic] = vscode.languages.getDiagnostics(document.uri);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, diagnostic!.range);
    const fix = actions.find((a) => a.title === 'Fix with Quarry');
    assert.ok(fix?.command, actions.map((a) => a.title).join(', '));
    const fixing = vscode.commands.executeCommand<string>(fix.command.command, ...(fix.command.arguments ?? []));
    await vscode.commands.executeCommand('notifications.showList');
    const asked = await atKeyboard(join(workspace, 'ui-fix-accept.txt'), { selector: '.notifications-center', text: 'Replace the statement with it?', keys: [{ click: 'Accept' }] });
    assert.match(asked, /The fix (runs|still fails)/);
    assert.equal(await fixing, 'accepted');
    const text = document.getText();
    assert.match(text, /^SELECT 1;\n\n-- the names of the singers\n/, 'only the statement is replaced');
    assert.doesNotMatch(text, /\bnme\b/);
    await document.save();
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Explain: a model that writes SQL only is named as such, not asked for prose; a chat model\'s explanation opens beside the SQL', async () => {
    const api = await activateQuarry();
    await useTinyModel();
    api.models.reset();
    const document = await vscode.workspace.openTextDocument({ language: 'sql', content: 'SELECT Name FROM singer WHERE Age > 30' });
    await vscode.window.showTextDocument(document);
    await vscode.commands.executeCommand('quarry.chooseSqlConnection', document.uri, spiderDb('concert_singer'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.deepEqual(lenses.map((l) => l.command?.title), ['$(play) Run Query', 'Explain']);
    assert.equal(await vscode.commands.executeCommand('quarry.explainQuery', { uri: document.uri.toString(), offset: 0 }), undefined);
    await vscode.commands.executeCommand('notifications.showList');
    const refused = await atKeyboard(join(workspace, 'ui-explain-no-chat.txt'), { selector: '.notifications-center', text: 'Explain needs a chat model' });
    assert.match(refused, /Explain needs a chat model; llama-2-tiny-random\.gguf writes SQL only/);
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');

    const server = await startOpenAiCompatibleServer({ api: 'vllm', modelName: 'm' });
    try {
      assert.equal(await vscode.commands.executeCommand<boolean>('quarry.selectModel', { endpoint: server.url, api: 'vllm', modelName: 'm', apiKey: '' }), true);
      const explanation = await vscode.commands.executeCommand<string>('quarry.explainQuery', { uri: document.uri.toString(), offset: 0 });
      assert.ok(explanation && explanation.length > 0);
      // Inline completion may warm its prompt on the bound file first: the Explain request is the one that says so.
      const sent = server.requests.find((r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes('Explain this query'));
      assert.match(JSON.stringify(sent?.body), /Explain this query:\\nSELECT Name FROM singer WHERE Age > 30/);
      assert.match(JSON.stringify(sent?.body), /CREATE TABLE singer/);
      assert.doesNotMatch(JSON.stringify(sent?.body), /CREATE TABLE stadium/, 'only the tables the query names');
      const page = vscode.workspace.textDocuments.find((d) => d.languageId === 'markdown' && d.getText().startsWith('# What this query does'));
      assert.ok(page?.getText().includes(explanation));
    } finally {
      await forgetRemoteModel(api, server);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('Ask a Follow-up: the chain starts at an Ask (shown in the status bar), the request goes with the earlier question and SQL as chat turns, the answer replaces the last one or goes below, Reset ends it', async () => {
    const api = await activateQuarry();
    const path = spiderDb('concert_singer');
    await vscode.commands.executeCommand('quarry.resetFollowUps');
    assert.equal(await vscode.commands.executeCommand('quarry.askFollowUp', { question: 'only for France' }), undefined, 'no chain: nothing to follow');
    const server = await startOpenAiCompatibleServer({ api: 'vllm', modelName: 'm' });
    const config = vscode.workspace.getConfiguration('quarry');
    try {
      await config.update('model.promptFormat', 'qwen-coder', vscode.ConfigurationTarget.Workspace);
      assert.equal(await vscode.commands.executeCommand<boolean>('quarry.selectModel', { endpoint: server.url, api: 'vllm', modelName: 'm', apiKey: '' }), true);
      const document = await vscode.workspace.openTextDocument({ language: 'sql', content: '' });
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('quarry.chooseSqlConnection', document.uri, path);
      const first = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: path, question: 'How many singers are there?' });
      assert.ok(first, 'answered');
      assert.match(document.getText(), /^-- How many singers are there\?\n/);
      await atKeyboard(join(workspace, 'ui-follow-up-start.txt'), { selector: '.statusbar', text: 'How many singers are there?' });

      const followed = await vscode.commands.executeCommand<AskResult>('quarry.askFollowUp', { question: 'only for France', placement: 'replace' });
      assert.ok(followed, 'answered');
      const sent = (request: string) => server.requests.filter((r) => r.path === '/v1/chat/completions' && JSON.stringify(r.body).includes(`Follow-up: ${request}`))[0];
      const messages = sent('only for France')?.body?.messages as { role: string; content: string }[];
      assert.deepEqual(messages.map((m) => m.role), ['user', 'assistant', 'user', 'assistant'], 'the first question, its answer, the request, the answer begun');
      assert.match(messages[0]!.content, /CREATE TABLE singer[\s\S]*Question: How many singers are there\?/);
      assert.equal(messages[1]!.content, `\`\`\`sql\n${first.sql.trim()}\n\`\`\``);
      assert.match(messages[2]!.content, /^Follow-up: only for France\n/);
      assert.match(document.getText(), /^-- How many singers are there\? → only for France\n/, 'the last answer replaced');
      assert.doesNotMatch(document.getText(), /^-- How many singers are there\?\n/m);

      await vscode.commands.executeCommand<AskResult>('quarry.askFollowUp', { question: 'and their names', placement: 'add' });
      assert.deepEqual((sent('and their names')?.body?.messages as { role: string }[]).map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
      assert.match(document.getText(), /^-- How many singers are there\? → only for France\n[\s\S]*\n-- How many singers are there\? → only for France → and their names\n/, 'added below, the chain in its comment');

      assert.equal(await vscode.commands.executeCommand('quarry.resetFollowUps'), true);
      const requests = server.requests.length;
      assert.equal(await vscode.commands.executeCommand('quarry.askFollowUp', { question: 'only the oldest' }), undefined, 'reset: nothing to follow');
      assert.equal(server.requests.filter((r) => JSON.stringify(r.body ?? '').includes('only the oldest')).length, 0, `the model was not asked (${server.requests.length - requests} requests since)`);
    } finally {
      await forgetRemoteModel(api, server, ['model.promptFormat']);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });

  test('Build Dataset by hand: connection, history file, options and folder picked at the keyboard', async () => {
    // Kept queries are those the sql grammar can write (tests before may have left the narrow one set).
    await vscode.workspace.getConfiguration('quarry').update('model.grammar', 'sql', vscode.ConfigurationTarget.Workspace);
    const history = join(workspace, 'history.sql');
    const parent = join(workspace, 'by-hand');
    mkdirSync(parent);
    const quickInput = '.quick-input-widget';
    const running = vscode.commands.executeCommand<string | undefined>('quarry.buildDataset');
    const connections = await atKeyboard(join(workspace, 'ui-1-connection.txt'), {
      selector: quickInput,
      text: 'History of which database?',
      keys: [{ type: 'concert' }, { press: 'Enter' }],
    });
    assert.match(connections, /concert_singer\.sqlite[\s\S]*openflights\.duckdb/);
    const sources = await atKeyboard(join(workspace, 'ui-2-source.txt'), {
      selector: quickInput,
      text: 'Where the history comes from',
      keys: [{ type: 'History or server log' }, { settle: true }, { press: 'Enter' }],
    });
    assert.match(sources, /Quarry's query history[\s\S]*History or server log files/);
    // The browser has no native dialog: VS Code's own file dialog takes a typed path.
    await atKeyboard(join(workspace, 'ui-2-history.txt'), {
      selector: quickInput,
      text: 'Query history files',
      keys: [{ press: 'Control+a' }, { paste: history }, { settle: true }, { press: 'Enter' }],
    });
    const options = await atKeyboard(join(workspace, 'ui-3-options.txt'), {
      selector: quickInput,
      text: 'Dataset options',
      keys: [{ press: 'ArrowDown' }, { press: 'Space' }, { press: 'Enter' }],
    });
    assert.match(options, /Schema only[\s\S]*Write missing questions with the model/);
    await atKeyboard(join(workspace, 'ui-4-folder.txt'), {
      selector: quickInput,
      text: 'Where to write the dataset',
      keys: [{ press: 'Control+a' }, { paste: `${parent}/` }, { settle: true }, { press: 'Enter' }],
    });
    const target = await running;
    assert.equal(target, join(parent, 'quarry-dataset-concert_singer'));
    const manifest = JSON.parse(readFileSync(join(target!, 'manifest.json'), 'utf8'));
    assert.equal(manifest.settings.schemaOnly, true, 'the option ticked in the quick pick');
    assert.equal(manifest.database, 'synthetic.sqlite (schema only)');
    assert.equal(manifest.counts.kept, 1);
    // A toast hides after a while in an unfocused headless window; the notification list keeps it.
    await vscode.commands.executeCommand('notifications.showList');
    const toast = await atKeyboard(join(workspace, 'ui-5-summary.txt'), { selector: '.notifications-center', text: '1 example (train 1, test 0) from 3 statements' });
    assert.match(toast, /dropped 1 write statement, 1 no question/, 'the message says why statements were left out');
    assert.match(toast, /Open Folder/);
    assert.match(toast, /Why Dropped/);
    assert.doesNotMatch(toast, /Evaluate a Model/, 'no test split to evaluate on');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('notifications.hideList');

    // Picking the same parent again: the earlier dataset is not replaced without asking.
    const picks = { connection: spiderDb('concert_singer'), histories: [history], schemaOnly: false, questions: 'history' };
    const beside = vscode.commands.executeCommand<string | undefined>('quarry.buildDataset', picks);
    await atKeyboard(join(workspace, 'ui-6-folder.txt'), {
      selector: quickInput,
      text: 'Where to write the dataset',
      keys: [{ press: 'Control+a' }, { paste: `${parent}/` }, { settle: true }, { press: 'Enter' }],
    });
    const asked = await atKeyboard(join(workspace, 'ui-7-replace.txt'), { selector: quickInput, text: 'already holds a dataset', keys: [{ type: 'beside' }, { settle: true }, { press: 'Enter' }] });
    assert.match(asked, /quarry-dataset-concert_singer already holds a dataset\. Replace it\?[\s\S]*Write beside it, as quarry-dataset-concert_singer-2[\s\S]*Replace it/);
    assert.equal(await beside, join(parent, 'quarry-dataset-concert_singer-2'));
    assert.equal(JSON.parse(readFileSync(join(target!, 'manifest.json'), 'utf8')).settings.schemaOnly, true, 'the first dataset is untouched');

    // Picking the dataset folder itself writes it there, not into a new folder nested inside it; Replace says so.
    const replaced = vscode.commands.executeCommand<string | undefined>('quarry.buildDataset', picks);
    await atKeyboard(join(workspace, 'ui-8-folder.txt'), {
      selector: quickInput,
      text: 'Where to write the dataset',
      keys: [{ press: 'Control+a' }, { paste: `${target!}/` }, { settle: true }, { press: 'Enter' }],
    });
    await atKeyboard(join(workspace, 'ui-9-replace.txt'), { selector: quickInput, text: 'already holds a dataset', keys: [{ type: 'Replace it' }, { settle: true }, { press: 'Enter' }] });
    assert.equal(await replaced, target);
    assert.equal(JSON.parse(readFileSync(join(target!, 'manifest.json'), 'utf8')).settings.schemaOnly, false, 'replaced by the new build');
    assert.ok(!existsSync(join(target!, 'quarry-dataset-concert_singer')), 'nothing nested');
  });

  test('the Databases view shows the connections and their tables on screen', async () => {
    const api = await activateQuarry();
    await vscode.commands.executeCommand('quarry.databases.focus');
    // Each connection opened one level, whatever tests before left open (a double-click opens a table's columns).
    await vscode.commands.executeCommand('workbench.actions.treeView.quarry.databases.collapseAll');
    for (const connection of rowsUnder(api)) await api.databasesView.reveal(connection.node, { expand: true, select: false, focus: false });
    const shown = await sideBarText(join(workspace, 'side-bar-first-window.txt'));
    for (const text of ['DATABASES', 'concert_singer.sqlite', 'stadium', '9 rows', 'openflights.duckdb', 'airports', '7698 rows']) {
      assert.ok(shown.toUpperCase().includes(text.toUpperCase()), `"${text}" is not on screen:\n${shown}`);
    }
  });

  test('a Postgres server connects by URL, its password into SecretStorage; the view shows schemas → tables, and Ask writes SQL that runs there', async () => {
    const api = await activateQuarry();
    const url = process.env.QUARRY_TEST_PG_URL!;
    const password = process.env.QUARRY_TEST_PG_PASSWORD!;
    const config = vscode.workspace.getConfiguration('quarry');
    for (const [key, value] of [['model.source', TINY_MODEL], ['model.threads', 1], ['model.gpu', 'off'], ['model.grammar', 'narrow']] as const) {
      await config.update(key, value, vscode.ConfigurationTarget.Workspace);
    }
    // A password in the query string moves to SecretStorage as one in the user part does.
    await vscode.commands.executeCommand('quarry.connectDatabase', { url: `${process.env.QUARRY_TEST_PG_FIXTURE_URL!}?password=${encodeURIComponent(password)}` });
    await vscode.commands.executeCommand('quarry.connectDatabase', { url: url.replace('postgres@', `postgres:${password}@`) });
    assert.ok(api.connections.get(process.env.QUARRY_TEST_PG_FIXTURE_URL!)?.schema, 'the fixture connected, kept under its URL without the password');
    // Kept under the URL without its password, the password itself only in SecretStorage.
    const concert = api.connections.get(url);
    assert.ok(concert?.schema, concert?.error?.message ?? 'the server connected');
    assert.ok(api.connections.list().every((c) => !c.path.includes(password)));
    const rows = rowsUnder(api).filter((r) => r.node.kind === 'connection' && r.node.connection.path.startsWith('postgresql://'));
    assert.deepEqual(rows.map((r) => r.row.label).sort(), ['concert_singer', 'quarry_fixture']);
    assert.match(rows.find((r) => r.row.label === 'concert_singer')!.row.description, /^postgres · 127\.0\.0\.1:\d+$/);
    const fixture = rows.find((r) => r.row.label === 'quarry_fixture')!;
    const schemas = rowsUnder(api, fixture.node);
    assert.deepEqual(schemas.map((s) => `${s.row.label} (${s.row.description})`), ['public (5 tables)', 'sales (2 tables)']);
    assert.deepEqual(rowsUnder(api, schemas[1]!.node).map((t) => t.row.label), ['orders', 'big_orders']);
    // Copy Name quotes what Postgres finds only quoted: a table's and a column's capitals.
    const shipments = rowsUnder(api, schemas[0]!.node).find((t) => t.row.label === 'Shipments')!;
    assert.equal(await vscode.commands.executeCommand('quarry.copyName', shipments.node), '"Shipments"');
    const carrier = rowsUnder(api, shipments.node).find((c) => c.row.label === 'Carrier')!;
    assert.equal(await vscode.commands.executeCommand('quarry.copyName', carrier.node), '"Carrier"');

    const result = await vscode.commands.executeCommand<AskResult>('quarry.askInEnglish', { connection: url, question: 'How many singers do we have?' });
    assert.ok(result?.valid, JSON.stringify(result?.attempts));
    assert.ok(Array.isArray((await api.connections.get(url)!.db!.query(result.sql)).rows));

    // The extension host has no PGPASSWORD: evaluation and dataset building find the password in SecretStorage.
    assert.equal(process.env.PGPASSWORD, undefined);
    const dataset = join(workspace, 'pg.jsonl');
    writeFileSync(dataset, `${JSON.stringify({ question: 'How many singers?', sql: 'SELECT count(*) FROM singer', db: url })}\n`);
    const predictions = join(workspace, 'pg-predictions.sql');
    writeFileSync(predictions, 'SELECT count(*) FROM singer\n');
    const report = await vscode.commands.executeCommand<string>('quarry.runEvaluation', { dataset, predictions });
    const summary = JSON.parse(readFileSync(report, 'utf8')).summary;
    assert.deepEqual([summary.evaluated, summary.execAccuracy], [1, 1], JSON.stringify(summary.skippedExamples));
    const history = join(workspace, 'pg-history.sql');
    writeFileSync(history, '-- How many singers?\nSELECT count(*) FROM singer;\nUPDATE singer SET age = age;\n-- The names of the stadiums\nSELECT name FROM stadium;\n');
    const out = join(workspace, 'pg-dataset');
    await config.update('model.grammar', 'sql', vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand<string>('quarry.buildDataset', { connection: url, histories: [history], out, schemaOnly: false, questions: 'history' });
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    assert.deepEqual([manifest.counts.kept, manifest.counts.dropped['write statement'], manifest.database], [2, 1, url]);

    // Nothing an Ask, an evaluation or a dataset build wrote, nor the log, holds the password.
    const written = [report, `${report}.progress.jsonl`, ...filesUnder(out), ...filesUnder(dirname(api.logFolder)).filter((f) => f.endsWith('.log'))];
    assert.ok(written.some((f) => f.endsWith('Quarry.log')), `the Quarry log is among ${written.join(', ')}`);
    for (const file of written.filter((f) => existsSync(f))) assert.ok(!readFileSync(file, 'utf8').includes(password), `${file} holds the password`);

    await vscode.commands.executeCommand('quarry.disconnectDatabase', { kind: 'connection', connection: api.connections.get(url)! });
    await vscode.commands.executeCommand('quarry.disconnectDatabase', { kind: 'connection', connection: api.connections.get(process.env.QUARRY_TEST_PG_FIXTURE_URL!)! });
    assert.equal(api.connections.get(url), undefined);
  });
});

/** After a test that chose a model server: its settings cleared wherever set, the model forgotten, the server stopped. */
async function forgetRemoteModel(api: Awaited<ReturnType<typeof activateQuarry>>, server: { close(): Promise<void> }, moreKeys: string[] = []): Promise<void> {
  const config = vscode.workspace.getConfiguration('quarry');
  for (const key of ['model.endpoint', 'model.name', 'model.api', ...moreKeys]) {
    await config.update(key, undefined, vscode.ConfigurationTarget.Global);
    await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
  }
  api.models.reset();
  await server.close();
}

/** The page's frames once one of them shows `text` (a webview beside the editor loads a moment after its panel opens). */
async function framesShowing(file: string, text: RegExp, tries = 8): Promise<string> {
  let shown = '';
  for (let i = 0; i < tries; i++) {
    shown = await allFramesText(`${file}.${i}`);
    if (text.test(shown)) return shown;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return shown;
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
