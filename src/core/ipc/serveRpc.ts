import type { ErrorData, MethodMap, RpcCancel, RpcRequest, RpcResponse } from '../protocol/rpc';
import { watchParent } from './watchParent';

export type RpcHandlers<M extends MethodMap> = {
  [K in keyof M]: (params: M[K]['params'], signal: AbortSignal) => Promise<M[K]['result']>;
};

export interface ServeOptions {
  /** Answer one request at a time (a database connection), or all at once (a model server that must hear `cancel` while it generates). */
  concurrent: boolean;
  /** Releases what the process holds when the parent goes; it gets a short while before the process exits regardless. */
  onDisconnect: () => void | Promise<void>;
}

/**
 * The child side of ChildRpc: answers typed requests from the parent process, turns thrown errors
 * into `{ok: false, error: {code, message}}`, and aborts a request's signal when the parent cancels it.
 */
export function serveRpc<M extends MethodMap>(handlers: RpcHandlers<M>, options: ServeOptions): void {
  const running = new Map<number, AbortController>();
  let queue = Promise.resolve();
  watchParent();

  const answer = async (request: RpcRequest<M>): Promise<void> => {
    const controller = new AbortController();
    running.set(request.id, controller);
    let response: RpcResponse<M>;
    try {
      const handler = handlers[request.method];
      if (!handler) throw Object.assign(new Error(`unknown method ${request.method}`), { code: 'internal' });
      response = { id: request.id, ok: true, value: await handler(request.params, controller.signal) };
    } catch (error) {
      response = { id: request.id, ok: false, error: controller.signal.aborted ? { code: 'cancelled', message: 'cancelled' } : toErrorData(error) };
    } finally {
      running.delete(request.id);
    }
    process.send?.(response);
  };

  process.on('message', (message: RpcRequest<M> | RpcCancel) => {
    if ('cancel' in message) {
      running.get(message.id)?.abort();
      return;
    }
    if (options.concurrent) void answer(message);
    else queue = queue.then(() => answer(message));
  });
  process.on('disconnect', () => {
    // Not process.exit: it stops the parent watchdog's thread first and then can hang for good in an
    // engine's teardown (DuckDB waits for its running query), an orphan at full CPU holding the file's lock.
    const exit = () => process.kill(process.pid, 'SIGKILL');
    setTimeout(exit, CLEANUP_GRACE_MS).unref();
    Promise.resolve()
      .then(options.onDisconnect)
      .then(exit, exit);
  });
}

const CLEANUP_GRACE_MS = 2000;

/** Quarry's own errors carry a lowercase code (`sql-error`, `model-load-failed`); anything else is a bug. */
function toErrorData(error: unknown): ErrorData {
  const code = (error as { code?: unknown })?.code;
  if (error instanceof Error && typeof code === 'string' && /^[a-z]+(-[a-z]+)*$/.test(code)) return { code, message: error.message };
  return { code: 'internal', message: String(error) };
}
