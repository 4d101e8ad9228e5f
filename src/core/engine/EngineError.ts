import type { ErrorData } from '../protocol/rpc';

export type EngineErrorCode =
  | 'model-missing'
  | 'model-invalid'
  | 'model-load-failed'
  | 'download-failed'
  | 'checksum-mismatch'
  | 'generation-failed'
  | 'no-model'
  | 'cancelled'
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
