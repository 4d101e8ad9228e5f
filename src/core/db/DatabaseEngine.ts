import type { Dialect } from '../types/QueryResult';
import type { AttachedDatabase } from '../types/AttachedDatabase';
import type { ServerCredentials } from '../types/ServerCredentials';
import type { DatabaseAdapter } from './DatabaseAdapter';

export interface AdapterOptions extends ServerCredentials {
  /** DuckDB's memory_limit for this connection, in MB. */
  memoryLimitMb: number;
  /** Files of the same engine opened beside the main one, read-only (checked by checkAttachments first). */
  attach?: AttachedDatabase[];
}

/**
 * One database engine Quarry can open: adding an engine is one more of these in databaseEngines.ts
 * (and its adapter beside it), not another branch in every caller.
 */
export interface DatabaseEngine {
  readonly dialect: Dialect;
  /** The engine's name for people: 'SQLite', 'PostgreSQL'. */
  readonly label: string;
  /** A file's engine is found by the file's first bytes; a server's by its URL's scheme. */
  readonly target: 'file' | 'server';
  /** Whether this engine opens the target: `header` holds a file's first bytes, null for a URL. */
  claims(target: string, header: Buffer | null): boolean;
  /** Opens a connection; only the database worker calls this. */
  open(target: string, options: AdapterOptions): Promise<DatabaseAdapter>;
  /**
   * True when the engine stops a statement on its own at a timeout (Postgres's statement_timeout):
   * the worker is then given a little longer before it is stopped, so the server's cancel wins.
   */
  readonly cancelsOnServer: boolean;
  /** The name a database goes by in prompts and datasets (Spider's db_id): a file's base name, a server database's name. */
  databaseName(target: string): string;
  /** The target as it may be shown and logged (a URL without its password). */
  describe(target: string): string;
}
