import { existsSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const DATASET_GENERATOR = 'quarry dataset build';

const TOP_LEVEL = new Set(['manifest.json', 'train', 'test', 'synthetic.sqlite', 'synthetic.duckdb']);

/**
 * A folder Quarry's dataset builder wrote, and nothing else: its manifest says so (older builds are
 * known by the manifest's shape), and every file in it is one the manifest lists. One file of the
 * user's there and the folder is not Quarry's to replace.
 */
export function isDatasetFolder(folder: string): boolean {
  let manifest: { generator?: unknown; counts?: unknown; splits?: unknown; files?: unknown };
  try {
    manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
  } catch {
    return false;
  }
  const marked = manifest.generator === DATASET_GENERATOR || (manifest.generator === undefined && !!manifest.counts && !!manifest.splits);
  if (!marked || !Array.isArray(manifest.files)) return false;
  const listed = new Set(manifest.files as unknown[]);
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!TOP_LEVEL.has(entry.name)) return false;
    if (entry.name === 'train' || entry.name === 'test') {
      if (!entry.isDirectory()) return false;
      if (readdirSync(join(folder, entry.name)).some((file) => !listed.has(`${entry.name}/${file}`))) return false;
    } else if (!entry.isFile()) {
      return false;
    }
  }
  return true;
}

/** Moves the finished folder into place; an earlier build (or an empty folder) there goes only once the new one is whole. */
export function replaceDatasetFolder(work: string, out: string): void {
  if (!existsSync(out)) {
    renameSync(work, out);
    return;
  }
  if (readdirSync(out).length === 0) {
    rmdirSync(out);
    renameSync(work, out);
    return;
  }
  const old = `${work}.old`;
  renameSync(out, old);
  try {
    renameSync(work, out);
  } catch (error) {
    renameSync(old, out);
    throw error;
  }
  rmSync(old, { recursive: true, force: true });
}
