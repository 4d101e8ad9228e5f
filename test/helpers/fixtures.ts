import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** The folder with Quarry's package.json above this bundle (tests and benchmarks are built into out/). */
function findProjectRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'esbuild.mjs'))) return dir;
  }
  throw new Error(`no Quarry project above ${from}`);
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const SHARED_DATA = process.env.QUARRY_SHARED_DATA ?? resolve(PROJECT_ROOT, '..', 'shared', 'data');
export const SPIDER_DIR = join(SHARED_DATA, 'spider');
export const OPENFLIGHTS_DIR = join(SHARED_DATA, 'openflights');
export const WORKER_SCRIPT = join(PROJECT_ROOT, 'dist', 'dbWorker.js');
export const CLI_SCRIPT = join(PROJECT_ROOT, 'dist', 'cli.js');

export function spiderDb(dbId: string): string {
  return join(SPIDER_DIR, 'database', dbId, `${dbId}.sqlite`);
}

export function makeTempDir(prefix = 'quarry-test-'): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A writable copy, so a test of "the file never changes" could actually see a change. */
export function copyInto(dir: string, source: string, name: string): string {
  const target = join(dir, name);
  copyFileSync(source, target);
  return target;
}

export function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Every file under `dir`, at any depth (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}
