// A small HTTP client for the reliability suite: node:http through a keep-alive
// agent, with a hard per-request deadline (a hang is a failure, never a stuck suite),
// and a runner that keeps a fixed number of requests in flight.
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** What {@link send} got back. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** A request to send. */
export interface Outgoing {
  method?: string;
  /** Path and query (sent as is: bytes 0x80-0xff go out raw). */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** A keep-alive agent limited to `sockets` connections, on 127.0.0.1 only. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/**
 * Sends one request to `base` (http://127.0.0.1:port) and resolves with the answer;
 * rejects on a network error or after `deadlineMs` (the request is then aborted).
 */
export function send(base: string, outgoing: Outgoing, agent?: Agent, deadlineMs = 15000): Promise<Reply> {
  const url = new URL(base);
  if (url.hostname !== '127.0.0.1') throw new Error(`the reliability suite talks to 127.0.0.1 only, not ${url.hostname}`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: url.port, method: outgoing.method ?? 'GET', path: outgoing.path, headers: outgoing.headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          clearTimeout(timer);
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
        res.on('error', (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${deadlineMs} ms: ${outgoing.method ?? 'GET'} ${outgoing.path.slice(0, 80)}`)), deadlineMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    if (outgoing.body !== undefined) req.end(outgoing.body);
    else req.end();
  });
}

/** Runs `task(i)` for i in [0, count) with `concurrency` in flight; resolves with the results in order. */
export async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The p-th percentile (0..100) of `values` (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `condition` every 10 ms until it holds; rejects after `timeoutMs`, naming `what`. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 20000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await delay(10);
  }
}
