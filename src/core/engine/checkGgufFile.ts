import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { systemFolderOf } from '../files/checkInputFile';
import { EngineError } from './EngineError';

/** What the header says, as far as Quarry needs it: scalars and short strings (arrays are skipped, never read into memory). */
export interface GgufSummary {
  version: number;
  tensorCount: number;
  metadata: Map<string, string | number | bigint | boolean>;
  /** Every metadata key, kept or not (a chat template longer than the kept strings is still there). */
  keys: Set<string>;
}

/** GGUF versions whose layout Quarry can walk (v1 had 32-bit counts and is no longer written by anyone). */
const SUPPORTED_VERSIONS = [2, 3];
/** ggml's GGML_MAX_DIMS. */
const MAX_TENSOR_DIMS = 4;
const MAX_ARRAY_DEPTH = 2;
/** Strings kept in the summary (a chat template is a few KB); longer ones are skipped. */
const MAX_KEPT_STRING = 64 * 1024;

enum ValueType {
  U8 = 0, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64,
}
const FIXED_SIZES: Partial<Record<ValueType, number>> = {
  [ValueType.U8]: 1, [ValueType.I8]: 1, [ValueType.BOOL]: 1, [ValueType.U16]: 2, [ValueType.I16]: 2,
  [ValueType.U32]: 4, [ValueType.I32]: 4, [ValueType.F32]: 4, [ValueType.U64]: 8, [ValueType.I64]: 8, [ValueType.F64]: 8,
};

/**
 * Fails fast, in this process, on a model file that is missing, not GGUF, or whose header is not
 * sane: every count, string and array length is checked against the bytes left in the file before
 * anything is read or allocated, so a crafted header claiming 2^40 tensors or keys fails in
 * milliseconds instead of sending llama.cpp's loader into minutes of work and gigabytes of memory.
 */
export function checkGgufFile(path: string, role = 'model'): GgufSummary {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new EngineError('model-invalid', `${role} ${path} is not a file`);
    const system = systemFolderOf(path);
    if (system) throw new EngineError('model-invalid', `${role} ${path} is a special file of the system (${system}), not a GGUF file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('model-missing', `${role} file not found: ${path}`);
  }
  const reader = new BoundedReader(path, size, role);
  try {
    return readHeader(reader, role, path);
  } finally {
    reader.close();
  }
}

function readHeader(reader: BoundedReader, role: string, path: string): GgufSummary {
  if (reader.size < 8 || reader.bytes(4).toString('latin1') !== 'GGUF') {
    throw new EngineError('model-invalid', `${role} ${path} is not a GGUF file (pick a .gguf model, e.g. one exported by llama.cpp)`);
  }
  const version = reader.u32();
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw reader.invalid(`is GGUF version ${version}, which Quarry cannot read (versions ${SUPPORTED_VERSIONS.join(' and ')}); convert it again with a current llama.cpp`);
  }
  // The smallest tensor info (empty name, one dimension) and key/value (empty key, one byte) bound the counts.
  const tensorCount = reader.count('tensors', 8 + 4 + 8 + 4 + 8);
  const kvCount = reader.count('metadata keys', 8 + 4 + 1);
  const metadata = new Map<string, string | number | bigint | boolean>();
  const keys = new Set<string>();
  for (let i = 0; i < kvCount; i++) {
    const key = reader.string('a metadata key', MAX_KEPT_STRING);
    if (key === undefined) throw reader.invalid('has a metadata key longer than any llama.cpp writes');
    keys.add(key);
    const value = readValue(reader, reader.u32(), key, 0);
    if (value !== undefined) metadata.set(key, value);
  }
  for (let i = 0; i < tensorCount; i++) {
    reader.skipString('a tensor name');
    const dims = reader.u32();
    if (dims < 1 || dims > MAX_TENSOR_DIMS) throw reader.invalid(`has a tensor with ${dims} dimensions (at most ${MAX_TENSOR_DIMS})`);
    reader.skip(8 * dims + 4 + 8, 'a tensor description');
  }
  if (typeof metadata.get('general.architecture') !== 'string') throw reader.invalid('has no general.architecture: it is not a model or adapter llama.cpp can load');
  return { version, tensorCount, metadata, keys };
}

function readValue(reader: BoundedReader, type: number, key: string, depth: number): string | number | bigint | boolean | undefined {
  switch (type) {
    case ValueType.U8: return reader.bytes(1).readUInt8();
    case ValueType.I8: return reader.bytes(1).readInt8();
    case ValueType.BOOL: return reader.bytes(1).readUInt8() !== 0;
    case ValueType.U16: return reader.bytes(2).readUInt16LE();
    case ValueType.I16: return reader.bytes(2).readInt16LE();
    case ValueType.U32: return reader.u32();
    case ValueType.I32: return reader.bytes(4).readInt32LE();
    case ValueType.F32: return reader.bytes(4).readFloatLE();
    case ValueType.U64: return reader.bytes(8).readBigUInt64LE();
    case ValueType.I64: return reader.bytes(8).readBigInt64LE();
    case ValueType.F64: return reader.bytes(8).readDoubleLE();
    case ValueType.STRING: return reader.string(`the value of ${key}`, MAX_KEPT_STRING);
    case ValueType.ARRAY: {
      if (depth >= MAX_ARRAY_DEPTH) throw reader.invalid(`nests arrays deeper than ${MAX_ARRAY_DEPTH} in ${key}`);
      const elementType = reader.u32();
      const fixed = FIXED_SIZES[elementType as ValueType];
      const minimum = fixed ?? (elementType === ValueType.STRING ? 8 : elementType === ValueType.ARRAY ? 12 : 0);
      if (minimum === 0) throw reader.invalid(`has an array of unknown type ${elementType} in ${key}`);
      const length = reader.count(`elements in ${key}`, minimum);
      if (fixed !== undefined) reader.skip(length * fixed, `the array ${key}`);
      else for (let i = 0; i < length; i++) readValue(reader, elementType, key, depth + 1);
      return undefined;
    }
    default:
      throw reader.invalid(`has a value of unknown type ${type} in ${key}`);
  }
}

/** Reads a file front to back through one small buffer, refusing any length the rest of the file cannot hold. */
class BoundedReader {
  private readonly fd: number;
  private readonly buffer = Buffer.alloc(1 << 20);
  private bufferStart = 0;
  private bufferEnd = 0;
  private position = 0;

  constructor(
    private readonly path: string,
    readonly size: number,
    private readonly role: string,
  ) {
    this.fd = openSync(path, 'r');
  }

  invalid(problem: string): EngineError {
    return new EngineError('model-invalid', `${this.role} ${this.path} ${problem}`);
  }

  close(): void {
    closeSync(this.fd);
  }

  u32(): number {
    return this.bytes(4).readUInt32LE();
  }

  /** A u64 count of items of at least `minBytes` each: more than the rest of the file can hold is refused. */
  count(what: string, minBytes: number): number {
    const value = this.bytes(8).readBigUInt64LE();
    const remaining = BigInt(this.size - this.position);
    if (value * BigInt(minBytes) > remaining) {
      throw this.invalid(`claims ${value} ${what}, more than its remaining ${remaining} bytes can hold (damaged or crafted header)`);
    }
    return Number(value);
  }

  string(what: string, keep = Number.MAX_SAFE_INTEGER): string | undefined {
    const length = this.count(`bytes in ${what}`, 1);
    if (length > keep) {
      this.skip(length, what);
      return undefined;
    }
    return this.bytes(length).toString('utf8');
  }

  skipString(what: string): void {
    this.skip(this.count(`bytes in ${what}`, 1), what);
  }

  skip(length: number, what: string): void {
    if (this.position + length > this.size) throw this.invalid(`ends inside ${what} (truncated?)`);
    this.position += length;
  }

  bytes(length: number): Buffer {
    if (this.position + length > this.size) throw this.invalid('ends inside its header (truncated?)');
    if (length > this.buffer.length) {
      const large = Buffer.alloc(length);
      readSync(this.fd, large, 0, length, this.position);
      this.position += length;
      return large;
    }
    if (this.position < this.bufferStart || this.position + length > this.bufferEnd) {
      this.bufferStart = this.position;
      this.bufferEnd = this.position + readSync(this.fd, this.buffer, 0, this.buffer.length, this.position);
    }
    const offset = this.position - this.bufferStart;
    this.position += length;
    return this.buffer.subarray(offset, offset + length);
  }
}
