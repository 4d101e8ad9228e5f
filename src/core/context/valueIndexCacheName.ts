import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { isUrlTarget } from '../db/databaseEngines';
import type { AttachedDatabase } from '../types/AttachedDatabase';

/**
 * The file name a database's value index is cached under: the database and the files attached to
 * it, each where it is. Another file attached under the same alias, with the same tables and row
 * counts, has the same schema fingerprint, so only the name tells its values apart. A database
 * with nothing attached keeps the name it always had.
 */
export function valueIndexCacheName(database: string, attachments: readonly AttachedDatabase[] = []): string {
  const where = (target: string) => (isUrlTarget(target) ? target : resolve(target));
  const identity = attachments.length ? JSON.stringify([where(database), attachments.map((a) => [a.alias, where(a.path)])]) : where(database);
  return `${createHash('sha256').update(identity).digest('hex').slice(0, 24)}.json`;
}
