import { spawn, spawnSync } from 'node:child_process';
import { CLI_SCRIPT } from './fixtures';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `quarry …` as a user would, in its own process. */
export function quarry(args: string[], options: { timeoutMs?: number; cwd?: string } = {}): CliRun {
  const started = performance.now();
  const run = spawnSync(process.execPath, [CLI_SCRIPT, ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? 120_000, cwd: options.cwd, maxBuffer: 1 << 30 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr, ms: performance.now() - started };
}

/** The same, without waiting: for two runs at once, or one against a server in this process. */
export function quarryInBackground(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...(options.env ? { env: { ...process.env, ...options.env } } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started })));
}
