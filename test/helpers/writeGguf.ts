import { writeFileSync } from 'node:fs';

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
