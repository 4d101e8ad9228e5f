import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the CLI keeps downloaded models: the user's cache, shared by every project. */
export function defaultModelsDirectory(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'quarry', 'models');
}
