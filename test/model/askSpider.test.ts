import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { askQuestion } from '../../src/core/ask/askQuestion';
import type { IsolatedDatabase } from '../../src/core/db/IsolatedDatabase';
import type { DatabaseSchema } from '../../src/core/schema/DatabaseSchema';
import { openTestDb } from '../helpers/dbAssertions';
import { SPIDER_DIR, spiderDb } from '../helpers/fixtures';
import { newEngine, tinyModelParams } from '../helpers/tinyModel';
import { existsSync } from 'node:fs';

const QUESTIONS = Number(process.env.QUARRY_ASK_QUESTIONS ?? 100);
const engine = newEngine();
const connections = new Map<string, { db: IsolatedDatabase; schema: DatabaseSchema }>();

before(() => engine.load(tinyModelParams()));
after(async () => {
  engine.dispose();
  for (const { db } of connections.values()) await db.dispose();
});

async function connection(dbId: string) {
  let open = connections.get(dbId);
  if (!open) {
    const db = await openTestDb(spiderDb(dbId));
    open = { db, schema: await db.readSchema() };
    connections.set(dbId, open);
  }
  return open;
}

/** Spread over every present dev database, in dev.json order within each. */
function devQuestions(count: number): { question: string; db_id: string }[] {
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { question: string; db_id: string }[];
  const present = dev.filter((e) => existsSync(spiderDb(e.db_id)));
  const step = present.length / count;
  return Array.from({ length: count }, (_, i) => present[Math.floor(i * step)]!);
}

test(`with the grammar on, ${QUESTIONS} Spider dev questions all get SQL that runs`, async () => {
  const failures: string[] = [];
  let tokens = 0;
  const started = performance.now();
  for (const [i, { question, db_id }] of devQuestions(QUESTIONS).entries()) {
    const { db, schema } = await connection(db_id);
    // Sampling (not greedy) so the random model walks many paths through the grammar.
    const result = await askQuestion(db, schema, engine, question, { corrections: 0, temperature: 1, seed: i });
    if (process.env.QUARRY_SHOW_SQL) console.log(result.sql);
    tokens += result.attempts[0]!.sql.length;
    if (!result.valid) failures.push(`${db_id}: ${result.sql}\n  → ${result.attempts[0]!.error}`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${QUESTIONS} questions in ${seconds.toFixed(1)} s (${(tokens / QUESTIONS).toFixed(0)} characters of SQL on average)`);
  assert.deepEqual(failures, []);
});
