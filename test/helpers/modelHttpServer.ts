import { readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';

export interface ModelHttpServer {
  url: string;
  /** Each request as "METHOD path range". */
  requests: string[];
  /** Cut the next N responses off after this many bytes. */
  dropNext(count: number, afterBytes: number): void;
  close(): Promise<void>;
}

export interface ModelHttpServerOptions {
  /** Sends bodies at this rate, in small pieces, so a download takes long enough to watch its progress. */
  bytesPerSecond?: number;
}

/**
 * Serves files over HTTP on the loopback interface with Range support, the way a model host does,
 * and can drop connections mid-file to test resuming. `files` maps URL paths to files on disk.
 */
export async function startModelHttpServer(files: Record<string, string>, options: ModelHttpServerOptions = {}): Promise<ModelHttpServer> {
  const requests: string[] = [];
  let drops = 0;
  let dropAfter = 0;
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(`${request.method} ${path} ${request.headers.range ?? ''}`.trim());
    const file = files[path];
    if (!file) {
      response.writeHead(404).end('not found');
      return;
    }
    const data = readFileSync(file);
    const range = /bytes=(\d+)-/.exec(request.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= data.length) {
      response.writeHead(416, { 'Content-Range': `bytes */${data.length}` }).end();
      return;
    }
    const body = data.subarray(start);
    const headers = { 'Content-Length': String(body.length), 'Accept-Ranges': 'bytes', 'Content-Type': 'application/octet-stream' };
    response.writeHead(range ? 206 : 200, range ? { ...headers, 'Content-Range': `bytes ${start}-${data.length - 1}/${data.length}` } : headers);
    if (drops > 0 && body.length > dropAfter) {
      drops--;
      response.write(body.subarray(0, dropAfter), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    if (options.bytesPerSecond) sendSlowly(response, body, options.bytesPerSecond);
    else response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    dropNext(count, afterBytes) {
      drops = count;
      dropAfter = afterBytes;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const SLOW_PIECES_PER_SECOND = 20;

function sendSlowly(response: ServerResponse, body: Buffer, bytesPerSecond: number): void {
  const piece = Math.max(1, Math.floor(bytesPerSecond / SLOW_PIECES_PER_SECOND));
  let offset = 0;
  const timer = setInterval(() => {
    if (response.destroyed) return clearInterval(timer);
    const end = Math.min(body.length, offset + piece);
    response.write(body.subarray(offset, end));
    offset = end;
    if (offset >= body.length) {
      clearInterval(timer);
      response.end();
    }
  }, 1000 / SLOW_PIECES_PER_SECOND);
}
