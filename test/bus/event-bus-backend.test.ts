// The producer: EventBusBackend's buffer, against a scripted in-memory transport.
import { setTimeout as sleep } from 'node:timers/promises';
import { EventBusBackend } from '../../src/bus/event-bus-backend';
import { never, scriptedTransport } from './support/scripted-transport';

describe('EventBusBackend (the producer buffer)', () => {
  it('sends a partial batch on the timer, not only when the next event arrives', async () => {
    const { transport, batches } = scriptedTransport(async () => undefined);
    const bus = new EventBusBackend({ transport, stream: 's', batchDelay: 30 });
    bus.send({ name: 'a' });
    bus.send({ name: 'b' });
    expect(batches).toHaveLength(0); // emit never waits on, nor calls, the network
    await sleep(150);
    expect(batches.map((batch) => batch.length)).toEqual([2]);
    expect(bus.published).toBe(2);
    await bus.close();
  });

  it('sends full batches at once, without waiting for the timer', async () => {
    const { transport, batches } = scriptedTransport(async () => undefined);
    const bus = new EventBusBackend({ transport, stream: 's', batchSize: 10, batchDelay: 60000 });
    for (let i = 0; i < 25; i++) bus.send({ name: 'e', data: { i } });
    await sleep(30);
    // The full batches at once; the rest as soon as they returned (not after batchDelay).
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    for (let i = 0; i < 3; i++) bus.send({ name: 'e' });
    const started = Date.now();
    await bus.flush(); // an idle publisher: flush sends the partial batch at once
    expect(Date.now() - started).toBeLessThan(1000);
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5, 3]);
    const ids = batches.flat().map((record) => record.id);
    expect(new Set(ids).size).toBe(28);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    await bus.close();
  });

  it('keeps a failed batch until the broker acknowledges it, retrying with backoff', async () => {
    const { transport, batches, calls } = scriptedTransport(async (_records, call) => {
      if (call < 3) throw new Error(`broker down (${call})`);
    });
    const reports: string[] = [];
    const bus = new EventBusBackend({ transport, stream: 's', batchDelay: 1, retryDelay: 10, maxRetryDelay: 20, onError: (error) => reports.push(error.message) });
    bus.send({ name: 'a' });
    await sleep(15);
    expect(bus.buffered).toBe(1);
    expect(bus.published).toBe(0);
    await bus.flush();
    expect(calls()).toBe(4);
    expect(bus).toMatchObject({ published: 1, buffered: 0, retries: 3, dropped: 0 });
    expect(batches).toHaveLength(1);
    expect(reports[0]).toMatch(/publishing 1 events to 's' failed \(retrying in \d+ ms\): broker down \(0\)/);
    await bus.close();
  });

  it('bounds its buffer: past maxBuffer, events are dropped, counted, and reported sparingly', async () => {
    const { transport } = scriptedTransport(never);
    const reports: string[] = [];
    const bus = new EventBusBackend({ transport, stream: 's', maxBuffer: 5, closeTimeout: 50, reportInterval: 60000, onError: (error) => reports.push(error.message) });
    for (let i = 0; i < 8; i++) bus.send({ name: 'e' });
    expect(bus).toMatchObject({ accepted: 5, dropped: 3, buffered: 5 });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/event dropped: 5 events are already waiting for the broker \(maxBuffer\)/);
    await bus.close();
    expect(reports.some((message) => message.startsWith('2 more failures like it'))).toBe(true);
  });

  it('bounds its buffer in bytes too: past maxBufferBytes, events are dropped, counted and reported; room comes back as batches are acknowledged', async () => {
    let release!: () => void;
    const broker = new Promise<void>((resolve) => (release = resolve));
    const { transport, batches } = scriptedTransport(() => broker);
    const reports: string[] = [];
    const bus = new EventBusBackend({ transport, stream: 's', maxBufferBytes: 50000, batchDelay: 1, reportInterval: 60000, onError: (error) => reports.push(error.message) });
    const large = { name: 'e', data: { text: 'é'.repeat(5000) } }; // 10,000 bytes of UTF-8 in 5,000 characters
    for (let i = 0; i < 8; i++) bus.send(large);
    expect(bus).toMatchObject({ accepted: 4, dropped: 4, buffered: 4 });
    expect(bus.bufferedBytes).toBeGreaterThan(40000);
    expect(bus.bufferedBytes).toBeLessThanOrEqual(50000);
    expect(reports).toEqual([expect.stringMatching(/^event dropped: 4 events \(\d+ bytes\) are already waiting for the broker \(maxBufferBytes: 50000\); is it reachable\?$/)]);
    bus.send({ name: 'small' }); // a small event still fits
    expect(bus).toMatchObject({ accepted: 5, dropped: 4 });
    release();
    await bus.flush();
    expect(bus).toMatchObject({ buffered: 0, bufferedBytes: 0, published: 5 });
    bus.send(large);
    await bus.flush();
    expect(bus).toMatchObject({ accepted: 6, published: 6, dropped: 4 });
    expect(batches.flat()).toHaveLength(6);
    // An event larger than the whole bound can never be buffered: dropped, not stuck.
    bus.send({ name: 'huge', data: { text: 'x'.repeat(60000) } });
    expect(bus).toMatchObject({ accepted: 6, dropped: 5 });
    await bus.close();
  });

  it('close() is bounded by closeTimeout, and reports what it could not publish', async () => {
    const { transport } = scriptedTransport(never);
    const reports: string[] = [];
    const bus = new EventBusBackend({ transport, stream: 's', closeTimeout: 100, onError: (error) => reports.push(error.message) });
    bus.send({ name: 'e' });
    bus.send({ name: 'e' });
    const started = Date.now();
    await bus.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(bus.lost).toBe(2);
    expect(reports.at(-1)).toMatch(/2 events were not confirmed published to 's' within closeTimeout \(100 ms\)/);
    bus.send({ name: 'late' });
    expect(bus.dropped).toBe(1);
  });

  it('uses eventId for ids, and refuses bad options by name', () => {
    const { transport, batches } = scriptedTransport(async () => undefined);
    const bus = new EventBusBackend({ transport, stream: 's', eventId: (event) => String((event.data as { key: string }).key) });
    bus.send({ name: 'e', data: { key: 'k1' } });
    return bus.flush().then(async () => {
      expect(batches[0]![0]!.id).toBe('k1');
      await bus.close();
      expect(() => new EventBusBackend({ transport, stream: '' })).toThrow(`EventBusBackend: option 'stream' must be a non-empty string, got "" (a string)`);
      expect(() => new EventBusBackend({ transport, stream: 's', batchSize: 0 })).toThrow("EventBusBackend: option 'batchSize' must be an integer of 1 or more, got 0 (a number)");
      expect(() => new EventBusBackend({ stream: 's' } as never)).toThrow("EventBusBackend: option 'transport' is required");
    });
  });
});
