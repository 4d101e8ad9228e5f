/**
 * Runs `work` on every item with at most `workers` running at once, each worker taking the next
 * item as it finishes one, so one slow item does not hold up the others. `work` is told the item's
 * index and which worker runs it (a lane, a connection). A failure rejects the whole pool and stops
 * further items from starting; items already running finish.
 */
export async function workPool<T>(items: readonly T[], workers: number, work: (item: T, index: number, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const run = async (worker: number) => {
    for (let i = next++; i < items.length && !failed; i = next++) {
      try {
        await work(items[i]!, i, worker);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, (_, worker) => run(worker)));
}
