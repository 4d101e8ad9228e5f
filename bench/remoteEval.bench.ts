/**
 * Evaluation against a serving engine (issue 16): `quarry eval --endpoint` on Spider dev examples
 * against a loopback server that speaks vLLM's API and generates with the tiny GGUF model under the
 * grammar it is sent (test/helpers/openAiCompatibleServer.ts, 8 requests side by side), once with
 * --concurrency 1 and once with 8, in the same run. Goal: 8 is faster, with the same verdicts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, SPIDER_DIR } from '../test/helpers/fixtures';
import { startOpenAiCompatibleServer } from '../test/helpers/openAiCompatibleServer';
import { quarryInBackground } from '../test/helpers/runCli';

const EXAMPLES = 48;

async function main(): Promise<void> {
  const server = await startOpenAiCompatibleServer({ api: 'vllm', modelName: 'tiny', parallel: 8 });
  const temp = makeTempDir('quarry-bench-remote-');
  try {
    const runs: { concurrency: number; seconds: number; verdicts: (number | undefined)[]; accuracy: string }[] = [];
    for (const concurrency of [1, 8]) {
      const report = join(temp.dir, `report-${concurrency}.json`);
      const started = performance.now();
      const run = await quarryInBackground(['eval', '--spider', SPIDER_DIR, '--limit', String(EXAMPLES), '--endpoint', server.url, '--api', 'vllm', '--grammar', 'narrow', '--attempts', '0', '--concurrency', String(concurrency), '--report', report]);
      if (run.code !== 0) throw new Error(`quarry eval failed: ${run.stderr}`);
      const seconds = (performance.now() - started) / 1000;
      const parsed = JSON.parse(readFileSync(report, 'utf8')) as { summary: { accuracy?: number; execAccuracy?: number }; examples: { index: number; execMatch?: number }[] };
      runs.push({ concurrency, seconds, verdicts: parsed.examples.sort((a, b) => a.index - b.index).map((e) => e.execMatch), accuracy: JSON.stringify(parsed.summary).slice(0, 80) });
      console.log(`--concurrency ${concurrency}: ${EXAMPLES} examples in ${seconds.toFixed(1)} s`);
    }
    const [one, eight] = runs as [(typeof runs)[number], (typeof runs)[number]];
    const same = JSON.stringify(one.verdicts) === JSON.stringify(eight.verdicts);
    const faster = eight.seconds < one.seconds;
    console.log(
      `remote evaluation: --concurrency 8 ${(one.seconds / eight.seconds).toFixed(2)}× the speed of 1, verdicts ${same ? 'the same' : 'DIFFERENT'} ` +
        `(goal: faster, same verdicts: ${faster && same ? 'met' : 'MISSED'})`,
    );
    if (!faster || !same) process.exitCode = 1;
  } finally {
    temp.dispose();
    await server.close();
  }
}

void main();
