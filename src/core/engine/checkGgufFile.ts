import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { EngineError } from './EngineError';

/** Fails fast, in this process, on a model file that is missing or plainly not GGUF. */
export function checkGgufFile(path: string, role = 'model'): void {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new EngineError('model-invalid', `${role} ${path} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof EngineError) throw error;
    throw new EngineError('model-missing', `${role} file not found: ${path}`);
  }
  const magic = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, magic, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (size < 8 || magic.toString('latin1') !== 'GGUF') {
    throw new EngineError('model-invalid', `${role} ${path} is not a GGUF file (pick a .gguf model, e.g. one exported by llama.cpp)`);
  }
}
