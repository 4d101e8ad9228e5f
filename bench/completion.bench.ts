/**
 * Inline completion under typing, on the tiny random GGUF model (CPU, two threads) and concert_singer:
 * a scripted sequence of keystrokes, each one cancelling the request of the one before, as VS Code
 * does. Prints p50/p95 latency of the requests that got a suggestion, and how many model calls the
 * debounce, the reuse of running generations and the cache saved against one call per keystroke.
 */
import { join } from 'node:path';
import { CompletionSchema, InlineCompleter, type CompletionResult } from '../src/core/complete/InlineCompleter';
import { IsolatedDatabase } from '../src/core/db/IsolatedDatabase';
import { ModelEngine } from '../src/core/engine/ModelEngine';
import { PROJECT_ROOT, spiderDb, WORKER_SCRIPT } from '../test/helpers/fixtures';
import { tinyModelParams } from '../test/helpers/tinyModel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Typing speed: a key every 70 ms, a longer pause after a word now and then. */
function gapAfter(char: string, i: number): number {
  if (char === '\n') return 900;
  if (char === ' ' && i % 3 === 0) return 450;
  return 70;
}

async function main(): Promise<void> {
  const engine = new ModelEngine({ serverScript: join(PROJECT_ROOT, 'dist', 'modelServer.mjs') });
  const db = await IsolatedDatabase.open(spiderDb('concert_singer'), { workerScript: WORKER_SCRIPT });
  try {
    await engine.load(tinyModelParams({ threads: 2 }));
    const schema = new CompletionSchema(await db.readSchema());
    const completer = new InlineCompleter(engine, () => ({ grammar: 'narrow', debounceMs: 250, maxTokens: 48, onlyOnComment: false }));
    const latencies: { ms: number; source: CompletionResult['source'] }[] = [];
    let text = '';
    let previous: AbortController | null = null;
    // What the editor shows now: the last suggestion that arrived before the next keystroke.
    const shown = { suggestion: null as string | null };
    const pending: Promise<void>[] = [];
    const keystroke = () => {
      previous?.abort();
      const controller = new AbortController();
      previous = controller;
      const started = performance.now();
      pending.push(
        completer.complete({ database: 'concert_singer', schema, text, offset: text.length }, controller.signal).then((result: CompletionResult | null) => {
          if (result && !controller.signal.aborted) latencies.push({ ms: performance.now() - started, source: result.source });
          shown.suggestion = result && !controller.signal.aborted ? result.text : null;
        }),
      );
    };

    // Phase 1: the user types a script of their own.
    const script = "-- singers from France, oldest first\nSELECT Name, Age FROM singer WHERE Country = 'France' ORDER BY Age DESC;\n\n-- how many concerts per year\n";
    for (const [i, char] of [...script].entries()) {
      text += char;
      keystroke();
      await sleep(gapAfter(char, i));
    }
    await sleep(1500);
    // Phase 2: the user types along with what is suggested (accepting it character by character).
    for (let round = 0; round < 3; round++) {
      const suggestion = shown.suggestion;
      if (!suggestion) break;
      for (const char of suggestion.slice(0, 12)) {
        text += char;
        keystroke();
        await sleep(70);
      }
      await sleep(1500);
    }
    await Promise.all(pending);
    completer.dispose();

    const percentiles = (list: number[]) => {
      const sorted = [...list].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
      return `p50 ${at(50).toFixed(0)} ms, p95 ${at(95).toFixed(0)} ms (${list.length})`;
    };
    const s = completer.stats;
    console.log(`inline completion under typing: ${s.requests} requests (one per keystroke), ${latencies.length} suggestions shown`);
    console.log(`  latency of shown suggestions: all ${percentiles(latencies.map((l) => l.ms))}`);
    console.log(
      `    from the model ${percentiles(latencies.filter((l) => l.source === 'model').map((l) => l.ms))} (250 ms debounce included); ` +
        `reused ${percentiles(latencies.filter((l) => l.source === 'reuse').map((l) => l.ms))}; cache ${percentiles(latencies.filter((l) => l.source === 'cache').map((l) => l.ms))}`,
    );
    console.log(
      `  model calls: ${s.modelCalls} instead of ${s.requests} (${(s.requests / Math.max(1, s.modelCalls)).toFixed(1)}× fewer): ` +
        `${s.debounced} saved by the debounce, ${s.reused} by reusing a running generation, ${s.fromCache} by the cache; ` +
        `${s.cancelledCalls} generations stopped when typing moved on`,
    );
  } finally {
    engine.dispose();
    await db.dispose();
  }
}

void main();
