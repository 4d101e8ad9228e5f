// npm run train:lora [-- --force] [--epochs N]: a LoRA adapter for Quarry's sample model, trained
// on the OpenFlights history: the fine-tuning loop in miniature (issue 28).
//
// Steps, each writing under models/.work/lora (ignored by git):
//   1. database  scripts/buildOpenFlights.ts builds OpenFlights as DuckDB from ../shared/data/openflights.
//   2. dataset   `quarry dataset build` turns examples/openflights-history.sql into train and test
//                files (its own templates, execution ground truth, the history's questions).
//   3. prompts   `quarry dataset prompts` renders both splits in the prompt Quarry sends the sample
//                model, with correction turns for a quarter of them.
//   4. tokens    node-llama-cpp tokenizes them with the sample model's own vocabulary.
//   5. lora      train/train.py lora: the adapter (committed) and the merged model (not committed).
// The held-out questions (examples/openflights-heldout.jsonl) are never trained on.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { tokenizeExamples } from './tokenizeExamples.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = join(ROOT, 'models', '.work', 'lora');
const BASE = join(ROOT, 'models', 'quarry-mini-sql.gguf');
const ADAPTER = join(ROOT, 'models', 'quarry-mini-sql-openflights.lora.gguf');
const RECORD = join(ROOT, 'models', 'quarry-mini-sql-openflights.lora.json');
const MERGED = join(WORK, 'quarry-mini-sql-openflights-merged.gguf');
const PYTHON = '/usr/bin/python3';
const CLI = join(ROOT, 'dist', 'cli.js');

/**
 * Rank 16 on every matrix of every block, alpha 32 (the usual alpha = 2 × rank): 1.9 MB as F32, under
 * the 2 MB the repository allows an adapter. 60 epochs: at rank 8 and 20 epochs the loss was still
 * falling (0.95) and four of five held-out queries still failed to run; at this size they mostly run.
 */
const LORA = { rank: '16', alpha: '32', epochs: '60', lr: '3e-3' };

const { values } = parseArgs({ options: { force: { type: 'boolean' }, epochs: { type: 'string' } } });

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed (exit ${result.status})`);
}

async function main() {
  if (existsSync(ADAPTER) && !values.force) throw new Error(`${ADAPTER} is committed; pass --force (npm run train:lora -- --force) to train and replace it`);
  if (spawnSync(PYTHON, ['-c', 'import torch, numpy']).status !== 0) {
    throw new Error(`${PYTHON} cannot import torch and numpy; install Debian's: apt-get install -y python3-torch python3-numpy libopenblas0-pthread`);
  }
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const db = join(WORK, 'openflights.duckdb');
  run(process.execPath, ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', join(ROOT, 'scripts', 'buildOpenFlights.ts'), '--out', db]);
  const dataset = join(WORK, 'dataset');
  run(process.execPath, [CLI, 'dataset', 'build', '--db', db, '--history', join(ROOT, 'examples', 'openflights-history.sql'), '--questions', 'history', '--formats', 'quarry', '--out', dataset]);
  const prompts = join(WORK, 'prompts.jsonl');
  const parts = [];
  for (const split of ['train', 'test']) {
    const out = join(WORK, `prompts-${split}.jsonl`);
    run(process.execPath, [CLI, 'dataset', 'prompts', '--dataset', join(dataset, split, 'quarry.jsonl'), '--corrections', '0.25', '--out', out]);
    parts.push(readFileSync(out, 'utf8'));
  }
  writeFileSync(prompts, parts.join(''));
  const tokens = join(WORK, 'tokens');
  // train.py lora takes the vocabulary's size from the base model itself.
  await tokenizeExamples({ vocabModel: BASE, promptsFile: prompts, tokensPrefix: tokens, casesFile: null });
  const record = join(WORK, 'record.json');
  const adapter = join(WORK, 'adapter.gguf');
  run(PYTHON, ['train/train.py', 'lora', '--base', BASE, '--tokens', tokens, '--out', adapter, '--merged', MERGED, '--record', record, '--rank', LORA.rank, '--alpha', LORA.alpha, '--epochs', values.epochs ?? LORA.epochs, '--lr', LORA.lr]);
  renameSync(adapter, ADAPTER);
  writeFileSync(RECORD, readFileSync(record, 'utf8'));
  const sha = execFileSync('sha256sum', [ADAPTER], { encoding: 'utf8' }).split(' ')[0];
  console.log(`wrote ${ADAPTER}: ${(statSync(ADAPTER).size / 1024).toFixed(0)} KB, sha256 ${sha}; the merged model: ${MERGED}`);
}

main().catch((error) => {
  console.error(`train:lora: ${error.message}`);
  process.exit(1);
});
