import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkGgufFile } from '../../src/core/engine/checkGgufFile';
import { detectPromptFormat } from '../../src/core/prompt/detectPromptFormat';
import { makeTempDir, spiderDb } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { GGUF_DIR } from '../helpers/tinyModel';
import { writeMetadataOnlyGguf } from '../helpers/writeGguf';

const temp = makeTempDir();
after(() => temp.dispose());
const template = (name: string) => readFileSync(join(GGUF_DIR, 'chat-templates', `${name}.jinja`), 'utf8');

/** A GGUF header as llama.cpp's converter writes one for a published model: its names and its chat template. */
function modelFile(file: string, names: Record<string, string>, chatTemplate?: string): string {
  const path = join(temp.dir, file);
  writeMetadataOnlyGguf(path, { 'general.architecture': 'qwen2', ...names, ...(chatTemplate ? { 'tokenizer.chat_template': chatTemplate } : {}) });
  return path;
}

test('the prompt format comes from the model file: OmniSQL, Arctic-Text2SQL, XiYanSQL, SQLCoder, Prem-1B-SQL and Qwen-Coder by name, anything else gets Quarry\'s', () => {
  const cases: [string, Record<string, string>, string | undefined, string][] = [
    ['omnisql.gguf', { 'general.name': 'OmniSQL 7B', 'general.basename': 'OmniSQL' }, template('Qwen-Qwen2.5-7B-Instruct'), 'omnisql'],
    ['omni-finetune.gguf', { 'general.name': 'Qwen2.5 Coder 7B', 'general.finetune': 'omnisql-spider' }, template('Qwen-Qwen2.5-7B-Instruct'), 'omnisql'],
    ['sqlcoder.gguf', { 'general.name': 'defog_sqlcoder-7b-2' }, undefined, 'sqlcoder'],
    ['arctic.gguf', { 'general.name': 'Arctic Text2SQL R1 7B', 'general.basename': 'Arctic-Text2SQL-R1' }, template('Qwen-Qwen2.5-7B-Instruct'), 'arctic'],
    ['xiyan.gguf', { 'general.name': 'XiYanSQL QwenCoder 7B 2502' }, template('Qwen-Qwen2.5-7B-Instruct'), 'xiyan'],
    ['qwen.gguf', { 'general.name': 'Qwen2.5 Coder 7B Instruct' }, template('Qwen-Qwen2.5-7B-Instruct'), 'qwen-coder'],
    ['prem.gguf', { 'general.name': 'prem-1B-SQL' }, undefined, 'premsql'],
    ['xiyan-base-name.gguf', { 'general.name': 'Qwen2.5 Coder 7B Instruct', 'general.finetune': 'XiYanSQL-QwenCoder-2504' }, template('Qwen-Qwen2.5-7B-Instruct'), 'xiyan'],
    ['llama.gguf', { 'general.name': 'Llama 3.2 3B Instruct' }, template('meta-llama-Llama-3.2-3B-Instruct'), 'quarry'],
    ['unnamed.gguf', {}, undefined, 'quarry'],
  ];
  for (const [file, names, chat, expected] of cases) {
    const detected = detectPromptFormat(checkGgufFile(modelFile(file, names, chat)).metadata);
    assert.equal(detected.id, expected, `${file}: ${detected.reason}`);
  }
  assert.equal(detectPromptFormat(null).id, 'quarry', 'no model loaded');
  const base = checkGgufFile(join(temp.dir, 'qwen.gguf')).metadata;
  assert.equal(detectPromptFormat(base, { adapter: '/models/quarry-lora.gguf' }).id, 'quarry', 'a LoRA adapter: tuned on Quarry\'s exports');
});

test('quarry ask --print-prompt with a local model and no --prompt-format asks in the model\'s own format', () => {
  const model = modelFile('sqlcoder-print.gguf', { 'general.name': 'sqlcoder-7b-2' });
  const printed = quarry(['ask', '--db', spiderDb('concert_singer'), '--model', model, '--print-prompt', '--json', 'How many singers?']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal((JSON.parse(printed.stdout) as { format: string }).format, 'sqlcoder');
});
