import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import type { LanguageModel } from '../../src/core/engine/LanguageModel';
import { completionInput } from '../../src/core/protocol/completionInput';
import type { GenerateParams, GenerateResult } from '../../src/core/protocol/modelServerMethods';
import { openTestDb } from '../helpers/dbAssertions';
import { makeTempDir, PROJECT_ROOT, SPIDER_DIR } from '../helpers/fixtures';
import { quarry } from '../helpers/runCli';
import { TINY_MODEL } from '../helpers/tinyModel';

const temp = makeTempDir('quarry-prompts-');
after(() => temp.dispose());

interface Exported {
  db_id: string;
  question: string;
  prompt: string;
  completion: string;
  correction?: { sql: string; error: string };
}

const read = (file: string): Exported[] => readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Exported);

test('dataset prompts writes, for each question, what quarry ask --print-prompt shows a model without a chat template is sent, byte for byte', () => {
  const out = join(temp.dir, 'spider.jsonl');
  const run = quarry(['dataset', 'prompts', '--spider', SPIDER_DIR, '--split', 'train', '--limit', '25', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /25 prompts \(quarry format\) written to/);
  const examples = read(out);
  assert.equal(examples.length, 25);
  // Two databases among them, each example checked against the ask path it must equal.
  assert.deepEqual([...new Set(examples.map((e) => e.db_id))].sort(), ['department_management', 'farm']);
  for (const example of [examples[0]!, examples[24]!]) {
    const db = join(SPIDER_DIR, 'database', example.db_id, `${example.db_id}.sqlite`);
    const printed = quarry(['ask', '--print-prompt', '--db', db, '--model', TINY_MODEL, example.question]);
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(`${example.prompt}\n`, printed.stdout, `${example.db_id}: ${example.question}`);
    assert.match(example.prompt, /^-- SQLite database schema\nCREATE TABLE /);
    assert.ok(example.prompt.endsWith(`-- Question: ${example.question.trim()}\n-- SQLite query:\n`));
  }
  assert.equal(examples[0]!.completion, 'SELECT count(*) FROM head WHERE age  >  56');
});

test('a Quarry JSONL dataset on the bundled example database exports the same way; an output not its own is refused', () => {
  const dataset = join(temp.dir, 'shop.jsonl');
  const db = join(PROJECT_ROOT, 'examples', 'shop.sqlite');
  writeFileSync(dataset, `${JSON.stringify({ question: 'How many customers are there?', sql: 'SELECT count(*) FROM customers', db })}\n`);
  const out = join(temp.dir, 'shop-prompts.jsonl');
  assert.equal(quarry(['dataset', 'prompts', '--dataset', dataset, '--out', out]).code, 0);
  const [example] = read(out);
  assert.equal(`${example!.prompt}\n`, quarry(['ask', '--print-prompt', '--db', db, '--model', TINY_MODEL, 'How many customers are there?']).stdout);
  // Its own earlier output is replaced; anything else is refused with every byte kept.
  assert.equal(quarry(['dataset', 'prompts', '--dataset', dataset, '--out', out]).code, 0);
  const notes = join(temp.dir, 'notes.jsonl');
  writeFileSync(notes, 'my notes\n');
  const refused = quarry(['dataset', 'prompts', '--dataset', dataset, '--out', notes]);
  assert.equal(refused.code, 2, refused.stderr);
  assert.equal(readFileSync(notes, 'utf8'), 'my notes\n');
});

test('--print-prompt for a model with no chat template prints the completion text; without a model, the format\'s chat turns', () => {
  const db = join(PROJECT_ROOT, 'examples', 'shop.sqlite');
  const withModel = quarry(['ask', '--print-prompt', '--db', db, '--model', TINY_MODEL, 'How many orders?']);
  assert.match(withModel.stdout, /^-- SQLite database schema\n/);
  const withoutModel = quarry(['ask', '--print-prompt', '--db', db, 'How many orders?']);
  assert.match(withoutModel.stdout, /^=== system ===\nYou write SQLite SQL/);
});

test('correction turns: an invented name, the database\'s own words on it, and exactly the prompt Ask sends after that failure', async () => {
  const out = join(temp.dir, 'corrections.jsonl');
  const run = quarry(['dataset', 'prompts', '--spider', SPIDER_DIR, '--limit', '12', '--corrections', '1', '--out', out]);
  assert.equal(run.code, 0, run.stderr);
  const turns = read(out).filter((e) => e.correction);
  assert.ok(turns.length >= 8, `${turns.length} correction turns of 12`);
  for (const turn of turns) assert.match(turn.correction!.error, /no such (column|table)/);
  // Ask itself, on a model that answers with the wrong query first: its second prompt is the export's.
  const turn = turns[0]!;
  const db = await openTestDb(join(SPIDER_DIR, 'database', turn.db_id, `${turn.db_id}.sqlite`));
  try {
    const schema = await db.readSchema();
    const sent: GenerateParams[] = [];
    const answers = [turn.correction!.sql, turn.completion];
    const model: LanguageModel = {
      status: { modelPath: 'scripted', loraPath: null, device: 'cpu', contextSize: 8192, chatTemplate: false, loadMs: 0 },
      metadata: new Map(),
      capabilities: { grammar: true, infill: false, chatTemplate: false, batching: false },
      async generate(params) {
        sent.push(params);
        return { text: answers[sent.length - 1] ?? '', stopReason: 'eogToken', promptTokens: 1, reusedTokens: 0, generatedTokens: 1, promptMs: 0, generateMs: 0 } as GenerateResult;
      },
      generateBatch: async () => [],
      countTokens: async (text) => Math.ceil(text.length / 4),
    };
    const result = await askQuestion(db, schema, model, turn.question, { promptFormat: 'quarry', grammar: 'off' });
    assert.equal(result.valid, true);
    assert.equal(sent.length, 2);
    assert.equal(completionInput(sent[1]!), turn.prompt);
  } finally {
    await db.dispose();
  }
});
