import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ChildRpc } from '../../src/core/ipc/ChildRpc';
import { makeTempDir } from '../helpers/fixtures';

type Methods = {
  keep: { params: { ms: number }; result: string };
  abandon: { params: { ms: number }; result: string };
  stop: { params: { ms: number }; result: string };
  stats: { params: Record<string, never>; result: { requests: string[]; cancels: number[] } };
};

const temp = makeTempDir();
after(() => temp.dispose());

/** A child that speaks the wire protocol by hand (not through serveRpc), and remembers every message it got. */
const CHILD = join(temp.dir, 'child.js');
writeFileSync(
  CHILD,
  `const requests = [], cancels = [];
process.on('message', (m) => {
  if (m.cancel) return void cancels.push(m.id);
  requests.push(m.method);
  if (m.method === 'stats') return void process.send({ id: m.id, ok: true, value: { requests, cancels } });
  setTimeout(() => process.send({ id: m.id, ok: true, value: 'finished' }), m.params.ms);
});`,
);

function spawn(): ChildRpc<Methods> {
  return ChildRpc.spawn<Methods>(CHILD, 'test child', { keep: 'ask-child', abandon: 'abandon', stop: 'stop-child', stats: 'abandon' });
}

test('a request whose signal is already aborted settles at once and never reaches the child', async () => {
  const rpc = spawn();
  try {
    const pid = rpc.pid;
    for (const method of ['keep', 'abandon', 'stop'] as const) {
      const started = performance.now();
      // The child would take 5 s; settling well under that (a loaded machine may take tens of ms) shows it was not waited on.
      const outcome = await rpc.request(method, { ms: 5000 }, { signal: AbortSignal.abort() });
      assert.ok(performance.now() - started < 1000, `${method}: settled in ${performance.now() - started} ms`);
      assert.deepEqual(outcome, { ok: false, error: { code: 'cancelled', message: 'cancelled' } });
    }
    assert.ok(rpc.alive);
    assert.equal(rpc.pid, pid);
    const stats = await rpc.request('stats', {});
    assert.deepEqual(stats, { ok: true, value: { requests: ['stats'], cancels: [] } }, 'no request and no cancel was sent');
  } finally {
    rpc.dispose();
  }
});

test('each method keeps its own abort policy: ask the child, abandon the answer, or stop the child', async () => {
  const rpc = spawn();
  try {
    const controller = new AbortController();
    const asked = rpc.request('keep', { ms: 200 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    assert.deepEqual(await asked, { ok: true, value: 'finished' }, 'a child that ignores the cancel still answers within the grace time');
    assert.deepEqual((await rpc.request('stats', {})) as unknown, { ok: true, value: { requests: ['keep', 'stats'], cancels: [1] } });

    const abandoned = new AbortController();
    const started = performance.now();
    const pending = rpc.request('abandon', { ms: 2000 }, { signal: abandoned.signal });
    setTimeout(() => abandoned.abort(), 20);
    assert.equal(((await pending) as { ok: boolean }).ok, false);
    assert.ok(performance.now() - started < 500, 'abandoned at once, not after the child answered');
    assert.ok(rpc.alive, 'abandoning never costs the child');
    assert.equal(((await rpc.request('stats', {})) as { ok: boolean }).ok, true);

    const stopped = new AbortController();
    const stopping = rpc.request('stop', { ms: 2000 }, { signal: stopped.signal });
    setTimeout(() => stopped.abort(), 20);
    assert.deepEqual(await stopping, { ok: false, error: { code: 'cancelled', message: 'cancelled' } });
    assert.equal(rpc.alive, false, 'stop-child ends the process');
  } finally {
    rpc.dispose();
  }
});
