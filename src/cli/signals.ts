import { stopAllChildren } from '../core/ipc/ChildRpc';

/** How long a command that stops cleanly on a signal (saving its progress) has before the CLI ends regardless. */
const CLEAN_STOP_MS = 3000;

const EXIT_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** The commands running now that stop cleanly when told (an evaluation saves its progress first). */
const interruptible = new Set<AbortController>();

/** An AbortSignal that Ctrl-C (or a kill) aborts, so a long command stops cleanly; dispose() when the command ends. */
export function abortOnInterrupt(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  interruptible.add(controller);
  return { signal: controller.signal, dispose: () => void interruptible.delete(controller) };
}

/**
 * Ctrl+C, a kill, a closed terminal: a command that can stop cleanly is told, and given a moment;
 * then, or at once for the rest, the database workers and the model server are killed with the
 * CLI, even one held by a query. (Children also end themselves when they see their parent gone,
 * which covers a parent killed outright.)
 */
export function stopChildrenOnSignals(): void {
  for (const [signal, code] of Object.entries(EXIT_CODES)) {
    process.on(signal, () => {
      const running = [...interruptible];
      interruptible.clear();
      if (running.length === 0) return stopAndExit(code);
      for (const controller of running) controller.abort();
      setTimeout(() => stopAndExit(code), CLEAN_STOP_MS).unref();
    });
  }
}

export function stopAndExit(code: number): never {
  stopAllChildren();
  process.exit(code);
}
