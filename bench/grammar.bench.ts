/**
 * The grammar's own cost per generated token against the model's, for both grammars, on Spider
 * schemas and on a 500-table schema, in one run on the tiny random model (CPU, one thread):
 * ms/token without a grammar is the model's cost; the extra ms/token with one is the grammar's.
 * Goal (issue 11): the sql grammar's cost per token below the model's own.
 *
 * The random model is the grammar's worst case: node-llama-cpp samples first and checks only the
 * sampled token against the grammar, and only a refused token makes llama.cpp check the whole
 * vocabulary. A trained model's first choice is mostly allowed; a random model's almost never is.
 */
import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { IsolatedDatabase } from '../src/core/db/IsolatedDatabase';
import { ModelEngine } from '../src/core/engine/ModelEngine';
import { buildAskPrompt } from '../src/core/prompt/buildAskPrompt';
import { grammarFor, type GrammarMode } from '../src/core/sql/grammarFor';
import type { DatabaseSchema } from '../src/core/types/DatabaseSchema';
import { makeTempDir, PROJECT_ROOT, spiderDb, WORKER_SCRIPT } from '../test/helpers/fixtures';
import { tinyModelParams } from '../test/helpers/tinyModel';

const SEEDS = 6;
const MAX_TOKENS = 64;
const GOAL_RATIO = 1;
const NOUNS = ['customer', 'order', 'invoice', 'product', 'shipment', 'account', 'payment', 'employee', 'region', 'supplier'];
const FIELDS = ['id', 'name', 'created_at', 'amount', 'status', 'country', 'email', 'quantity', 'price', 'category', 'updated_at', 'notes'];

function buildWideSchema(path: string, tables: number): void {
  const db = new BetterSqlite3(path);
  db.exec('BEGIN');
  for (let t = 0; t < tables; t++) {
    const columns = FIELDS.map((field, c) => `${field}_${(t + c) % 37} ${c % 2 ? 'TEXT' : 'INTEGER'}`);
    db.exec(`CREATE TABLE ${NOUNS[t % NOUNS.length]}_${t} (${columns.join(', ')})`);
  }
  db.exec('COMMIT');
  db.close();
}

async function readSchema(path: string): Promise<DatabaseSchema> {
  const db = await IsolatedDatabase.open(path, { workerScript: WORKER_SCRIPT });
  try {
    return await db.readSchema({ sampleValues: 0 });
  } finally {
    await db.dispose();
  }
}

/** ms per generated token, over several sampled answers to one short prompt (the same for every schema, so the model's share stays fixed). */
async function msPerToken(engine: ModelEngine, grammar: string | null): Promise<number> {
  const prompt = buildAskPrompt({ dialect: 'sqlite', schemaDdl: '', question: 'How many rows are there?' });
  let tokens = 0;
  let ms = 0;
  for (let seed = 0; seed < SEEDS; seed++) {
    const result = await engine.generate({ ...prompt, grammar, maxTokens: MAX_TOKENS, temperature: 1, seed });
    tokens += result.generatedTokens;
    ms += result.generateMs;
  }
  return ms / tokens;
}

async function main(): Promise<void> {
  const temp = makeTempDir('quarry-bench-');
  const engine = new ModelEngine({ serverScript: join(PROJECT_ROOT, 'dist', 'modelServer.mjs') });
  let missed = false;
  try {
    const wide = join(temp.dir, 'wide.sqlite');
    buildWideSchema(wide, 500);
    const schemas: [string, DatabaseSchema][] = [
      ['concert_singer', await readSchema(spiderDb('concert_singer'))],
      ['world_1', await readSchema(spiderDb('world_1'))],
      ['500 tables', await readSchema(wide)],
    ];
    await engine.load(tinyModelParams());
    await msPerToken(engine, null); // warm-up
    const model = await msPerToken(engine, null);
    console.log(`model alone: ${model.toFixed(2)} ms/token`);
    for (const [name, schema] of schemas) {
      for (const mode of ['sql', 'narrow'] as GrammarMode[]) {
        const grammar = grammarFor(schema, mode)!;
        const grammarMs = (await msPerToken(engine, grammar)) - model;
        const ratio = grammarMs / model;
        const goal = mode === 'sql' ? ` (goal < ${GOAL_RATIO}×: ${ratio < GOAL_RATIO ? 'met' : 'MISSED'})` : '';
        if (mode === 'sql' && ratio >= GOAL_RATIO) missed = true;
        console.log(`${name.padEnd(15)} ${mode.padEnd(6)} grammar ${grammarMs.toFixed(2)} ms/token vs model ${model.toFixed(2)}: ${ratio.toFixed(2)}×${goal}; ${(grammar.length / 1024).toFixed(0)} KB of GBNF`);
      }
    }
  } finally {
    engine.dispose();
    temp.dispose();
  }
  if (missed) process.exitCode = 1;
}

void main();
