import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loraOption, remoteModelOptions } from '../../src/cli/loadCliModel';
import { makeTempDir } from '../helpers/fixtures';

const temp = makeTempDir('quarry-lora-option-');
after(() => temp.dispose());

test('--lora FILE[:SCALE]: a scale after the last colon, 1 without one; a file whose name has a colon stays a file', () => {
  assert.equal(loraOption('ask', undefined), undefined);
  assert.deepEqual(loraOption('ask', 'adapter.gguf'), { path: 'adapter.gguf', scale: 1 });
  assert.deepEqual(loraOption('ask', 'adapter.gguf:0.5'), { path: 'adapter.gguf', scale: 0.5 });
  assert.deepEqual(loraOption('ask', '/models/a.gguf:0'), { path: '/models/a.gguf', scale: 0 });
  assert.deepEqual(loraOption('ask', 'C:\\models\\a.gguf'), { path: 'C:\\models\\a.gguf', scale: 1 });
  const colon = join(temp.dir, 'run:2.gguf');
  writeFileSync(colon, '');
  assert.deepEqual(loraOption('eval', colon), { path: colon, scale: 1 });
});

test('--lora with a scale that is no number from 0 to 4 is refused, naming the option', () => {
  for (const bad of ['a.gguf:', 'a.gguf:abc', 'a.gguf:-1', 'a.gguf:5', 'a.gguf:NaN']) {
    assert.throws(() => loraOption('complete', bad), (error: Error) => /complete: --lora .*: the scale after ':' must be a number from 0 to 4/.test(error.message), bad);
  }
});

test('--lora with --endpoint names an adapter the server loaded, with its scale; a bad scale is a usage error', () => {
  assert.deepEqual(remoteModelOptions('eval', { endpoint: 'http://127.0.0.1:8000/v1', lora: 'openflights:0.5' })?.adapter, { name: 'openflights', scale: 0.5 });
  assert.deepEqual(remoteModelOptions('eval', { endpoint: 'http://127.0.0.1:8000/v1', lora: 'adapter.gguf' })?.adapter, { name: 'adapter.gguf', scale: 1 });
  assert.throws(() => remoteModelOptions('eval', { endpoint: 'http://127.0.0.1:8000/v1', lora: 'openflights:7' }), /eval: --lora openflights:7: the scale after ':' must be a number from 0 to 4/);
});
