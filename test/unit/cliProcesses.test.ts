import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import Database from 'better-sqlite3';
import type { EngineError } from '../../src/core/engine/EngineError';
import { ModelEngine } from '../../src/core/engine/ModelEngine';
import { CLI_SCRIPT, makeTempDir, spiderDb } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { tinyModelParams } from '../helpers/tinyModel';

const WORLD = spiderDb('world_1');
/** Runs on every engine until it is stopped: SQLite holds its worker's thread with it. */
const ENDLESS_SQLITE = 'WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r';
const ENDLESS_DUCKDB = 'SELECT count(*) FROM range(1000000000000) a';

const temp = makeTempDir('quarry-processes-');
let duckPath: string;

before(async () => {
  duckPath = join(temp.dir, 'big.duckdb');
  const instance = await DuckDBInstance.create(duckPath);
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t AS SELECT range AS n FROM range(1000)');
  connection.closeSync();
  instance.closeSync();
});
after(() => temp.dispose());

function start(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

/** A slow reader: nothing is read for a while, so the pipe fills and the CLI's writes queue up. */
async function throughSlowPipe(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { child, done } = start(args);
  child.stdout!.pause();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.stdout!.resume();
  return done;
}

/** The processes whose parent is `pid` (Linux's /proc). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail(`${what} (after ${ms} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('output piped to a slow reader arrives whole: sql, sql --json, grammar, schema --json', async () => {
  const cities = (new Database(WORLD, { readonly: true }).prepare('SELECT count(*) AS n FROM city').get() as { n: number }).n;
  const table = await throughSlowPipe(['sql', '--db', WORLD, 'SELECT * FROM city']);
  assert.equal(table.code, 0, table.stderr);
  assert.equal(table.stdout.trimEnd().split('\n').length, cities + 2 + 1, 'header, rule, every row and the row count');
  assert.ok(table.stdout.length > 256 * 1024, `${table.stdout.length} characters: more than a pipe holds`);
  const json = await throughSlowPipe(['sql', '--json', '--db', WORLD, 'SELECT * FROM city']);
  assert.equal((JSON.parse(json.stdout) as { rows: unknown[] }).rows.length, cities);
  const grammar = await throughSlowPipe(['grammar', '--db', WORLD]);
  assert.equal(grammar.code, 0);
  assert.equal(grammar.stdout, quarry(['grammar', '--db', WORLD]).stdout);
  assert.ok(grammar.stdout.length > 64 * 1024, `${grammar.stdout.length} characters`);
  const schema = await throughSlowPipe(['schema', '--json', '--db', WORLD]);
  assert.ok((JSON.parse(schema.stdout) as { tables: unknown[] }).tables.length > 0);
});

test('a reader that closes the pipe early (| head) ends Quarry quietly, with exit 0', async () => {
  const { child, done } = start(['sql', '--db', WORLD, 'SELECT * FROM city']);
  child.stdout!.once('data', () => child.stdout!.destroy());
  const run = await done;
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
});

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`${signal} ends the CLI and its database worker while a SQLite query holds the worker's thread`, async () => {
    const { child, done } = start(['sql', '--db', WORLD, '--timeout-ms', '600000', ENDLESS_SQLITE]);
    let workers: number[] = [];
    await until(() => (workers = childrenOf(child.pid!)).length > 0, 10_000, 'no database worker started');
    await new Promise((resolve) => setTimeout(resolve, 300));
    child.kill(signal);
    const run = await done;
    assert.equal(run.code, code, run.stderr);
    await until(() => workers.every((pid) => !alive(pid)), 3000, `worker ${workers.join()} outlived the CLI`);
  });
}

test('a CLI killed outright (SIGKILL) leaves no worker behind: a DuckDB query is stopped and the file let go', async () => {
  const { child, done } = start(['sql', '--db', duckPath, '--timeout-ms', '600000', ENDLESS_DUCKDB]);
  let workers: number[] = [];
  await until(() => (workers = childrenOf(child.pid!)).length > 0, 10_000, 'no database worker started');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  // Every worker the CLI has now, not only the first seen: the one holding the file may have started since.
  workers = [...new Set([...workers, ...childrenOf(child.pid!)])];
  child.kill('SIGKILL');
  await done;
  await until(() => workers.every((pid) => !alive(pid)), 3000, `worker ${workers.join()} outlived the CLI`);
  // The file's lock went with the worker: a writer can open it (the kernel lets go of a dead process's lock a moment after it dies).
  const deadline = performance.now() + 3000;
  for (;;) {
    try {
      (await DuckDBInstance.create(duckPath)).closeSync();
      break;
    } catch (error) {
      if (performance.now() > deadline) assert.fail(`the file is still locked 3 s after the workers died: ${String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});

test('a generation request to a stuck local model server ends at the deadline its token budget sets', async () => {
  // A server that loads, then never answers a generation: stuck in native code, deaf to cancel.
  const script = join(temp.dir, 'stuckModelServer.mjs');
  writeFileSync(
    script,
    `process.on('message', (m) => {
      if (m.method === 'load') process.send({ id: m.id, ok: true, value: { modelPath: 'stuck', loraPath: null, device: 'cpu', contextSize: 512, chatTemplate: false, loadMs: 1 } });
      else { const end = Date.now() + 600000; while (Date.now() < end); }
    });`,
  );
  const engine = new ModelEngine({ serverScript: script, deadline: { baseMs: 500, msPerToken: 50 } });
  try {
    await engine.load(tinyModelParams());
    const started = performance.now();
    const pid = engine.serverPid!;
    await assert.rejects(
      engine.generate({ system: '', user: 'q', completion: 'q', grammar: null, maxTokens: 10, temperature: 0 }),
      (error: EngineError) => error.code === 'generation-failed' && /did not answer in time and was stopped/.test(error.message),
    );
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 950 && elapsed < 3000, `ended after ${Math.round(elapsed)} ms; the deadline was 1000 ms`);
    await until(() => !alive(pid), 2000, 'the stuck server was left running');
  } finally {
    engine.dispose();
  }
});

/** Resident memory of a process, in bytes (0 once it is gone). */
function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) * 1024;
  } catch {
    return 0;
  }
}

test('a large result crosses from the worker in pages: quarry sql --json of 2,000,000 rows stays within a memory bound', async () => {
  const sql = 'SELECT range AS n, md5(range::varchar) AS s, md5((range + 1)::varchar) AS s2 FROM range(2000000)';
  const { child, done } = start(['sql', '--json', '--max-rows', '3000000', '--timeout-ms', '120000', '--db', duckPath, sql]);
  let bytes = 0;
  let tail = '';
  let rows = 0;
  child.stdout!.removeAllListeners('data');
  child.stdout!.on('data', (chunk: string) => {
    bytes += chunk.length;
    // The last two characters carried over: a separator may straddle two chunks, and two cannot hold a whole one.
    rows += (tail.slice(-2) + chunk).split('],[').length - 1;
    tail = (tail + chunk).slice(-200);
  });
  let peak = 0;
  const sampler = setInterval(() => {
    const tree = [child.pid!, ...childrenOf(child.pid!)];
    peak = Math.max(peak, tree.reduce((sum, pid) => sum + rssOf(pid), 0));
  }, 50);
  const run = await done.finally(() => clearInterval(sampler));
  assert.equal(run.code, 0, run.stderr);
  assert.ok(bytes > 150_000_000, `${bytes} bytes written`);
  assert.equal(rows + 1, 2_000_000, 'every row, each once');
  assert.match(tail, /\[1999999,"[0-9a-f]{32}","[0-9a-f]{32}"\]\],"truncated":false\}\n$/);
  // Sent as one message, the CLI and its worker held about 2.6 GB for this; in pages, well under 1 GB.
  assert.ok(peak < 1024 * 1024 * 1024, `the CLI and its worker peaked at ${Math.round(peak / 1024 / 1024)} MB`);
});
