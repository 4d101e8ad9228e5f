import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_DATA } from './fixtures';

export const BIRD_DIR = join(SHARED_DATA, 'bird-dev-json-only');

/** BIRD's own layout (dev.json beside dev_databases/<db_id>/<db_id>.sqlite) in `parent`, linked to the shared data rather than copied. */
export function birdLayout(parent: string, name = 'bird'): string {
  const dir = join(parent, name);
  mkdirSync(join(dir, 'dev_databases'), { recursive: true });
  symlinkSync(join(BIRD_DIR, 'dev.json'), join(dir, 'dev.json'));
  for (const dbId of readdirSync(join(BIRD_DIR, 'schema-only-databases'))) {
    mkdirSync(join(dir, 'dev_databases', dbId));
    symlinkSync(join(BIRD_DIR, 'schema-only-databases', dbId, `${dbId}.sqlite`), join(dir, 'dev_databases', dbId, `${dbId}.sqlite`));
  }
  return dir;
}
