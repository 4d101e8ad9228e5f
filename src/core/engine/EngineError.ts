import type { ErrorData } from '../protocol/rpc';

export type EngineErrorCode =
  | 'model-missing'
  | 'model-invalid'
  | 'model-load-failed'
  | 'download-failed'
  /** A download's host could not be reached at all (no DNS, no route): most likely no network. */
  | 'offline'
  | 'checksum-mismatch'
  | 'generation-failed'
  | 'no-model'
  | 'cancelled'
  /** A model server could not be reached (connection refused, DNS, TLS) or sent nothing in time. */
  | 'server-unreachable'
  /** A model server answered with an error (its status and its own words are in the message). */
  | 'server-error'
  /** The engine cannot do what was asked (a LoRA adapter on a server that applies none per request). */
  | 'unsupported'
  /** The engine was disposed; its owner made a new one or shut down. */
  | 'closed'
  | 'internal';

/** A failure of the model side of Quarry, with a code callers branch on and a message users can act on. */
export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }

  static fromData(data: ErrorData): EngineError {
    return new EngineError(data.code as EngineErrorCode, data.message);
  }
}
