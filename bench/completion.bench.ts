/**
 * Inline completion under typing, with Quarry's sample model (CPU, one thread) on the bundled shop
 * database and the editor's own settings (the sql grammar): a scripted sequence of keystrokes, each
 * one cancelling the request of the one before, as VS Code does. Issue 27's goal: at every pause of
 * the script (700 ms, all where ghost text belongs: after SQL inside a statement, or on the empty
 * line under a comment), the answer is there before the next keystroke, p95 from the pause's start at
 * most 300 ms. An answer is a suggestion, or the model ending the statement where it stands (it
 * wrote nothing): a model that knows SQL may judge a statement complete, and that is what it would
 * show, not a delay. How many pauses got a suggestion is printed beside the goal. Also prints how many model calls the debounce,
 * the reuse of running generations and the cache saved against one call per keystroke.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_SCRIPT, makeTempDir, SPIDER_DIR } from '../test/helpers/fixtures';
import { CompletionSchema, InlineCompleter, type CompletionResult, type CompletionTiming } from '../src/core/complete/InlineCompleter';
import { IsolatedDatabase } from '../src/core/db/IsolatedDatabase';
import { DEFAULT_COMPLETION_SETTINGS, DEFAULT_GRAMMAR } from '../src/core/defaults';
import { ModelEngine } from '../src/core/engine/ModelEngine';
import { sampleModelPath } from '../src/core/models/sampleModel';
import { PROJECT_ROOT, spiderDb, WORKER_SCRIPT } from '../test/helpers/fixtures';
import { tinyModelParams } from '../test/helpers/tinyModel';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY_MS = 70;
const PAUSE_MS = 700;
const PAUSE_P95_GOAL_MS = 300;
const SAMPLE_MODEL = sampleModelPath(PROJECT_ROOT);
const SHOP = join(PROJECT_ROOT, 'examples', 'shop.sqlite');

/** What the user types, a pause after each part. */
const SCRIPT = [
  '-- customers from Germany, newest first\n',
  'SELECT name, city FROM customers',
  " WHERE country = 'Germany'",
  ' ORDER BY signed_up DESC;\n\n-- how many orders per status\n',
  'SELECT status, count(*) FROM orders',
  ' GROUP BY status',
  ';\n\nSELECT c.name, count(*) FROM orders AS o JOIN customers AS c ON o.customer_id = c.id',
  ' GROUP BY ',
  'c.name ORDER BY ',
];

const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const percentiles = (list: number[]) => `p50 ${percentile(list, 50).toFixed(0)} ms, p95 ${percentile(list, 95).toFixed(0)} ms (${list.length})`;

async function main(): Promise<void> {
  const engine = new ModelEngine({ serverScript: join(PROJECT_ROOT, 'dist', 'modelServer.mjs') });
  const db = await IsolatedDatabase.open(SHOP, { workerScript: WORKER_SCRIPT });
  let missed = false;
  try {
    await engine.load(tinyModelParams({ modelPath: SAMPLE_MODEL, threads: 1 }));
    const schema = new CompletionSchema(await db.readSchema());
    // The editor's defaults: debounce, token budgets, and the sql grammar.
    const completer = new InlineCompleter(engine, () => ({ ...DEFAULT_COMPLETION_SETTINGS, grammar: DEFAULT_GRAMMAR }));
    // As the editor does when the file comes into view.
    await completer.prepare(schema);
    const latencies: { ms: number; source: CompletionResult['source']; timing?: CompletionTiming }[] = [];
    let text = '';
    let previous: AbortController | null = null;
    // What the editor shows now: the last suggestion that arrived before the next keystroke.
    const shown = { suggestion: null as string | null };
    const pending: Promise<void>[] = [];
    /** When the answer came and whether it was a suggestion; null when typing cancelled it or it failed. */
    const keystroke = (): Promise<{ ms: number; suggestion: boolean } | null> => {
      previous?.abort();
      const controller = new AbortController();
      previous = controller;
      const started = performance.now();
      const answered = completer.complete({ database: 'shop', schema, text, offset: text.length }, controller.signal).then((result: CompletionResult | null) => {
        const ms = performance.now() - started;
        const showsNow = result !== null && !controller.signal.aborted;
        if (showsNow) latencies.push({ ms, source: result.source, ...(result.timing ? { timing: result.timing } : {}) });
        shown.suggestion = showsNow ? result.text : null;
        if (showsNow) return { ms, suggestion: true };
        const ended = !controller.signal.aborted && (completer.lastSkip ?? '').startsWith('empty: the model wrote no SQL');
        return ended ? { ms, suggestion: false } : null;
      });
      pending.push(answered.then(() => undefined));
      return answered;
    };

    // Phase 1: the user types the script, pausing after each part.
    const pauses: { at: string; ms: number | null; suggestion: boolean; why: string | null }[] = [];
    for (const part of SCRIPT) {
      let last: ReturnType<typeof keystroke> = Promise.resolve(null);
      for (const char of part) {
        text += char;
        last = keystroke();
        await sleep(KEY_MS);
      }
      await sleep(PAUSE_MS - KEY_MS);
      // Answered within the pause, or it counts as none (the next keystroke would have cancelled it).
      const answer = await Promise.race([last, sleep(0).then(() => 'pending' as const)]);
      const ms = answer === 'pending' || answer === null ? null : answer.ms;
      const suggestion = answer !== 'pending' && answer !== null && answer.suggestion;
      const why = answer === 'pending' ? 'the model was still writing when the pause ended' : answer === null ? (completer.lastSkip ?? 'no answer') : null;
      pauses.push({ at: text.split('\n').pop() || '(empty line under a comment)', ms, suggestion, why });
    }
    // Phase 2: the user types along with what is suggested (accepting it character by character).
    for (let round = 0; round < 3; round++) {
      const suggestion = shown.suggestion;
      if (!suggestion) break;
      for (const char of suggestion.slice(0, 12)) {
        text += char;
        keystroke();
        await sleep(KEY_MS);
      }
      await sleep(1500);
    }
    await Promise.all(pending);
    completer.dispose();

    const s = completer.stats;
    const answered = pauses.flatMap((p) => (p.ms === null ? [] : [p.ms]));
    const p95 = percentile(answered, 95);
    const pausesMet = answered.length === pauses.length && p95 <= PAUSE_P95_GOAL_MS;
    missed ||= !pausesMet;
    console.log(`inline completion under typing: ${s.requests} requests (one per keystroke), ${latencies.length} suggestions shown`);
    for (const pause of pauses) {
      const what = pause.ms === null ? `NO ANSWER (${pause.why})` : `${pause.ms.toFixed(0)} ms, ${pause.suggestion ? 'a suggestion' : 'the model ended the statement here (nothing to show)'}`;
      console.log(`  pause after ${JSON.stringify(pause.at.slice(-40))}: ${what}`);
    }
    console.log(
      `  answered at ${answered.length} of ${pauses.length} pauses of ${PAUSE_MS} ms, p95 ${p95.toFixed(0)} ms from the pause (${DEFAULT_COMPLETION_SETTINGS.debounceMs} ms debounce included; goal: every pause, p95 <= ${PAUSE_P95_GOAL_MS} ms): ${pausesMet ? 'met' : 'MISSED'}; ` +
        `a suggestion at ${pauses.filter((p) => p.suggestion).length} of them`,
    );
    console.log(`  latency of shown suggestions: all ${percentiles(latencies.map((l) => l.ms))}`);
    const fromModel = latencies.filter((l) => l.source === 'model');
    console.log(
      `    from the model ${percentiles(fromModel.map((l) => l.ms))}; ` +
        `reused ${percentiles(latencies.filter((l) => l.source === 'reuse').map((l) => l.ms))}; cache ${percentiles(latencies.filter((l) => l.source === 'cache').map((l) => l.ms))}`,
    );
    console.log(`    where a model call's time went: ${stageShares(fromModel.flatMap((l) => (l.timing ? [{ total: l.ms, timing: l.timing }] : [])))}`);
    console.log(
      `  model calls: ${s.modelCalls} instead of ${s.requests} (${(s.requests / Math.max(1, s.modelCalls)).toFixed(1)}× fewer): ` +
        `${s.debounced} saved by the debounce, ${s.reused} by reusing a running generation, ${s.fromCache} by the cache; ` +
        `${s.cancelledCalls} generations stopped when typing moved on`,
    );
  } finally {
    engine.dispose();
    await db.dispose();
  }
  if (!heldOutPrefixes() || missed) process.exitCode = 1;
}

/** The share of each stage in model calls' total time (debounce, grammar, llama.cpp's grammar parse, prompt, generation, the rest: transport). */
function stageShares(calls: { total: number; timing: CompletionTiming }[]): string {
  const total = calls.reduce((sum, c) => sum + c.total, 0);
  if (!total) return 'no model calls';
  const sum = (pick: (t: CompletionTiming) => number) => calls.reduce((acc, c) => acc + pick(c.timing), 0);
  const stages: [string, number][] = [
    ['grammar (Quarry)', sum((t) => t.grammarMs)],
    ['grammar parse (llama.cpp)', sum((t) => t.engineGrammarMs)],
    ['prompt', sum((t) => t.promptMs)],
    ['generation', sum((t) => t.generateMs)],
  ];
  const rest = total - stages.reduce((acc, [, ms]) => acc + ms, 0);
  const tokens = sum((t) => t.generatedTokens);
  return [...stages, ['debounce and transport', rest] as [string, number]].map(([name, ms]) => `${name} ${((100 * ms) / total).toFixed(0)}%`).join(', ') +
    ` (${(sum((t) => t.generateMs) / Math.max(1, tokens)).toFixed(1)} ms per generated token)`;
}

const HELD_OUT = 20;
const P95_GOAL_MS = 300;
const ACCEPTED_GOAL = 0.8;

/**
 * Issue 15's goal (p95 from issue 27), through the CLI: `quarry complete --prefixes` on 20 prefixes over every Spider dev
 * schema here, the first gold query of each (then the next, to make 20) cut after its first WHERE, GROUP BY or ORDER BY,
 * with the sample model and the default grammar (schemas it never saw): p95 per completion, and the share
 * that the database accepts. Returns whether the goal was met.
 */
function heldOutPrefixes(): boolean {
  const dev = JSON.parse(readFileSync(join(SPIDER_DIR, 'dev.json'), 'utf8')) as { db_id: string; query: string }[];
  const byDb = new Map<string, string[]>();
  const count = () => [...byDb.values()].reduce((sum, list) => sum + list.length, 0);
  // One per schema first; when there are fewer schemas than prefixes, the next one of each in turn.
  for (let round = 1; count() < HELD_OUT && round <= 3; round++) {
    for (const { db_id, query } of dev) {
      const cut = /\s(WHERE|GROUP BY|ORDER BY)\s/i.exec(query);
      const list = byDb.get(db_id) ?? [];
      if (!cut || list.length >= round || count() >= HELD_OUT || !existsSync(spiderDb(db_id))) continue;
      const prefix = query.slice(0, cut.index + cut[0].length);
      if (!list.includes(prefix)) byDb.set(db_id, [...list, prefix]);
    }
  }
  const temp = makeTempDir('quarry-bench-complete-');
  const rows: { ms: number; completion: string; valid?: boolean; timing?: CompletionTiming }[] = [];
  try {
    for (const [dbId, prefixes] of byDb) {
      const file = join(temp.dir, `${dbId}.txt`);
      writeFileSync(file, prefixes.map((p) => p.replace(/\n/g, '\\n')).join('\n'));
      const run = spawnSync(process.execPath, [CLI_SCRIPT, 'complete', '--db', spiderDb(dbId), '--model', SAMPLE_MODEL, '--threads', '1', '--prefixes', file, '--check', '--json'], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`quarry complete failed: ${run.stderr}`);
      rows.push(...run.stdout.trim().split('\n').map((line) => JSON.parse(line) as (typeof rows)[number]));
    }
  } finally {
    temp.dispose();
  }
  const p95 = percentile(rows.map((r) => r.ms), 95);
  const accepted = rows.filter((r) => r.completion && r.valid).length / rows.length;
  const met = p95 <= P95_GOAL_MS && accepted >= ACCEPTED_GOAL;
  console.log(
    `quarry complete on ${rows.length} held-out prefixes over ${byDb.size} Spider schemas (sample model, sql grammar): p95 ${p95} ms (goal ≤ ${P95_GOAL_MS}), ` +
      `${(100 * accepted).toFixed(0)}% non-empty and accepted by the database (goal ≥ ${100 * ACCEPTED_GOAL}%): ${met ? 'met' : 'MISSED'}`,
  );
  console.log(`  where the time went: ${stageShares(rows.flatMap((r) => (r.timing ? [{ total: r.ms, timing: r.timing }] : [])))}`);
  return met;
}

void main();
