import { STANDARD_CONTEXT, lmsLikeTracker, timed } from './fixtures';
import { SegmentSink } from './sink';

// Delivery with the real client against a sink that fails, hangs or is gone.
// Durations are logged for the report, never asserted tightly (timings belong in bench).

let sink: SegmentSink;
beforeEach(async () => {
  sink = await SegmentSink.start();
});
afterEach(async () => {
  await sink.close();
});

const emitMany = (tracker: ReturnType<typeof lmsLikeTracker>['tracker'], count: number, name = 'x') =>
  tracker.context('edx.request', STANDARD_CONTEXT, () => {
    for (let i = 0; i < count; i++) tracker.emit(name, { i });
  });

describe('SegmentBackend delivery', () => {
  it('retries a batch the endpoint answers 500, and delivers it exactly once', async () => {
    sink.failNext(1, 500);
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], { flushAt: 1 });
    emitMany(tracker, 1);
    await tracker.flush();
    expect(sink.requests.map((r) => r.status)).toEqual([500, 200]);
    expect(sink.requests[1]?.headers['x-retry-count']).toBe('1');
    const ids = sink.delivered.map((m) => m.messageId);
    expect(ids).toHaveLength(1);
    expect(sink.requests[0]?.body.batch[0]?.messageId).toBe(ids[0]);
    expect({ delivered: segment.delivered, failed: segment.failed, pending: segment.pending }).toEqual({ delivered: 1, failed: 0, pending: 0 });
    expect(failures).toEqual([]);
    await tracker.close();
  });

  it('reports a bad write key (401, not retried) to onError, never to the caller of emit', async () => {
    sink.respondWith(401);
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], { flushAt: 1 });
    expect(() => emitMany(tracker, 1)).not.toThrow();
    await tracker.flush();
    expect(sink.requests).toHaveLength(1);
    expect(segment.failed).toBe(1);
    expect(failures).toEqual([
      { stage: 'backend', component: 'segment', eventName: 'x', message: expect.stringMatching(/not delivered to Segment: \[401\]/) },
    ]);
    await tracker.close();
  });

  it('reports failures after the retries, the first at once and the rest summed up, not one line per event', async () => {
    sink.respondWith(503);
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], { flushAt: 2, maxRetries: 0, reportInterval: 60000 });
    emitMany(tracker, 6);
    await tracker.flush();
    expect(segment.failed).toBe(6);
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/\[503\]/);
    await tracker.close();
    expect(failures).toHaveLength(2);
    expect(failures[1]).toEqual({ stage: 'backend', component: 'segment', message: expect.stringMatching(/^5 more failures like it/) });
  });

  it('with the endpoint gone at close, close() reports what is lost and returns within closeTimeout', async () => {
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], { flushAt: 3, flushInterval: 60000, closeTimeout: 500 });
    await sink.close();
    emitMany(tracker, 7);
    const took = await timed(() => tracker.close());
    console.log(`close() with a dead endpoint, closeTimeout 500 ms: ${took.toFixed(0)} ms`);
    expect(took).toBeLessThan(500 + 1500); // a hang guard, not a timing claim
    expect(failures).toContainEqual({
      stage: 'close',
      component: 'segment',
      message: '7 events were not delivered to Segment within closeTimeout (500 ms); they are lost',
    });
    expect(segment.sent).toBe(7);
  });

  it('with an endpoint that never answers, drops past maxPending, counts and reports the drops sparingly', async () => {
    sink.hang();
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], {
      flushAt: 1, maxPending: 5, closeTimeout: 300, reportInterval: 60000,
    });
    emitMany(tracker, 50);
    expect({ sent: segment.sent, pending: segment.pending, dropped: segment.dropped }).toEqual({ sent: 5, pending: 5, dropped: 45 });
    const drops = failures.filter((f) => f.stage === 'drop');
    expect(drops).toEqual([
      { stage: 'drop', component: 'segment', eventName: 'x', message: expect.stringMatching(/5 events are already waiting .*maxPending 5/) },
    ]);
    const took = await timed(() => tracker.close());
    console.log(`close() with a hung endpoint, closeTimeout 300 ms: ${took.toFixed(0)} ms`);
    expect(took).toBeLessThan(300 + 1500); // a hang guard, not a timing claim
    expect(failures.filter((f) => f.stage === 'drop').map((f) => f.message)).toEqual([
      expect.stringMatching(/already waiting/),
      expect.stringMatching(/^44 more failures like it since the previous report; the last \(event 'x'\): event dropped/),
    ]);
    expect(failures).toContainEqual(expect.objectContaining({ stage: 'close', message: expect.stringMatching(/^5 events were not delivered/) }));
    expect(sink.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('with an endpoint that never answers, drops past maxPendingBytes, counts and reports the drops like those past maxPending', async () => {
    sink.hang();
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], {
      flushAt: 1, maxPendingBytes: 20000, closeTimeout: 300, reportInterval: 60000,
    });
    // Events of 3,000 to 6,000 characters of payload, some of them two-byte in UTF-8.
    tracker.context('edx.request', STANDARD_CONTEXT, () => {
      for (let i = 0; i < 40; i++) tracker.emit('x', { i, text: (i % 2 ? 'é' : 'e').repeat(3000 + (i % 4) * 1000) });
    });
    expect(segment.pending).toBeGreaterThan(1);
    expect(segment.pendingBytes).toBeLessThanOrEqual(20000);
    expect(segment.sent + segment.dropped).toBe(40);
    expect(segment.dropped).toBeGreaterThan(30);
    const drops = failures.filter((f) => f.stage === 'drop');
    expect(drops).toEqual([
      { stage: 'drop', component: 'segment', eventName: 'x', message: expect.stringMatching(/^event dropped: \d+ bytes of events are already waiting for the Segment endpoint and this one has \d+ \(maxPendingBytes 20000\)/) },
    ]);
    // One event larger than the bound is never sent, even when nothing waits.
    const alone = lmsLikeTracker(sink, ['x'], { maxPendingBytes: 1000, closeTimeout: 300 });
    alone.tracker.context('edx.request', STANDARD_CONTEXT, () => alone.tracker.emit('x', { text: 'x'.repeat(2000) }));
    expect({ sent: alone.segment.sent, dropped: alone.segment.dropped, pendingBytes: alone.segment.pendingBytes }).toEqual({ sent: 0, dropped: 1, pendingBytes: 0 });
    await alone.tracker.close();
    const lost = segment.pending;
    await tracker.close();
    expect(failures.filter((f) => f.stage === 'drop').map((f) => f.message)).toEqual([
      expect.stringMatching(/already waiting/),
      expect.stringMatching(new RegExp(`^${segment.dropped - 1} more failures? like it since the previous report`)),
    ]);
    expect(failures).toContainEqual(expect.objectContaining({ stage: 'close', message: `${lost} events were not delivered to Segment within closeTimeout (300 ms); they are lost` }));
  });

  it('counts each event as the bytes of its JSON, a few hundred less than the client sends, and frees them once settled', async () => {
    sink.hang();
    const { tracker, segment } = lmsLikeTracker(sink, ['x'], { flushAt: 1, closeTimeout: 300 });
    const counted: number[] = [];
    const payloads = [{}, { text: 'x'.repeat(5000) }, { text: 'é✓'.repeat(2000) }, { emoji: '😀'.repeat(1000), n: 1.5 }];
    tracker.context('edx.request', STANDARD_CONTEXT, () => {
      for (const payload of payloads) {
        const before = segment.pendingBytes;
        tracker.emit('x', payload);
        counted.push(segment.pendingBytes - before);
      }
    });
    const deadline = Date.now() + 10000;
    while (sink.requests.length < payloads.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    const sent = sink.requests.map((request) => Buffer.byteLength(JSON.stringify(request.body.batch[0]), 'utf8'));
    const byText = (bytes: number[]) => [...bytes].sort((a, b) => a - b);
    const overheads = byText(sent).map((bytes, i) => bytes - byText(counted)[i]!);
    console.log(`bytes counted per event ${counted.join(', ')}; sent by the client ${sent.join(', ')}; the client's own ${overheads.join(', ')}`);
    for (const overhead of overheads) {
      expect(overhead).toBeGreaterThanOrEqual(0);
      expect(overhead).toBeLessThan(400);
    }
    expect(segment.pendingBytes).toBe(counted.reduce((sum, bytes) => sum + bytes, 0));
    // The endpoint answers again: the client's retries deliver them, and their bytes no longer count.
    sink.hang(false);
    await tracker.flush();
    expect({ delivered: segment.delivered, pending: segment.pending, pendingBytes: segment.pendingBytes }).toEqual({ delivered: 4, pending: 0, pendingBytes: 0 });
    await tracker.close();
  });

  it('flush() sends a partial batch at once rather than after flushInterval', async () => {
    const { tracker, segment } = lmsLikeTracker(sink, ['x'], { flushAt: 100, flushInterval: 60000 });
    emitMany(tracker, 3);
    const took = await timed(() => tracker.flush());
    console.log(`flush() of 3 events with flushInterval 60 s: ${took.toFixed(0)} ms`);
    expect(sink.delivered).toHaveLength(3);
    expect(segment.pending).toBe(0);
    emitMany(tracker, 2);
    await tracker.flush();
    expect(sink.delivered).toHaveLength(5);
    await tracker.close();
  });

  it('close() delivers everything accepted before it resolves', async () => {
    const { tracker, segment, failures } = lmsLikeTracker(sink, ['x'], { flushAt: 7, flushInterval: 60000 });
    emitMany(tracker, 30);
    await tracker.close();
    expect(sink.delivered).toHaveLength(30);
    expect(segment.delivered).toBe(30);
    expect(failures).toEqual([]);
  });
});
