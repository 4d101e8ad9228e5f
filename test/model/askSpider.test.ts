import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CLI_SCRIPT, SPIDER_DIR, spiderDb } from '../helpers/fixtures';
import { TINY_MODEL } from '../helpers/tinyModel';

const QUESTIONS = Number(process.env.QUARRY_ASK_QUESTIONS ?? 100);

/** Spread over every present dev database, in dev.json order within each. */
function devQuestions(count: number): { question: string; db_id: string }[] {
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { question: string; db_id: string }[];
  const present = dev.filter((e) => existsSync(spiderDb(e.db_id)));
  const step = present.length / count;
  return Array.from({ length: count }, (_, i) => present[Math.floor(i * step)]!);
}

function quarry(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test(`quarry ask --json --grammar narrow: ${QUESTIONS} Spider dev questions all get SQL that runs on their database`, async () => {
  const failures: string[] = [];
  const started = performance.now();
  const distinct = new Set<string>();
  for (const [i, { question, db_id }] of devQuestions(QUESTIONS).entries()) {
    // Sampling (a seed per question), not greedy decoding: the random model then walks many
    // different paths through the grammar instead of one.
    const run = await quarry(['ask', '--db', spiderDb(db_id), '--model', TINY_MODEL, '--threads', '1', '--json', '--grammar', 'narrow', '--attempts', '0', '--temperature', '1', '--seed', String(i), question]);
    const answer = run.stdout ? (JSON.parse(run.stdout) as { sql: string; valid: boolean; attempts: { error?: string }[] }) : null;
    if (process.env.QUARRY_SHOW_SQL) console.log(answer?.sql);
    if (run.code !== 0 || !answer?.valid) failures.push(`${db_id}: ${answer?.sql ?? ''} → ${answer?.attempts[0]?.error ?? run.stderr}`);
    if (answer) distinct.add(answer.sql);
  }
  console.log(`${QUESTIONS} questions in ${((performance.now() - started) / 1000).toFixed(1)} s, ${distinct.size} different queries`);
  assert.deepEqual(failures, []);
  assert.ok(distinct.size > QUESTIONS * 0.8, 'the test covers many different queries');
});
