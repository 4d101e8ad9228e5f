import { parse } from 'pg-connection-string';
import { isUrlTarget } from './databaseEngines';

/**
 * Which servers named in a data file (an eval dataset, an rft file, a report being resumed or
 * shown) may be sent the user's credentials: those whose host, port and database match a
 * connection the user configured, or every one when the user said so (`--trust-data-urls`).
 * Anything else gets only the password its own URL carries: a dataset line must not be able to
 * send PGPASSWORD to a host of its choosing.
 */
export interface DataUrlTrust {
  /** Servers the user connected to themselves: `--db`, the editor's connections. */
  configured: readonly string[];
  trustAll: boolean;
}

const TRUST_NO_DATA_URLS: DataUrlTrust = { configured: [], trustAll: false };

/** True for a file (no credentials to send) and for a server the user configured or trusts. */
export function trustsDataTarget(target: string, trust: DataUrlTrust = TRUST_NO_DATA_URLS): boolean {
  if (!isUrlTarget(target) || trust.trustAll) return true;
  const wanted = serverKey(target);
  return wanted !== null && trust.configured.some((url) => isUrlTarget(url) && serverKey(url) === wanted);
}

/** host:port/database as libpq would resolve them (localhost, 5432; no database means the user's name). */
function serverKey(url: string): string | null {
  try {
    const parts = parse(url);
    const host = (parts.host || 'localhost').toLowerCase();
    const port = parts.port || '5432';
    return `${host}:${port}/${parts.database || parts.user || ''}`;
  } catch {
    return null;
  }
}
