import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workPool } from '../../src/core/util/workPool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('workPool runs every item once, at most `workers` at a time, each worker taking the next item', async () => {
  let running = 0;
  let most = 0;
  const seen: number[] = [];
  const byWorker = new Map<number, number[]>();
  // Item 0 lasts until every other item is done: the other worker must take all of them meanwhile.
  let othersDone!: () => void;
  const gate = new Promise<void>((resolve) => (othersDone = resolve));
  await workPool([0, 1, 2, 3, 4], 2, async (item, index, worker) => {
    running++;
    most = Math.max(most, running);
    byWorker.set(worker, [...(byWorker.get(worker) ?? []), index]);
    if (item === 0) await gate;
    else await sleep(1);
    seen.push(index);
    if (seen.length === 4) othersDone();
    running--;
  });
  assert.deepEqual([...seen].sort(), [0, 1, 2, 3, 4]);
  assert.equal(most, 2);
  assert.deepEqual(byWorker.get(0), [0]);
  assert.deepEqual(byWorker.get(1), [1, 2, 3, 4]);
});

test('workPool rejects with the first failure and starts no item after it', async () => {
  const started: number[] = [];
  await assert.rejects(
    workPool([0, 1, 2, 3, 4, 5], 2, async (_item, index) => {
      started.push(index);
      await sleep(5);
      if (index === 1) throw new Error('boom');
    }),
    /boom/,
  );
  await sleep(30);
  assert.ok(!started.includes(4) && !started.includes(5), `started ${started.join(', ')}`);
});

test('workPool with no items does nothing, and with one worker keeps the order', async () => {
  await workPool([], 4, async () => assert.fail('no work'));
  const order: number[] = [];
  await workPool([3, 1, 2], 1, async (item) => {
    await sleep(item);
    order.push(item);
  });
  assert.deepEqual(order, [3, 1, 2]);
});
