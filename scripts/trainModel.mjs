// npm run train:model [-- --force] [--minutes N] [--epochs N]: trains Quarry's sample model from scratch.
//
// Steps (each skipped when its output is already there, so a stopped run resumes):
//   1. prompts   Quarry renders the training prompts itself (`quarry dataset prompts`): no copy of the
//                prompt code anywhere else, so the model is trained on exactly what it will be sent.
//   2. tokenizer train/train.py trains a SentencePiece vocabulary and writes it as a vocabulary-only GGUF.
//   3. tokens    node-llama-cpp tokenizes every example as the product does (BOS, then the text with
//                trimLeadingSpace, the answer as it continues the prompt, then EOS).
//   4. fit       train/train.py trains, checkpointing to models/.work/checkpoints (resumable).
//   4b. focus    a second phase on the bundled example, from fit's weights: its history and the
//                many-worded questions of examples/shop-questions.jsonl (scripts/writeShopQuestions.mjs),
//                with a sample of Spider so that what fit taught is kept: models/.work/focus (resumable).
//   5. export    train/train.py writes the GGUF; node-llama-cpp must then give torch's greedy tokens
//                on 20 prompts, or the file is not kept.
// Python is Debian's torch: apt-get install -y python3-torch python3-sentencepiece python3-numpy libopenblas0-pthread
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { tokenizeExamples } from './tokenizeExamples.mjs';

const ROOT = resolve(import.meta.dirname, '..');
// Ignored by git; QUARRY_TRAIN_WORK moves it (a trial run on a few examples).
const WORK = process.env.QUARRY_TRAIN_WORK ? resolve(process.env.QUARRY_TRAIN_WORK) : join(ROOT, 'models', '.work');
const MODEL = join(ROOT, 'models', 'quarry-mini-sql.gguf');
const PYTHON = '/usr/bin/python3';
const SPIDER = resolve(ROOT, '..', 'shared', 'data', 'spider');
const PARITY_CASES = 20;
const PARITY_TOKENS = 48;
const CONTEXT = 2048;

const { values, positionals } = parseArgs({
  options: {
    force: { type: 'boolean' },
    minutes: { type: 'string' },
    epochs: { type: 'string' },
    vocab: { type: 'string' },
  },
  allowPositionals: true,
});

function run(command, args) {
  console.log(`$ ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT });
  if (result.status !== 0) throw new Error(`${command} ${args[0]} failed (exit ${result.status})`);
}

function checkPython() {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, sentencepiece, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Error(`${PYTHON} cannot import torch, sentencepiece and numpy; install Debian's: apt-get install -y python3-torch python3-sentencepiece python3-numpy libopenblas0-pthread`);
  }
}

/** The bundled example's history is small beside Spider's 7,000 questions: it is seen this many times an epoch. */
const EXAMPLE_REPEATS = 6;
/**
 * The focus phase: the example's history four times and its generated questions twice an epoch,
 * with 1,000 of Spider's examples (seeded) so that the SQL learnt there is kept. Fit's epochs of
 * Spider teach SQL's shape; this is what makes the sample model answer on the sample database.
 * Twelve epochs: held-out accuracy rose to about 36% by the eighth and stayed there (models/README.md).
 */
const FOCUS = { historyRepeats: 4, questionRepeats: 2, spider: 1000, epochs: 12, lr: '1e-3' };

const files = {
  prompts: join(WORK, 'prompts.jsonl'),
  spiderPrompts: join(WORK, 'prompts-spider-train.jsonl'),
  shopDataset: join(WORK, 'shop-dataset'),
  shopPrompts: join(WORK, 'prompts-shop.jsonl'),
  shopQuestionsPrompts: join(WORK, 'prompts-shop-questions.jsonl'),
  tokenizer: join(WORK, 'tokenizer.model'),
  vocabGguf: join(WORK, 'vocab.gguf'),
  tokens: join(WORK, 'tokens'),
  checkpoints: join(WORK, 'checkpoints'),
  cases: join(WORK, 'parity-cases.json'),
  casesTorch: join(WORK, 'parity-cases-torch.json'),
  focusPrompts: join(WORK, 'focus', 'prompts.jsonl'),
  focusTokens: join(WORK, 'focus', 'tokens'),
  focusCheckpoints: join(WORK, 'focus', 'checkpoints'),
};

async function loadLlama() {
  const { getLlama } = await import('node-llama-cpp');
  return getLlama({ gpu: false, logLevel: 'error' });
}

/** Step 3: every example as token ids, the way LlamaCompletion tokenizes what the model server sends. */
function tokenize(promptsFile = files.prompts, tokensPrefix = files.tokens, casesFile = files.cases) {
  const vocabSize = JSON.parse(readFileSync(`${files.tokenizer}.json`, 'utf8')).size;
  return tokenizeExamples({ vocabModel: files.vocabGguf, vocabSize, promptsFile, tokensPrefix, casesFile, parityCases: PARITY_CASES, parityTokens: PARITY_TOKENS, context: CONTEXT });
}

/** Step 5's check: node-llama-cpp's greedy tokens for each case equal torch's (F32 KV cache, no flash attention, one thread). */
async function parity(modelPath) {
  const llama = await loadLlama();
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: CONTEXT, threads: 1, flashAttention: false, experimentalKvCacheKeyType: 'F32', experimentalKvCacheValueType: 'F32' });
  const cases = JSON.parse(readFileSync(files.casesTorch, 'utf8'));
  let agreed = 0;
  for (const item of cases) {
    const sequence = context.getSequence();
    const got = [];
    for await (const token of sequence.evaluate(item.prompt, { temperature: 0 })) {
      got.push(token);
      if (token === model.tokens.eos || got.length >= item.torch.length) break;
    }
    sequence.dispose();
    // node-llama-cpp ends at the end-of-generation token without yielding it: torch's EOS is that end.
    const expected = item.torch.at(-1) === model.tokens.eos ? item.torch.slice(0, -1) : item.torch;
    const same = got.length === expected.length && got.every((token, i) => token === expected[i]);
    if (same) agreed++;
    else console.log(`differs on "${item.question}":\n  torch     ${item.torch.join(' ')}\n  llama.cpp ${got.join(' ')}`);
  }
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  console.log(`greedy tokens agree on ${agreed} of ${cases.length} prompts`);
  return agreed === cases.length;
}

/**
 * Step 1: Spider train, and the bundled example database's history turned into examples by
 * `quarry dataset build` (both of its splits: the held-out questions are examples/shop-heldout.jsonl),
 * each with a correction turn for a quarter of the questions, so that Ask's --attempts has
 * something to work with. Spider dev and OpenFlights are never trained on.
 */
function writePrompts() {
  const cli = join(ROOT, 'dist', 'cli.js');
  run(process.execPath, [cli, 'dataset', 'prompts', '--spider', SPIDER, '--split', 'train', '--corrections', '0.25', '--out', files.spiderPrompts]);
  rmSync(files.shopDataset, { recursive: true, force: true });
  run(process.execPath, [cli, 'dataset', 'build', '--db', join(ROOT, 'examples', 'shop.sqlite'), '--history', join(ROOT, 'examples', 'shop-history.sql'), '--questions', 'history', '--formats', 'quarry', '--out', files.shopDataset]);
  const shop = [];
  for (const split of ['train', 'test']) {
    const out = `${files.shopPrompts}.${split}`;
    run(process.execPath, [cli, 'dataset', 'prompts', '--dataset', join(files.shopDataset, split, 'quarry.jsonl'), '--corrections', '0.25', '--out', out]);
    shop.push(readFileSync(out, 'utf8'));
  }
  writeFileSync(files.prompts, readFileSync(files.spiderPrompts, 'utf8') + shop.join('').repeat(EXAMPLE_REPEATS));
}

/** Step 4b's data: the example's history and generated questions, repeated, and a seeded sample of Spider train's examples. */
function writeFocusPrompts() {
  mkdirSync(join(WORK, 'focus'), { recursive: true });
  const cli = join(ROOT, 'dist', 'cli.js');
  run(process.execPath, [cli, 'dataset', 'prompts', '--dataset', join(ROOT, 'examples', 'shop-questions.jsonl'), '--corrections', '0.1', '--out', files.shopQuestionsPrompts]);
  const history = ['train', 'test'].map((split) => readFileSync(`${files.shopPrompts}.${split}`, 'utf8')).join('');
  const shop = history.repeat(FOCUS.historyRepeats) + readFileSync(files.shopQuestionsPrompts, 'utf8').repeat(FOCUS.questionRepeats);
  const spider = readFileSync(files.spiderPrompts, 'utf8').trim().split('\n');
  // A seeded shuffle (mulberry32), so the sample is the same on every run.
  let state = 27;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = spider.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [spider[i], spider[j]] = [spider[j], spider[i]];
  }
  writeFileSync(files.focusPrompts, shop + spider.slice(0, FOCUS.spider).join('\n') + '\n');
}

async function main() {
  const step = positionals[0] ?? 'all';
  mkdirSync(WORK, { recursive: true });
  mkdirSync(join(ROOT, 'models'), { recursive: true });
  if (step === 'parity') return process.exit((await parity(positionals[1] ?? MODEL)) ? 0 : 1);
  checkPython();
  if (!values.force && existsSync(MODEL) && step === 'all') {
    throw new Error(`${MODEL} is committed; pass --force (npm run train:model -- --force) to train and replace it`);
  }
  if (!existsSync(files.prompts)) writePrompts();
  if (!existsSync(files.vocabGguf)) {
    run(PYTHON, ['train/train.py', 'tokenizer', '--prompts', files.prompts, '--vocab', values.vocab ?? '4096', '--out', files.tokenizer, '--gguf', files.vocabGguf]);
  }
  if (!existsSync(`${files.tokens}.bin`) || !existsSync(files.cases)) await tokenize();
  if (step === 'tokens') return;
  run(PYTHON, ['train/train.py', 'fit', '--tokens', files.tokens, '--checkpoints', files.checkpoints, ...(values.minutes ? ['--minutes', values.minutes] : []), ...(values.epochs ? ['--epochs', values.epochs] : [])]);
  if (step === 'fit') return;
  if (!existsSync(files.focusPrompts)) writeFocusPrompts();
  if (!existsSync(`${files.focusTokens}.bin`)) await tokenize(files.focusPrompts, files.focusTokens, null);
  run(PYTHON, ['train/train.py', 'fit', '--tokens', files.focusTokens, '--checkpoints', files.focusCheckpoints, '--init', join(files.checkpoints, 'latest.pt'), '--epochs', String(FOCUS.epochs), '--lr', FOCUS.lr, '--warmup', '10', '--log-every', '5']);
  if (step === 'focus') return;
  const temporary = `${MODEL}.tmp`;
  rmSync(temporary, { force: true });
  run(PYTHON, ['train/train.py', 'export', '--checkpoints', files.focusCheckpoints, '--tokenizer', files.tokenizer, '--out', MODEL, '--cases', files.cases, '--cases-out', files.casesTorch, '--max-new', String(PARITY_TOKENS), ...(values.force ? ['--force'] : [])]);
  if (!(await parity(temporary))) {
    rmSync(temporary, { force: true });
    throw new Error('llama.cpp does not give torch\'s greedy tokens: the model file was not written');
  }
  renameSync(temporary, MODEL);
  const sha = execFileSync('sha256sum', [MODEL], { encoding: 'utf8' }).split(' ')[0];
  console.log(`wrote ${MODEL}: ${(statSync(MODEL).size / 1024 / 1024).toFixed(1)} MB, sha256 ${sha}`);
}

main().catch((error) => {
  console.error(`train:model: ${error.message}`);
  process.exit(1);
});
