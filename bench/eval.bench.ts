/**
 * Scoring speed: all of Spider dev with predictions given (here the gold queries themselves), with
 * one database worker and with one per core (the first is the reference in the same run), and the
 * strict mode with K=3 generated instances per database.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadSpiderDataset } from '../src/core/eval/EvalDataset';
import { runEvaluation } from '../src/core/eval/runEvaluation';
import { makeTempDir, SPIDER_DIR, WORKER_SCRIPT } from '../test/helpers/fixtures';

async function main(): Promise<void> {
  const temp = makeTempDir('quarry-bench-');
  try {
    const dev = loadSpiderDataset(SPIDER_DIR, 'dev');
    const predictions = new Map(dev.map((e) => [e.index, e.goldSql]));
    const time = async (workers: number, instances = 0) => {
      const started = performance.now();
      const report = await runEvaluation(dev, { kind: 'predictions', predictions }, {
        report: join(temp.dir, `eval-${workers}.json`),
        settings: {},
        workers,
        instances,
        workerScript: WORKER_SCRIPT,
      });
      return { seconds: (performance.now() - started) / 1000, evaluated: report.summary.evaluated };
    };
    const one = await time(1);
    const cores = availableParallelism();
    const all = await time(cores);
    console.log(`Spider dev scoring (${dev.length} examples, ${all.evaluated} runnable, predictions given):`);
    console.log(`  1 worker  ${one.seconds.toFixed(1)} s, ${(dev.length / one.seconds).toFixed(0)} examples/s`);
    console.log(
      `  ${cores} workers ${all.seconds.toFixed(1)} s, ${(dev.length / all.seconds).toFixed(0)} examples/s (${(one.seconds / all.seconds).toFixed(2)}× the single worker)`,
    );
    const strict = await time(cores, 3);
    console.log(
      `  strict mode, K=3 generated instances, ${cores} workers: ${strict.seconds.toFixed(1)} s, ${(dev.length / strict.seconds).toFixed(0)} examples/s (${(strict.seconds / all.seconds).toFixed(1)}× the plain run)`,
    );
  } finally {
    temp.dispose();
  }
}

void main();
