import type { ClientConfig } from 'pg';
import { parse, toClientConfig } from 'pg-connection-string';
import { DbError } from '../DbError';
import { redactUrl } from '../../util/redactSecrets';
import type { ServerCredentials } from '../../types/ServerCredentials';

const URL_PATTERN = /^postgres(ql)?:\/\//i;

export function isPostgresUrl(target: string): boolean {
  return URL_PATTERN.test(target);
}

/** The password a URL carries itself, in its user part or as `?password=`. */
export function passwordInUrl(url: string): string | undefined {
  try {
    return parse(url).password || undefined;
  } catch {
    return undefined;
  }
}

/** The database a URL names: what Quarry calls the database (Spider's db_id when loaded from Spider). */
export function postgresDatabaseName(url: string): string {
  const database = parse(url).database;
  return database && database.length > 0 ? database : 'postgres';
}

function refuseToSendCredentials(url: string): () => never {
  return () => {
    throw new DbError(
      'auth-failed',
      `${redactUrl(url)} asks for a password, but it was named in a data file, so Quarry sends it none of yours (PGPASSWORD, ~/.pgpass, saved passwords); connect to it yourself (quarry --db, Connect Database…) or pass --trust-data-urls`,
    );
  };
}

/** Session settings every Quarry connection starts with: read-only by default, idle transactions ended, a dead client noticed. */
const SESSION_OPTIONS = [
  'default_transaction_read_only=on',
  'idle_in_transaction_session_timeout=60000',
  // Postgres 14+: a query whose client went away (a stopped worker) is cancelled within a second.
  'client_connection_check_interval=1000',
];

/**
 * node-postgres's configuration for a URL: TLS from the URL's sslmode/sslrootcert/sslcert/sslkey
 * (pg-connection-string reads them), the password from the URL, else `password`, else PGPASSWORD
 * or ~/.pgpass (which pg reads itself). A URL from a data file gets its own password or none: a
 * function stands in for the password, so pg neither reads PGPASSWORD nor ~/.pgpass, and a server
 * that asks for one is told why there is none. sslmode means what it means to psql and libpq (`require`
 * encrypts without checking the certificate, `verify-full` checks it and the host name): a URL
 * copied from psql must not change meaning here. node-postgres's own reading (`require` checks the
 * certificate) is there with `uselibpqcompat=false`.
 */
export function postgresClientConfig(url: string, credentials: ServerCredentials = {}): ClientConfig {
  let config: ClientConfig;
  try {
    config = toClientConfig(parse(url, /[?&]uselibpqcompat=/i.test(url) ? {} : { useLibpqCompat: true }));
  } catch (error) {
    throw new DbError('not-a-database', `${redactUrl(url)} is not a valid postgresql:// URL: ${error instanceof Error ? error.message : String(error)}`);
  }
  return {
    ...config,
    password: config.password || (credentials.fromDataFile ? refuseToSendCredentials(url) : credentials.password || undefined),
    application_name: config.application_name ?? 'quarry',
    // Quarry's settings replace any the URL asks for: none of them may be turned off from outside.
    options: SESSION_OPTIONS.map((option) => `-c ${option}`).join(' '),
    connectionTimeoutMillis: 15_000,
  };
}
