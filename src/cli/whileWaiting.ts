/**
 * A line on a terminal's stderr that says what is being waited on and for how long, cleared when
 * the work ends: reading a warehouse's schema takes seconds, and a silent prompt looks hung. Nothing
 * is written when stderr is not a terminal (scripts read stdout, and logs should not fill with ticks).
 */
export async function whileWaiting<T>(what: string, work: Promise<T>): Promise<T> {
  if (!process.stderr.isTTY) return work;
  const started = performance.now();
  const show = () => process.stderr.write(`\r\x1b[K${what}… ${((performance.now() - started) / 1000).toFixed(0)} s`);
  show();
  const timer = setInterval(show, 1000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    process.stderr.write('\r\x1b[K');
  }
}
