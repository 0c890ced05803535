// 10. Bytes held for Segment (issue 20). The Segment client gate bounded the events waiting
// for an unreachable endpoint by count only (maxPending, 10,000): events of 20 KB held
// that many, over half a gigabyte of heap. Now maxPendingBytes (32 MiB of their JSON by
// default) bounds them too, and the drops are counted and reported as before. Each run is
// a child process (--expose-gc) emitting through edxDefaults' Segment branch to an
// endpoint that accepts connections and never answers, and to one that refuses them;
// the figures of docs/segment.md (heap per held event, per byte) come from these runs.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { killChildren, startChild } from './support/child';
import { printFigures, recordFigures } from './support/figures';

afterAll(printFigures);
afterEach(killChildren);

const MiB = 1024 * 1024;

interface Held {
  pending: number;
  pendingBytes: number;
  dropped: number;
  heapGrowth: number;
  rssGrowth: number;
  droppedReported: number;
}

/** One child run: `events` events of `chars` characters of payload, with the given bounds. */
async function hold(url: string, events: number, chars: number, maxPending = 10000, maxPendingBytes: number | 'default' = 'default'): Promise<Held> {
  const child = startChild('segment-held.cjs', [url, String(events), String(chars), String(maxPending), String(maxPendingBytes)], { execArgv: ['--expose-gc'], lifetimeMs: 110000 });
  const measured = await child.message<Omit<Held, 'droppedReported'>>((m) => 'measured' in m, 90000);
  const closed = await child.message<{ droppedReported: number }>((m) => 'closed' in m, 20000);
  return { ...measured, droppedReported: closed.droppedReported };
}

/** An endpoint that accepts connections and never answers, and the URL of a port nothing listens on. */
async function endpoints(): Promise<{ silent: string; refused: string; close(): void }> {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const refusedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return {
    silent: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
    refused: `http://127.0.0.1:${refusedPort}`,
    close() {
      for (const socket of sockets) socket.destroy();
      silent.close();
    },
  };
}

const mb = (bytes: number): number => Math.round((bytes / MiB) * 10) / 10;
const kb = (bytes: number): number => Math.round((bytes / 1024) * 10) / 10;

describe('events held for an unreachable Segment endpoint', () => {
  it.each(['silent', 'refused'] as const)('are bounded in bytes as well as in number, with the defaults (endpoint %s)', async (mode) => {
    const ends = await endpoints();
    try {
      const url = ends[mode];
      // 10,000 small events: the count bound holds them (their bytes are far under 32 MiB).
      const small = await hold(url, 12000, 200);
      // 10,000 events of 20 KB: the bytes bound holds about 1,600 of them.
      const large = await hold(url, 10000, 20000);
      // The cost of one more held event, and of one more byte in it: two runs under the
      // bounds each, so that what the process holds anyway cancels out.
      const fewSmall = await hold(url, 5000, 200);
      const fewLarge = await hold(url, 500, 20000);
      const perSmall = (small.heapGrowth - fewSmall.heapGrowth) / (small.pending - fewSmall.pending);
      const perLarge = (large.heapGrowth - fewLarge.heapGrowth) / (large.pending - fewLarge.pending);
      const smallBytes = small.pendingBytes / small.pending;
      const largeBytes = large.pendingBytes / large.pending;
      const perByte = (perLarge - perSmall) / (largeBytes - smallBytes);
      recordFigures(`segment-bytes/${mode}`, {
        small: { pending: small.pending, jsonKB: kb(smallBytes), dropped: small.dropped, heapMB: mb(small.heapGrowth), rssMB: mb(small.rssGrowth), heapPerEventKB: kb(perSmall) },
        large: { pending: large.pending, pendingMB: mb(large.pendingBytes), jsonKB: kb(largeBytes), dropped: large.dropped, heapMB: mb(large.heapGrowth), rssMB: mb(large.rssGrowth), heapPerEventKB: kb(perLarge) },
        heapPerEventWithoutPayloadKB: kb(perSmall - perByte * smallBytes),
        heapPerJsonByte: Math.round(perByte * 100) / 100,
      });
      expect({ pending: small.pending, dropped: small.dropped, droppedReported: small.droppedReported }).toEqual({ pending: 10000, dropped: 2000, droppedReported: 2000 });
      expect(small.pendingBytes).toBeLessThan(32 * MiB);
      expect(large.pendingBytes).toBeLessThanOrEqual(32 * MiB);
      expect(large.pendingBytes).toBeGreaterThan(31 * MiB);
      expect(large.pending + large.dropped).toBe(10000);
      expect(large.droppedReported).toBe(large.dropped);
      // Memory follows: 10,000 events of 20 KB held without the bytes bound grow the heap by
      // over 500 MB; with it, well under the small events' count bound.
      expect(large.heapGrowth).toBeLessThan(160 * MiB);
      expect(small.heapGrowth).toBeLessThan(320 * MiB);
    } finally {
      ends.close();
    }
  });
});
