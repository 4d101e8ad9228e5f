import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { copyInto, makeTempDir, SPIDER_DIR, spiderDb } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';

const temp = makeTempDir();
after(() => temp.dispose());
const db = copyInto(temp.dir, spiderDb('concert_singer'), 'concert.sqlite');

/** Each command with arguments it accepts, so that one stray word or unknown option is the only fault. */
const COMMANDS: Record<string, string[]> = {
  schema: ['schema', '--db', db],
  sql: ['sql', '--db', db, 'SELECT 1'],
  ask: ['ask', '--db', db, '--model', join(temp.dir, 'none.gguf'), 'How many singers?'],
  eval: ['eval', '--spider', SPIDER_DIR, '--predictions', join(temp.dir, 'p.sql')],
  'dataset build': ['dataset', 'build', '--db', db, '--history', join(temp.dir, 'h.sql'), '--out', join(temp.dir, 'out')],
  reward: ['reward', '--rft', join(temp.dir, 'rft.jsonl'), '--sql', 'SELECT 1'],
  grammar: ['grammar', '--db', db],
};

test('every command refuses a stray argument, naming it', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    const run = quarry([...args, 'stray']);
    assert.equal(run.code, 2, `${name}: ${run.stderr}`);
    assert.equal(run.stderr.trim(), `quarry: ${name}: unexpected argument 'stray' (see quarry ${name} --help)`);
  }
});

test('every command refuses an unknown option, naming it', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    const run = quarry([...args, '--bogus']);
    assert.equal(run.code, 2, `${name}: ${run.stderr}`);
    assert.match(run.stderr, new RegExp(`^quarry: ${name}: Unknown option '--bogus'.*\\(see quarry ${name} --help\\)\\n$`));
  }
});

test('quarry <command> --help shows that command', () => {
  for (const [name, args] of Object.entries(COMMANDS)) {
    const run = quarry([...args.slice(0, name === 'dataset build' ? 2 : 1), '--help']);
    assert.equal(run.code, 0, name);
    assert.match(run.stdout, new RegExp(`^Usage: quarry ${name}`));
  }
});

test('--prompt-format\'s default, in each help: detected from the model where one is loaded, Quarry\'s own where none is', () => {
  const defaultOf = (...args: string[]) => /--prompt-format <id> +how the model was trained to be asked \(default: ([^)]+)\)/.exec(quarry([...args, '--help']).stdout)?.[1];
  for (const command of [['ask'], ['eval'], ['complete']]) assert.equal(defaultOf(...command), "from the model file's name", command.join(' '));
  for (const command of [['context'], ['dataset', 'prompts']]) assert.equal(defaultOf(...command), 'quarry', command.join(' '));
});

test('negative numbers reach the option check; thread counts stop at the cores', () => {
  const negative = quarry(['ask', '--db', db, '--model', 'm.gguf', '--context-size', '-5', 'q']);
  assert.equal(negative.code, 2);
  assert.equal(negative.stderr.trim(), "quarry: ask: --context-size must be a whole number of at least 256, got '-5'");
  const threads = quarry(['ask', '--db', db, '--model', 'm.gguf', '--threads', '1000', 'q']);
  assert.equal(threads.code, 2);
  assert.match(threads.stderr, /--threads must be a whole number from 1 to \d+, got '1000'/);
  assert.match(quarry(['sql', '--db', db, '--max-rows', '-1', 'SELECT 1']).stderr, /--max-rows must be a whole number of at least 0, got '-1'/);
  const topP = quarry(['ask', '--db', db, '--model', 'm.gguf', '--top-p', '1.5', 'How many?']);
  assert.equal(topP.code, 2);
  assert.equal(topP.stderr.trim(), "quarry: ask: --top-p must be a number from 0 to 1, got '1.5'");
  assert.match(quarry(['eval', '--dataset', 'x.jsonl', '--model', 'm.gguf', '--temperature', 'hot']).stderr, /eval: --temperature must be a number from 0 to 2, got 'hot'/);
});

test('--history takes several files, as a shell glob gives them, and may repeat', () => {
  const files = ['a.sql', 'b.sql', 'c.sql', 'd.sql'].map((name, i) => {
    const path = join(temp.dir, name);
    writeFileSync(path, `SELECT ${i + 1} AS n FROM singer;\n`);
    return path;
  });
  const out = join(temp.dir, 'glob-out');
  const run = quarry(['dataset', 'build', '--db', db, '--history', files[0]!, files[1]!, files[2]!, '--formats', 'quarry', '--history', files[3]!, '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
  assert.deepEqual(manifest.sources, files);
  assert.equal(manifest.counts.statements, 4);
});

test('a model server: its options are checked before anything is opened, each error naming the option', () => {
  const ask = (...args: string[]) => quarry(['ask', '--db', db, ...args, 'How many singers?']);
  const cases: [string[], RegExp][] = [
    [['--model', 'm.gguf', '--endpoint', 'http://127.0.0.1:9/v1'], /give --model .* or --endpoint <url>, not both/],
    [['--endpoint', 'gpu-box:8000'], /--endpoint must be an http:\/\/ or https:\/\/ URL, got 'gpu-box:8000'/],
    [['--endpoint', 'http://127.0.0.1:9/v1', '--api', 'tgi'], /--api must be one of vllm, llama-server, sglang, ollama, openai, got 'tgi'/],
    [['--endpoint', 'http://127.0.0.1:9/v1', '--api-key-env', 'QUARRY_NO_SUCH_VARIABLE'], /--api-key-env QUARRY_NO_SUCH_VARIABLE: that environment variable is not set/],
    [['--model', 'm.gguf', '--api', 'vllm'], /--api needs --endpoint <url>/],
  ];
  for (const [args, message] of cases) {
    const run = ask(...args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message);
  }
  const local = quarry(['eval', '--spider', SPIDER_DIR, '--model', 'm.gguf', '--concurrency', '4']);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /--concurrency needs --endpoint <url>/);
});
