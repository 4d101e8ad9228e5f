import { basename, extname } from 'node:path';
import * as vscode from 'vscode';
import { detectDialect, isUrlTarget } from '../../core/db/databaseEngines';
import type { Connection, ConnectionStore } from '../ConnectionStore';
import type { DatabaseNode } from '../DatabasesTreeProvider';
import { reportError } from '../reportError';

/** What a test (or another extension) may pass instead of picking at the keyboard. */
export interface AttachArgs {
  connection: string;
  file: string;
  alias?: string;
}

/**
 * "Attach Database File…" on a file connection: another file of its engine opened beside it,
 * read-only, its tables named alias.table everywhere (prompts, grammar, completion, the view). The
 * attachment is kept with the connection; a file that cannot be attached is refused and nothing changes.
 */
export async function attachDatabase(store: ConnectionStore, log: vscode.LogOutputChannel, target?: DatabaseNode | AttachArgs): Promise<Connection | undefined> {
  const path = target && 'kind' in target ? (target.kind === 'connection' ? target.connection.path : undefined) : target?.connection;
  if (!path || isUrlTarget(path)) {
    void vscode.window.showInformationMessage('Quarry: files are attached to a SQLite or DuckDB file connection; a Postgres server already shows every schema.');
    return undefined;
  }
  const file = target && !('kind' in target) ? target.file : (await vscode.window.showOpenDialog({ title: `Attach a ${detectDialect(path) === 'duckdb' ? 'DuckDB' : 'SQLite'} file to ${basename(path)}`, canSelectMany: false, openLabel: 'Attach' }))?.[0]?.fsPath;
  if (!file) return undefined;
  const suggested = basename(file, extname(file)).replace(/[^A-Za-z0-9_]/g, '_').replace(/^(?=\d)/, '_');
  const alias =
    target && !('kind' in target)
      ? (target.alias ?? suggested)
      : await vscode.window.showInputBox({
          title: 'Name its tables by',
          prompt: 'The alias its tables go by: alias.table',
          value: suggested,
          validateInput: (value) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(value) ? undefined : 'letters, digits and _, not starting with a digit'),
        });
  if (!alias) return undefined;
  try {
    const connection = await store.setAttachment(path, alias, file);
    log.info(`attached ${file} to ${path} as ${alias}`);
    return connection;
  } catch (error) {
    reportError(log, `attaching ${file}`, error);
    return undefined;
  }
}

/** "Detach" on an attached file's schema in the Databases view. */
export async function detachDatabase(store: ConnectionStore, log: vscode.LogOutputChannel, node?: DatabaseNode): Promise<void> {
  if (node?.kind !== 'schema') return;
  await store.setAttachment(node.connection.path, node.name, null);
  log.info(`detached ${node.name} from ${node.connection.path}`);
}
