import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRemoteModel } from '../../src/core/engine/downloadModel';
import { isPromptFormatId } from '../../src/core/prompt/promptFormats';
import { PROJECT_ROOT } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

interface ListedEntry {
  name: string;
  license: { name: string; commercialUse: boolean };
  promptFormat: string;
  reported: { benchmark: string; score: number; source: string }[];
  download: { reference: string; fileBytes: number; seenAt: string } | null;
  memoryBytes: number | null;
  note?: string;
}

test('quarry models --json lists the curated models with size, memory, license, format, reported accuracy and a download reference', () => {
  const run = quarry(['models', '--json']);
  assert.equal(run.code, 0, run.stderr);
  const entries = JSON.parse(run.stdout) as ListedEntry[];
  const names = entries.map((e) => e.name);
  for (const wanted of ['OmniSQL-7B', 'Arctic-Text2SQL-R1-7B', 'SQLCoder-7B-2', 'XiYanSQL-QwenCoder-7B-2502', 'Prem-1B-SQL', 'Qwen2.5-Coder-1.5B-Instruct', 'Qwen2.5-Coder-7B-Instruct']) {
    assert.ok(names.includes(wanted), `${wanted} is in the catalog: ${names.join(', ')}`);
  }
  for (const entry of entries) {
    assert.ok(isPromptFormatId(entry.promptFormat), `${entry.name}: ${entry.promptFormat} is a prompt format`);
    assert.ok(entry.license.name, `${entry.name} names its license`);
    for (const figure of entry.reported) assert.ok(figure.source && figure.score > 0 && figure.score <= 100, `${entry.name}: ${JSON.stringify(figure)}`);
    assert.doesNotMatch(JSON.stringify(entry), /sha256|checksum/i, `${entry.name} claims no checksum`);
    if (entry.download) {
      assert.ok(isRemoteModel(entry.download.reference), `${entry.name}: ${entry.download.reference} is a reference Quarry downloads`);
      assert.ok(entry.download.seenAt, `${entry.name} says where its file was seen`);
      assert.ok(entry.memoryBytes! > entry.download.fileBytes, `${entry.name}: running takes more than the file`);
    } else {
      assert.ok(entry.note, `${entry.name} says what to do without a download`);
    }
  }
  const omnisql = entries.find((e) => e.name === 'OmniSQL-7B')!;
  assert.deepEqual(omnisql.reported.map((r) => `${r.benchmark} ${r.score}`), ['Spider dev 81.2', 'Spider test 87.9', 'BIRD dev 63.9']);
  assert.equal(entries.find((e) => e.name === 'SQLCoder-7B-2')!.download!.reference, 'hf:defog/sqlcoder-7b-2/sqlcoder-7b-q5_k_m.gguf');
});

test('quarry models prints one block per model, and refuses stray arguments', () => {
  const run = quarry(['models']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^OmniSQL-7B {2}7\.6B · Apache-2\.0 · prompt format omnisql\n {2}4\.7 GB \(Q4_K_M\), about 5\.6 GB to run with a context of 8192 tokens\n {2}reported: Spider dev 81\.2 · Spider test 87\.9 · BIRD dev 63\.9 \(RUCKBReasoning\/OmniSQL README/);
  assert.match(run.stdout, /download: hf:mradermacher\/prem-1B-SQL-GGUF:Q4_K_M/);
  const stray = quarry(['models', 'omnisql']);
  assert.equal(stray.code, 2);
  assert.match(stray.stderr, /models: unexpected argument 'omnisql'/);
});

test('the README lists every catalog entry with its download reference, and the CLI survives a reader that stops early', () => {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const entries = JSON.parse(quarry(['models', '--json']).stdout) as ListedEntry[];
  for (const entry of entries) {
    const row = readme.split('\n').find((line) => line.startsWith(`| ${entry.name} |`));
    assert.ok(row, `README's catalog table has ${entry.name}`);
    if (entry.download) assert.ok(row.includes(`\`${entry.download.reference}\``), `${entry.name}'s row gives ${entry.download.reference}`);
  }
  // `true` exits before the CLI writes a byte: the pipe is closed when it does.
  const piped = spawnSync('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(join(PROJECT_ROOT, 'dist', 'cli.js'))} models | true`], { encoding: 'utf8' });
  assert.equal(piped.stderr, '', 'no EPIPE stack trace');
});
