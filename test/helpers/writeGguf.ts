import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes a GGUF v3 file with the given string metadata and no tensors: enough to pass the magic
 * check and reach llama.cpp's loader, which then finds the model incomplete.
 */
export function writeMetadataOnlyGguf(path: string, metadata: Record<string, string>): void {
  const parts: Buffer[] = [Buffer.from('GGUF', 'latin1'), u32(3), u64(0), u64(Object.keys(metadata).length)];
  for (const [key, value] of Object.entries(metadata)) parts.push(str(key), u32(8), str(value));
  writeFileSync(path, Buffer.concat(parts));
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function str(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  return Buffer.concat([u64(bytes.length), bytes]);
}

/** GGUF value types and their sizes in bytes (strings and arrays are read as they come). */
const SCALAR_BYTES: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/**
 * A copy of a GGUF model with one more metadata key: a number as f32 (`general.sampling.temp`, as
 * llama.cpp's converter writes from generation_config.json), a string as a string
 * (`tokenizer.chat_template`). The key/value section is rewritten, the tensor infos kept, and the
 * tensor data moved to the next aligned offset (tensor offsets are relative to it).
 */
export function copyGgufWithMetadata(source: string, target: string, key: string, value: number | string): void {
  const bytes = readFileSync(source);
  let at = 0;
  const u32At = () => bytes.readUInt32LE((at += 4) - 4);
  const u64At = () => Number(bytes.readBigUInt64LE((at += 8) - 8));
  const skipString = () => {
    // Read the length first: `at += u64At()` would add it to the offset from before the read.
    const length = u64At();
    at += length;
  };
  const skipValue = (type: number): void => {
    if (type === 8) return skipString();
    if (type === 9) {
      const element = u32At();
      const count = u64At();
      for (let i = 0; i < count; i++) skipValue(element);
      return;
    }
    at += SCALAR_BYTES[type]!;
  };
  if (bytes.toString('latin1', 0, 4) !== 'GGUF') throw new Error(`${source} is not GGUF`);
  at = 4;
  const version = u32At();
  const tensors = u64At();
  const kvs = u64At();
  const kvStart = at;
  let alignment = 32;
  for (let i = 0; i < kvs; i++) {
    const keyLength = u64At();
    const name = bytes.toString('utf8', at, at + keyLength);
    at += keyLength;
    const type = u32At();
    if (name === 'general.alignment' && type === 4) alignment = bytes.readUInt32LE(at);
    skipValue(type);
  }
  const kvEnd = at;
  for (let i = 0; i < tensors; i++) {
    skipString();
    const dims = u32At();
    at += dims * 8 + 4 + 8;
  }
  const infoEnd = at;
  const dataStart = Math.ceil(infoEnd / alignment) * alignment;
  let added: Buffer;
  if (typeof value === 'string') added = Buffer.concat([u32(8), str(value)]);
  else {
    const f32 = Buffer.alloc(4);
    f32.writeFloatLE(value);
    added = Buffer.concat([u32(6), f32]);
  }
  const head = Buffer.concat([Buffer.from('GGUF', 'latin1'), u32(version), u64(tensors), u64(kvs + 1), bytes.subarray(kvStart, kvEnd), str(key), added, bytes.subarray(kvEnd, infoEnd)]);
  const padding = Buffer.alloc((alignment - (head.length % alignment)) % alignment);
  writeFileSync(target, Buffer.concat([head, padding, bytes.subarray(dataStart)]));
}
