import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as defaults from '../../src/core/defaults';
import { COMMANDS, DATABASES_VIEW } from '../../src/extension/commandIds';
import { PROJECT_ROOT } from '../helpers/fixtures';

test("package.json's setting defaults are the core's defaults", () => {
  const settings = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).contributes.configuration.properties as Record<string, { default: unknown }>;
  const expected: Record<string, unknown> = {
    'quarry.query.timeoutMs': defaults.DEFAULT_TIMEOUT_MS,
    'quarry.query.maxRows': defaults.DEFAULT_MAX_ROWS,
    'quarry.query.memoryLimitMb': defaults.DEFAULT_MEMORY_LIMIT_MB,
    'quarry.schema.sampleValues': defaults.DEFAULT_SAMPLE_VALUES,
    'quarry.model.contextSize': defaults.DEFAULT_CONTEXT_SIZE,
    'quarry.model.batchSequences': defaults.DEFAULT_BATCH_SEQUENCES,
    'quarry.model.grammar': defaults.DEFAULT_GRAMMAR,
    'quarry.model.promptFormat': defaults.DEFAULT_PROMPT_FORMAT,
    'quarry.ask.corrections': defaults.DEFAULT_CORRECTIONS,
    'quarry.completion.debounceMs': defaults.DEFAULT_COMPLETION_SETTINGS.debounceMs,
    'quarry.completion.maxTokens': defaults.DEFAULT_COMPLETION_SETTINGS.maxTokens,
    'quarry.completion.onlyOnComment': defaults.DEFAULT_COMPLETION_SETTINGS.onlyOnComment,
    'quarry.completion.maxLineLength': defaults.DEFAULT_GHOST_LINE_LENGTH,
  };
  for (const [key, value] of Object.entries(expected)) assert.equal(settings[key]?.default, value, key);
});

test('the command IDs code uses are the commands package.json contributes', () => {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
  assert.deepEqual(Object.values(COMMANDS).sort(), contributed);
  assert.ok(manifest.contributes.views.quarry.some((v: { id: string }) => v.id === DATABASES_VIEW));
});

test('the walkthrough: each step links a contributed command, completes on it (choosing a model: once one loads), and has its page', () => {
  const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
  const contributed = new Set((manifest.contributes.commands as { command: string }[]).map((c) => c.command));
  const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: { id: string; description: string; media: { markdown: string }; completionEvents: string[] }[] }[];
  assert.deepEqual(walkthrough!.steps.map((s) => s.id), ['connect', 'model', 'ask', 'run', 'complete', 'evaluate']);
  for (const step of walkthrough!.steps) {
    const linked = [...step.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]!);
    assert.equal(linked.length, 1, `${step.id} links one command`);
    assert.ok(contributed.has(linked[0]!), `${step.id}: ${linked[0]} is a contributed command`);
    // A model chosen is not a model that works (offline, a server that is down): that step is done when one loads.
    const done = step.id === 'model' ? 'onContext:quarry.modelReady' : `onCommand:${linked[0]}`;
    assert.deepEqual(step.completionEvents, [done], `${step.id} completes on ${done}`);
    assert.ok(readFileSync(join(PROJECT_ROOT, step.media.markdown), 'utf8').startsWith('# '), `${step.id}: ${step.media.markdown}`);
  }
});
