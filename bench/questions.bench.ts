/**
 * Model-written questions for a dataset build, on the tiny random GGUF model from ../shared/data
 * (CPU): the same history built with one sequence (each question after the other) and with four
 * sequences that llama.cpp evaluates in one batch. Prints the time of the questions stage and the ratio.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset } from '../src/core/dataset/buildDataset';
import { ModelEngine } from '../src/core/engine/ModelEngine';
import { loadSpiderDataset } from '../src/core/eval/EvalDataset';
import { PROJECT_ROOT, SPIDER_DIR, spiderDb, WORKER_SCRIPT } from '../test/helpers/fixtures';
import { tinyModelParams } from '../test/helpers/tinyModel';

async function questionsStageMs(history: string, out: string, batchSequences: number): Promise<{ ms: number; questions: number }> {
  const engine = new ModelEngine({ serverScript: join(PROJECT_ROOT, 'dist', 'modelServer.mjs') });
  try {
    await engine.load(tinyModelParams({ threads: 2, batchSequences }));
    let started = 0;
    let ended = 0;
    const manifest = await buildDataset({
      dbPath: spiderDb('concert_singer'),
      histories: [history],
      out,
      questions: 'model',
      engine,
      workerScript: WORKER_SCRIPT,
      onProgress: ({ stage }) => {
        if (stage === 'questions' && !started) started = performance.now();
        if (stage === 'writing' && !ended) ended = performance.now();
      },
    });
    return { ms: (ended || performance.now()) - started, questions: manifest.counts.questions.model };
  } finally {
    engine.dispose();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quarry-bench-'));
  try {
    const history = join(dir, 'history.sql');
    const queries = loadSpiderDataset(SPIDER_DIR, 'dev').filter((e) => e.dbId === 'concert_singer').map((e) => e.goldSql);
    writeFileSync(history, `${queries.map((q) => `${q};`).join('\n')}\n`);
    const one = await questionsStageMs(history, join(dir, 'one'), 1);
    const four = await questionsStageMs(history, join(dir, 'four'), 4);
    console.log(
      `model-written questions (${one.questions} on concert_singer): one sequence ${one.ms.toFixed(0)} ms, ` +
        `four batched sequences ${four.ms.toFixed(0)} ms (${(one.ms / four.ms).toFixed(2)}× faster batched)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
