import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PassThrough } from 'node:stream';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeJsonResult } from '../../src/cli/writeJsonResult';
import { readHistory } from '../../src/core/dataset/readHistory';
import { checkGgufFile } from '../../src/core/engine/checkGgufFile';
import { EngineError } from '../../src/core/engine/EngineError';
import { ModelEngine } from '../../src/core/engine/ModelEngine';
import { FileError } from '../../src/core/files/FileError';
import { buildOpenFlightsDuckDb } from '../helpers/buildOpenFlightsDuckDb';
import { openTestDb, rejectsWith } from '../helpers/dbAssertions';
import { makeTempDir, PROJECT_ROOT, SHARED_DATA, spiderDb } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

const temp = makeTempDir();
const duck = join(temp.dir, 'openflights.duckdb');
before(() => buildOpenFlightsDuckDb(duck));
after(() => temp.dispose());
const TINY_MODEL = join(SHARED_DATA, 'gguf', 'llama-2-tiny-random.gguf');

const u32 = (n: number) => Buffer.from(new Uint32Array([n]).buffer);
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
const str = (text: string) => Buffer.concat([u64(BigInt(Buffer.byteLength(text))), Buffer.from(text)]);
const kvString = (key: string, value: string) => Buffer.concat([str(key), u32(8), str(value)]);

/** A GGUF header as a crafted or damaged file would have it, padded with some bytes of "tensor data". */
function gguf(name: string, parts: Buffer[]): string {
  const path = join(temp.dir, name);
  writeFileSync(path, Buffer.concat([...parts, Buffer.alloc(4096)]));
  return path;
}

const HUGE = 2n ** 40n;
const CRAFTED: [string, Buffer[], RegExp][] = [
  ['tensors.gguf', [Buffer.from('GGUF'), u32(3), u64(HUGE), u64(1n), kvString('general.architecture', 'llama')], /claims 1099511627776 tensors, more than its remaining \d+ bytes can hold/],
  ['keys.gguf', [Buffer.from('GGUF'), u32(3), u64(0n), u64(HUGE)], /claims 1099511627776 metadata keys/],
  ['array.gguf', [Buffer.from('GGUF'), u32(3), u64(0n), u64(1n), str('tokenizer.ggml.tokens'), u32(9), u32(8), u64(HUGE)], /claims 1099511627776 elements in tokenizer\.ggml\.tokens/],
  ['string.gguf', [Buffer.from('GGUF'), u32(3), u64(0n), u64(1n), str('general.name'), u32(8), u64(HUGE)], /claims 1099511627776 bytes in the value of general\.name/],
  ['version.gguf', [Buffer.from('GGUF'), u32(7), u64(0n), u64(0n)], /is GGUF version 7, which Quarry cannot read \(versions 2 and 3\)/],
  ['dims.gguf', [Buffer.from('GGUF'), u32(3), u64(1n), u64(1n), kvString('general.architecture', 'llama'), str('t'), u32(1000)], /has a tensor with 1000 dimensions/],
  ['noarch.gguf', [Buffer.from('GGUF'), u32(3), u64(0n), u64(1n), kvString('general.name', 'x')], /has no general\.architecture/],
];

test('crafted GGUF headers fail in milliseconds with bounded memory, before any server starts', async () => {
  for (const [name, parts, message] of CRAFTED) {
    const path = gguf(name, parts);
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    assert.throws(() => checkGgufFile(path), (error: unknown) => error instanceof EngineError && error.code === 'model-invalid' && message.test(error.message), name);
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `${name}: ${ms} ms`);
    assert.ok(process.memoryUsage().rss - rssBefore < 64 * 1024 * 1024, `${name}: memory grew`);
  }
  const engine = new ModelEngine({ serverScript: join(PROJECT_ROOT, 'dist', 'modelServer.mjs') });
  try {
    await assert.rejects(
      engine.load({ modelPath: join(temp.dir, 'keys.gguf'), gpu: 'off', threads: 1, contextSize: 512, gpuLayers: 'auto' }),
      (error: unknown) => error instanceof EngineError && error.code === 'model-invalid',
    );
    assert.equal(engine.serverPid, undefined, 'no model server was started for a file that cannot be a model');
  } finally {
    engine.dispose();
  }
});

test('a real GGUF passes, and a file cut inside its header is refused', () => {
  const summary = checkGgufFile(TINY_MODEL);
  assert.equal(summary.version, 3);
  assert.equal(summary.metadata.get('general.architecture'), 'llama');
  assert.ok(summary.tensorCount > 0);
  const cut = join(temp.dir, 'cut.gguf');
  writeFileSync(cut, readFileSync(TINY_MODEL).subarray(0, 600_000));
  assert.throws(() => checkGgufFile(cut), /more than its remaining 4424 bytes can hold|ends inside/);
});

test('a FIFO as --db fails at once instead of waiting for a writer', () => {
  const fifo = join(temp.dir, 'db.fifo');
  execFileSync('mkfifo', [fifo]);
  for (const args of [['sql', '--db', fifo, 'SELECT 1'], ['schema', '--db', fifo]]) {
    const run = quarry(args, { timeoutMs: 15_000 });
    assert.equal(run.code, 2, `${args[0]}: ${run.stderr}`);
    assert.match(run.stderr, /db\.fifo is a FIFO \(named pipe\), not a database file/);
    assert.ok(run.ms < 5000, `${run.ms} ms`);
  }
  const folder = quarry(['sql', '--db', temp.dir, 'SELECT 1']);
  assert.equal(folder.code, 2);
  assert.match(folder.stderr, /is a folder, not a database file/);
});

test('a CSV history with an unclosed quote is an error naming its line, not rows silently lost', async () => {
  const csv = join(temp.dir, 'broken.csv');
  writeFileSync(csv, 'calls,query\n1,"SELECT 1"\n2,"SELECT 2\n3,"SELECT 3"\n4,"SELECT 4"\n');
  await assert.rejects(
    async () => {
      for await (const _ of readHistory(csv)) void _;
    },
    (error: unknown) => error instanceof FileError && /broken\.csv:3: a quoted field opened on this line is never closed/.test(error.message),
  );
  const run = quarry(['dataset', 'build', '--db', spiderDb('concert_singer'), '--history', csv, '--out', join(temp.dir, 'csv-out')]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /broken\.csv:3:/);
});

test('DuckDB queries run under a memory limit: the default, and a lower one that a large query exceeds', async () => {
  const db = await openTestDb(duck);
  try {
    const { rows } = await db.query("SELECT current_setting('memory_limit') AS m");
    assert.match(String(rows[0]![0]), /^(2\.0 GiB|1\.9 GiB|2048\.0 MiB)$/);
  } finally {
    await db.dispose();
  }
  const small = await openTestDb(duck, { memoryLimitMb: 64 });
  try {
    await rejectsWith(small.query('SELECT count(DISTINCT s) FROM (SELECT md5(range::VARCHAR) || repeat(\'x\', 200) AS s FROM range(3000000))'), 'sql-error', /Out of Memory/i);
    const { rows } = await small.query('SELECT count(*) FROM airports');
    assert.ok(Number(rows[0]![0]) > 0, 'the connection still answers after the refused query');
  } finally {
    await small.dispose();
  }
  const cli = quarry(['sql', '--db', duck, '--memory-limit-mb', '100', "SELECT current_setting('memory_limit')"]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /100\.0 MiB|95\.3 MiB/);
});

test('JSON results stream a chunk of rows at a time and equal what JSON.stringify writes', async () => {
  const rows = Array.from({ length: 2500 }, (_, i) => [i, `row "${i}"`, i % 2 === 0, null, 2n ** 60n]);
  const out = new PassThrough();
  const chunks: string[] = [];
  out.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  await writeJsonResult(out, { columns: ['i', 's', 'b', 'n', 'big'], rows, truncated: true });
  const text = chunks.join('');
  assert.ok(chunks.length >= 3, `written in ${chunks.length} pieces`);
  const expected = { columns: ['i', 's', 'b', 'n', 'big'], rows: rows.map((r) => r.map((v) => (typeof v === 'bigint' ? 'BIG' : v))), truncated: true };
  assert.equal(text, `${JSON.stringify(expected).replaceAll('"BIG"', '1152921504606846976')}\n`);
  const big = quarry(['sql', '--db', duck, '--json', '--max-rows', '300000', "SELECT range AS i, 'x' AS s FROM range(300000)"]);
  assert.equal(big.code, 0, big.stderr);
  const parsed = JSON.parse(big.stdout);
  assert.equal(parsed.rows.length, 300000);
  assert.deepEqual(parsed.rows[299999], [299999, 'x']);
});

test('a JSONL history line that is null, a number or an array is dropped as unreadable, and the rest is read', async () => {
  const history = join(temp.dir, 'odd.jsonl');
  writeFileSync(history, ['{"query": "SELECT 1"}', 'null', '42', '[1, 2]', '"SELECT 2"', '{"query": "SELECT 3"}'].join('\n') + '\n');
  const statements = [];
  for await (const statement of readHistory(history)) statements.push(statement);
  assert.deepEqual(
    statements.map((s) => s.unreadable ?? s.sql),
    ['SELECT 1', 'not a JSON object (null)', 'not a JSON object (number)', 'not a JSON object (an array)', 'not a JSON object (string)', 'SELECT 3'],
  );
});

test('a history with no newlines is read in bounded memory: its overlong line is reported and skipped', async () => {
  const history = join(temp.dir, 'one-line.sql');
  // 64 MB of statements and no newline: held whole, it took gigabytes.
  const piece = 'SELECT name FROM airports WHERE id = 1;'.repeat(1 << 10);
  writeFileSync(history, '');
  const { appendFileSync } = await import('node:fs');
  for (let i = 0; i < (64 << 20) / piece.length; i++) appendFileSync(history, piece);
  appendFileSync(history, '\nSELECT 2;\n');
  const before = process.memoryUsage().rss;
  let peak = before;
  const statements = [];
  for await (const statement of readHistory(history)) {
    statements.push(statement);
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  assert.deepEqual(statements.map((s) => s.unreadable ?? s.sql), ['line longer than 1 M characters: skipped', 'SELECT 2']);
  assert.equal(statements[0]!.line, 1);
  assert.ok(peak - before < 200 * 1024 * 1024, `memory grew by ${Math.round((peak - before) / 1024 / 1024)} MB`);
});

test("special files of the system (/proc/self/mem) are refused with a clear message, as a database, a history, a dataset and a model", () => {
  const world = spiderDb('world_1');
  for (const [args, pattern] of [
    [['schema', '--db', '/proc/self/mem'], /\/proc\/self\/mem is a special file of the system \(\/proc\), not a database file/],
    [['dataset', 'build', '--db', world, '--history', '/proc/self/mem', '--questions', 'none', '--out', join(temp.dir, 'never')], /history file \/proc\/self\/mem is a special file of the system/],
    [['eval', '--dataset', '/proc/self/mem', '--predictions', '/proc/self/mem'], /\/proc\/self\/mem is a special file of the system/],
    [['ask', '--db', world, '--model', '/proc/self/mem', 'How many?'], /model \/proc\/self\/mem is a special file of the system/],
  ] as const) {
    const run = quarry([...args]);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
    assert.equal(run.stderr.trim().split('\n').length, 1, 'one line');
  }
});

test('a DuckDB file damaged past its header is `corrupt` (exit 2) when a query reaches the damage, not an SQL error', async () => {
  const damaged = join(temp.dir, 'damaged.duckdb');
  const instance = await DuckDBInstance.create(damaged);
  const connection = await instance.connect();
  await connection.run('CREATE TABLE t AS SELECT range AS n, md5(range::varchar) AS s FROM range(300000)');
  connection.closeSync();
  instance.closeSync();
  const bytes = readFileSync(damaged);
  // The header and catalog stay; a megabyte of the table's data blocks in the middle is overwritten.
  for (let i = bytes.length >> 1; i < (bytes.length >> 1) + (1 << 20); i++) bytes[i] = (i * 13) % 256;
  writeFileSync(damaged, bytes);
  const sql = 'SELECT sum(n), count(s) FROM t';
  const run = quarry(['sql', '--db', damaged, sql]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /the DuckDB file is damaged/);
  const db = await openTestDb(damaged);
  try {
    await rejectsWith(db.query(sql), 'corrupt');
  } finally {
    await db.dispose();
  }
});
