export type FileErrorCode =
  /** The output path would overwrite something Quarry did not write, or an input. */
  | 'output-refused'
  /** Another run is writing the same output. */
  | 'output-locked'
  /** The output's folder cannot take new files (permissions, a read-only or virtual file system, a full disk). */
  | 'output-unwritable'
  /** `--resume` found inputs or settings other than the interrupted run's. */
  | 'resume-mismatch'
  /** An input is not what it must be (a FIFO or device where a file belongs, a malformed line). */
  | 'bad-input';

/** A problem with a file the user named: the message names the file and what to do about it. */
export class FileError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'FileError';
  }
}
