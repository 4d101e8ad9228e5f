/**
 * The shape of every request/response channel between Quarry's processes and webviews.
 * A method map names each request's params and result; failures travel as data, never as throws.
 */

export interface ErrorData<Code extends string = string> {
  code: Code;
  message: string;
}

export type Outcome<T, Code extends string = string> = { ok: true; value: T } | { ok: false; error: ErrorData<Code> };

/** A method map: method name → the params it takes and the result it answers. */
export type MethodMap = Record<string, { params: unknown; result: unknown }>;

export interface RpcRequest<M extends MethodMap, K extends keyof M & string = keyof M & string> {
  id: number;
  method: K;
  params: M[K]['params'];
}

export type RpcResponse<M extends MethodMap, Code extends string = string> = {
  id: number;
} & Outcome<M[keyof M]['result'], Code>;

/** Asks the child to abandon request `id`; the child answers that request with a `cancelled` error. */
export interface RpcCancel {
  id: number;
  cancel: true;
}

/**
 * What aborting a request does: `stop-child` stops the process (the only way to interrupt
 * synchronous native work, like a SQLite query); `ask-child` sends a cancel and keeps the process
 * (a loaded model is costly to lose), stopping it only if it does not answer in time; `abandon`
 * settles the request at once as cancelled and lets the child finish and be ignored (cheap,
 * bounded work like counting tokens, which must never cost the process).
 */
export type AbortPolicy = 'stop-child' | 'ask-child' | 'abandon';

/** Each method's abort policy, declared next to its protocol. */
export type AbortPolicies<M extends MethodMap> = { [K in keyof M]: AbortPolicy };
