import * as vscode from 'vscode';
import type { Database } from '../core/db/Database';
import { DbError } from '../core/db/DbError';
import { IsolatedDatabase } from '../core/db/IsolatedDatabase';
import { describeTarget, isUrlTarget } from '../core/db/databaseEngines';
import { trustsDataTarget, type DataUrlTrust } from '../core/db/dataUrlTrust';
import { passwordInUrl } from '../core/db/postgres/postgresTarget';
import type { DatabaseSchema } from '../core/types/DatabaseSchema';
import type { AttachedDatabase } from '../core/types/AttachedDatabase';
import type { ServerCredentials } from '../core/types/ServerCredentials';
import { readSettings } from './settings';

const STATE_KEY = 'quarry.connections';
/** Files attached to each file connection, by its path. */
const ATTACHMENTS_KEY = 'quarry.attachments';

export interface Connection {
  /** A database file's path, or a server's URL without its password (that is kept in SecretStorage). */
  path: string;
  db: Database | null;
  schema: DatabaseSchema | null;
  error: DbError | null;
}

/** A server password's key in SecretStorage: one per URL (without the password). */
export function serverPasswordKey(url: string): string {
  return `quarry.serverPassword:${url}`;
}

/** The URL as the user gave it, secrets in its query string included (`sslpassword=`), kept in SecretStorage under the redacted one. */
function serverUrlKey(url: string): string {
  return `quarry.serverUrl:${url}`;
}


/** The workspace's connected database files and servers, their open connections and last-read schemas. */
export class ConnectionStore implements vscode.Disposable {
  private readonly connections = new Map<string, Connection>();
  /** Loads under way, so two callers of one connection share one worker instead of each opening their own. */
  private readonly loading = new Map<Connection, Promise<Connection>>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly state: vscode.Memento,
    private readonly workerScript: string,
    private readonly log: vscode.LogOutputChannel,
    private readonly secrets: vscode.SecretStorage,
  ) {}

  list(): Connection[] {
    return [...this.connections.values()];
  }

  get(path: string): Connection | undefined {
    return this.connections.get(path);
  }

  /**
   * The connection as it is now, open: after a long wait (a model download) it may have been
   * reopened or closed meanwhile, so callers look it up again instead of keeping an old handle.
   */
  async live(path: string): Promise<Connection> {
    const current = this.connections.get(path);
    if (!current) throw new DbError('closed', `${path} was disconnected meanwhile; connect it again`);
    if (current.db && current.schema) return current;
    const reopened = await this.load(current);
    if (!reopened.db || !reopened.schema) {
      throw reopened.error ?? new DbError('closed', `the connection to ${path} closed; connect it again`);
    }
    return reopened;
  }

  /** Reopens the connections this workspace had last time. */
  async restore(): Promise<void> {
    const paths = this.state.get<string[]>(STATE_KEY, []);
    await Promise.all(paths.map((path) => this.add(path)));
  }

  /**
   * A server by URL: its password (given, or written in the URL) goes to SecretStorage and the
   * connection is kept under the URL without it, so no setting, log or view ever shows it.
   */
  async addServer(url: string, password?: string): Promise<Connection> {
    const key = describeTarget(url);
    const secret = password || passwordInUrl(url);
    if (secret) await this.secrets.store(serverPasswordKey(key), secret);
    if (key !== url) await this.secrets.store(serverUrlKey(key), url);
    else await this.secrets.delete(serverUrlKey(key));
    return this.add(key);
  }

  /**
   * What a server named in a data file (a dataset, a report) may be sent: the saved password of the
   * connection the user configured for that host, port and database, else nothing but the
   * password its own URL carries.
   */
  async credentialsForDataTarget(target: string): Promise<ServerCredentials> {
    if (!isUrlTarget(target)) return {};
    const configured = this.list().find((c) => trustsDataTarget(target, { configured: [c.path], trustAll: false }));
    if (!configured) return { fromDataFile: true };
    return { password: await this.passwordOf(configured.path) };
  }

  /** The servers the user connected to, as data files' URLs are matched against them. */
  dataUrlTrust(): DataUrlTrust {
    return { configured: this.list().map((c) => c.path), trustAll: false };
  }

  async add(path: string): Promise<Connection> {
    const existing = this.connections.get(path);
    if (existing) return this.load(existing);
    const connection: Connection = { path, db: null, schema: null, error: null };
    this.connections.set(path, connection);
    await this.persist();
    return this.load(connection);
  }

  /** Rereads the schema of one connection, or of all. */
  async refresh(path?: string): Promise<void> {
    const targets = path === undefined ? this.list() : this.list().filter((c) => c.path === path);
    await Promise.all(targets.map((c) => this.load(c)));
  }

  /** Reopens every connection, so that changed settings (timeouts, row caps, sampling) take effect. */
  async reopenAll(): Promise<void> {
    await Promise.all(
      this.list().map(async (connection) => {
        await connection.db?.dispose();
        connection.db = null;
        await this.load(connection);
      }),
    );
  }

  async remove(path: string): Promise<void> {
    const connection = this.connections.get(path);
    if (!connection) return;
    this.connections.delete(path);
    await connection.db?.dispose();
    if (isUrlTarget(path)) {
      await this.secrets.delete(serverPasswordKey(path));
      await this.secrets.delete(serverUrlKey(path));
    }
    await this.persist();
    this.log.info(`disconnected ${path}`);
    this.changed.fire();
  }

  dispose(): void {
    for (const connection of this.connections.values()) void connection.db?.dispose();
    this.changed.dispose();
  }

  private load(connection: Connection): Promise<Connection> {
    let running = this.loading.get(connection);
    if (!running) {
      running = this.open(connection).finally(() => this.loading.delete(connection));
      this.loading.set(connection, running);
    }
    return running;
  }

  private async open(connection: Connection): Promise<Connection> {
    const settings = readSettings();
    const started = Date.now();
    try {
      const target = isUrlTarget(connection.path) ? ((await this.secrets.get(serverUrlKey(connection.path))) ?? connection.path) : connection.path;
      connection.db ??= await IsolatedDatabase.open(target, {
        workerScript: this.workerScript,
        timeoutMs: settings.queryTimeoutMs,
        maxRows: settings.maxRows,
        memoryLimitMb: settings.memoryLimitMb,
        password: await this.passwordOf(connection.path),
        attach: this.attachments(connection.path),
      });
      connection.schema = await connection.db.readSchema({ sampleValues: settings.sampleValues });
      connection.error = null;
      this.log.info(
        `read schema of ${connection.path} (${connection.db.dialect}, ${connection.schema.tables.length} tables) in ${Date.now() - started} ms`,
      );
    } catch (error) {
      connection.error = error instanceof DbError ? error : new DbError('internal', String(error));
      connection.schema = null;
      await connection.db?.dispose();
      connection.db = null;
      this.log.error(`${connection.path}: [${connection.error.code}] ${connection.error.message}`);
    }
    this.changed.fire();
    return connection;
  }

  /** The files attached to a file connection, alias.table in its schema. */
  attachments(path: string): AttachedDatabase[] {
    return this.state.get<Record<string, AttachedDatabase[]>>(ATTACHMENTS_KEY, {})[path] ?? [];
  }

  /**
   * Attaches a file to a connection (or, with `file` null, detaches the alias) and reopens it; a
   * file that cannot be attached leaves the attachments as they were, and the error is the caller's to show.
   */
  async setAttachment(path: string, alias: string, file: string | null): Promise<Connection> {
    const connection = this.connections.get(path);
    if (!connection) throw new DbError('closed', `${path} is not connected`);
    const all = { ...this.state.get<Record<string, AttachedDatabase[]>>(ATTACHMENTS_KEY, {}) };
    const previous = all[path] ?? [];
    const next = [...previous.filter((a) => a.alias !== alias), ...(file ? [{ alias, path: file }] : [])];
    if (next.length) all[path] = next;
    else delete all[path];
    await this.state.update(ATTACHMENTS_KEY, all);
    await connection.db?.dispose();
    connection.db = null;
    const reopened = await this.load(connection);
    if (reopened.error && file) {
      // Back as it was: one bad file must not leave the connection unusable.
      await this.state.update(ATTACHMENTS_KEY, { ...all, [path]: previous });
      const error = reopened.error;
      await this.load(connection);
      throw error;
    }
    return reopened;
  }

  /** A server connection's password from SecretStorage (undefined for files, or when PGPASSWORD/.pgpass is to be used). */
  async passwordOf(path: string): Promise<string | undefined> {
    return isUrlTarget(path) ? await this.secrets.get(serverPasswordKey(path)) : undefined;
  }

  private persist(): Thenable<void> {
    return this.state.update(STATE_KEY, [...this.connections.keys()]);
  }
}

