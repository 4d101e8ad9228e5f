import { fork, type ChildProcess } from 'node:child_process';
import type { AbortPolicies, ErrorData, MethodMap, Outcome, RpcCancel, RpcRequest, RpcResponse } from '../protocol/rpc';
import { PARENT_PID_ENV } from './watchParent';

/** Why a request ended without an answer from the child. */
export type ChildRpcStopCode = 'timeout' | 'cancelled' | 'worker-crashed';

export interface RequestOptions {
  /** Stop the child (and so the request) when it has not answered after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** How long a child asked to cancel may take before it is stopped after all. */
const CANCEL_GRACE_MS = 5000;

const STDERR_TAIL_CHARS = 2000;

/** Every child this process has started and not yet seen end: what stopAllChildren ends. */
const LIVE_CHILDREN = new Set<ChildProcess>();

/**
 * Ends every child process at once (SIGKILL: one held by native code hears nothing else), for a
 * process about to exit on a signal. Children also end themselves when their parent goes
 * (watchParent), but a parent that can should not leave them to notice.
 */
export function stopAllChildren(): void {
  for (const child of LIVE_CHILDREN) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  LIVE_CHILDREN.clear();
}

/**
 * A typed request/response channel to a child Node process. A request that runs too long stops the
 * child outright: that is the only way to interrupt synchronous native work. What aborting a
 * request does is the method's own policy (see AbortPolicy). Once the child is stopped the channel
 * is dead (`alive` is false) and the owner starts a new one.
 */
export class ChildRpc<M extends MethodMap> {
  private nextId = 1;
  private readonly pending = new Map<number, (response: RpcResponse<M>) => void>();
  private stderrTail = '';
  private stopped = false;

  private constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
    private readonly abortPolicies: AbortPolicies<M>,
  ) {
    child.on('message', (response: RpcResponse<M>) => this.pending.get(response.id)?.(response));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    LIVE_CHILDREN.add(child);
    child.on('exit', (code, signal) => {
      LIVE_CHILDREN.delete(child);
      this.stopped = true;
      const detail = signal ? `signal ${signal}` : `exit code ${code}`;
      const lines = this.stderrTail.split('\n').map((line) => line.trim()).filter(Boolean);
      const tail = lines.findLast((line) => /error/i.test(line)) ?? lines.at(-1);
      this.failAll({ code: 'worker-crashed', message: `${this.name} stopped unexpectedly (${detail})${tail ? `: ${tail}` : ''}` });
    });
    child.on('error', (error) => this.failAll({ code: 'worker-crashed', message: `${this.name} failed: ${error.message}` }));
  }

  static spawn<M extends MethodMap>(script: string, name: string, abortPolicies: AbortPolicies<M>, env: NodeJS.ProcessEnv = {}): ChildRpc<M> {
    const child = fork(script, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      execArgv: [],
      // Inside an Electron-based editor the same binary must run as plain Node.
      env: { ...process.env, ...env, ELECTRON_RUN_AS_NODE: '1', [PARENT_PID_ENV]: String(process.pid) },
    });
    return new ChildRpc<M>(child, name, abortPolicies);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return !this.stopped && this.child.connected;
  }

  request<K extends keyof M & string>(
    method: K,
    params: M[K]['params'],
    options: RequestOptions = {},
  ): Promise<Outcome<M[K]['result'], string>> {
    if (options.signal?.aborted) return Promise.resolve({ ok: false, error: { code: 'cancelled', message: 'cancelled' } });
    if (!this.alive) {
      return Promise.resolve({ ok: false, error: { code: 'worker-crashed', message: `${this.name} is not running` } });
    }
    const id = this.nextId++;
    const policy = this.abortPolicies[method];
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const cancelled: ErrorData<ChildRpcStopCode> = { code: 'cancelled', message: 'cancelled' };
      const onAbort = () => {
        if (policy === 'stop-child') return this.stopWith(id, cancelled);
        if (policy === 'abandon') return this.pending.get(id)?.({ id, ok: false, error: cancelled });
        const cancel: RpcCancel = { id, cancel: true };
        this.child.send(cancel);
        clearTimeout(timer);
        timer = setTimeout(() => this.stopWith(id, cancelled), CANCEL_GRACE_MS);
      };
      const settle = (response: RpcResponse<M>) => {
        this.pending.delete(id);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve(response.ok ? { ok: true, value: response.value as M[K]['result'] } : { ok: false, error: response.error });
      };
      this.pending.set(id, settle);
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () => this.stopWith(id, { code: 'timeout', message: `timed out after ${options.timeoutMs} ms and was stopped` }),
          options.timeoutMs,
        );
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const request: RpcRequest<M, K> = { id, method, params };
      this.child.send(request);
    });
  }

  /** Stops the child; every pending request ends as cancelled. */
  stop(): void {
    this.stopped = true;
    this.failAll({ code: 'cancelled', message: `${this.name} was stopped` });
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  /** The channel is one child's: disposing it is stopping that child for good. */
  dispose(): void {
    this.stop();
  }

  /** Ends one request with `error` and stops the child, which may be stuck in native code. */
  private stopWith(id: number, error: ErrorData<ChildRpcStopCode>): void {
    this.pending.get(id)?.({ id, ok: false, error });
    this.stop();
  }

  private failAll(error: ErrorData<ChildRpcStopCode>): void {
    for (const [id, settle] of [...this.pending]) settle({ id, ok: false, error });
  }
}
