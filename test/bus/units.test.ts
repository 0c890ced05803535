// The bus's parts that need no broker: the envelope, the producer's buffer (against a
// scripted in-memory transport), the consumer's view of its backends, the dedupe window,
// the CLI's arguments and the optional-dependency loader.
import { setTimeout as sleep } from 'node:timers/promises';
import { LoggerBackend } from '../../src/backends/logger';
import { RoutingBackend } from '../../src/core/routing';
import { EventTime } from '../../src/encoding/timestamp';
import type { Backend, ErrorReporter } from '../../src/core/types';
import { parseConsumeArgs, UsageError } from '../../src/cli/consume';
import { decodeEnvelope, encodeEnvelope } from '../../src/bus/envelope';
import { EventBusBackend } from '../../src/bus/event-bus-backend';
import { createBusTransport, eventBusBackendEngine } from '../../src/bus/from-config';
import { requireOptional } from '../../src/bus/optional-require';
import { RecentIds } from '../../src/bus/recent-ids';
import type { BusRecord, BusTransport } from '../../src/bus/transport';
import { WatchedBackend } from '../../src/bus/watched-backend';
import { removeTempFiles, tempFile } from './support/scenarios';

afterAll(removeTempFiles);

/** A transport whose publish does what `behaviour` says, recording what it was given. */
function scriptedTransport(behaviour: (records: readonly BusRecord[], call: number) => Promise<void>) {
  const batches: BusRecord[][] = [];
  let calls = 0;
  const transport: BusTransport = {
    kind: 'scripted',
    async publish(_stream, records) {
      await behaviour(records, calls++);
      batches.push([...records]);
    },
    ensureGroup: async () => undefined,
    readOwnPending: async () => [],
    read: async () => [],
    ack: async () => undefined,
    claim: async () => [],
    release: async () => false,
    deadLetter: async () => undefined,
    lag: async () => undefined,
    close: async () => undefined,
  };
  return { transport, batches, calls: () => calls };
}

const never = (): Promise<void> => new Promise(() => undefined);

describe('the envelope', () => {
  it('brings dates back as EventTimes with their microseconds, and leaves date-like strings alone', () => {
    const event = {
      name: 'x',
      timestamp: new EventTime(Date.UTC(2024, 1, 29, 23, 59, 59, 999), 999),
      data: { at: [new Date(0), { deep: new EventTime(1, 2) }], text: '2024-01-01T00:00:00+00:00' },
      context: { __proto__: 'plain data' } as Record<string, unknown>,
    };
    const decoded = decodeEnvelope(encodeEnvelope('the-id', event));
    expect(decoded.id).toBe('the-id');
    const back = decoded.event as typeof event;
    expect(back.timestamp).toBeInstanceOf(EventTime);
    expect(back.timestamp.toJSON()).toBe('2024-02-29T23:59:59.999999+00:00');
    expect((back.data.at[0] as Date).toJSON()).toBe('1970-01-01T00:00:00+00:00');
    expect(((back.data.at[1] as { deep: EventTime }).deep as EventTime).microsecond).toBe(2);
    expect(back.data.text).toBe('2024-01-01T00:00:00+00:00');
    expect(Object.getPrototypeOf(back.context)).toBe(Object.prototype);
  });

  it('refuses what it cannot encode or decode, saying why', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => encodeEnvelope('a', { data: cyclic })).toThrow(TypeError);
    expect(() => decodeEnvelope('{"v":2,"id":"a","event":{}}')).toThrow(/version 2/);
    expect(() => decodeEnvelope('{"v":1,"event":{}}')).toThrow(/no id/);
    expect(() => decodeEnvelope('not json')).toThrow();
  });
});

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
      expect(() => new EventBusBackend({ transport, stream: '' })).toThrow(/stream is required/);
      expect(() => new EventBusBackend({ transport, stream: 's', batchSize: 0 })).toThrow(/batchSize must be an integer ≥ 1/);
      expect(() => new EventBusBackend({ stream: 's' } as never)).toThrow(/transport is required/);
    });
  });
});

describe("the consumer's view of a backend (WatchedBackend)", () => {
  const quiet: ErrorReporter = () => undefined;

  it('counts a throw, a rejection, a report during send, and a dropped counter as failures', async () => {
    const thrower = new WatchedBackend('t', { send: () => { throw new Error('boom'); } }, quiet, 1000);
    expect((thrower.send({}) as Error).message).toBe('boom');
    const rejecter = new WatchedBackend('r', { send: async () => { throw new Error('later'); } }, quiet, 1000);
    expect(((await rejecter.send({})) as Error).message).toBe('later');
    // A router swallows its backend's failure and reports it: still a failure.
    const router = new RoutingBackend({ backends: { inner: { send: () => { throw new Error('inner failed'); } } } });
    const watchedRouter = new WatchedBackend('router', router, quiet, 1000);
    expect((watchedRouter.send({ name: 'x' }) as Error).message).toBe('inner failed');
    // LoggerBackend drops an event over maxEventSize: counted in `dropped`, reported.
    const logger = new LoggerBackend({ filename: tempFile('t.log'), maxEventSize: 10 });
    const watchedLogger = new WatchedBackend('logger', logger, quiet, 1000);
    expect(watchedLogger.send({ name: 'far too long for ten characters' })).toBeInstanceOf(Error);
    expect(watchedLogger.send({ n: 1 })).toBeUndefined();
    await logger.close();
  });

  it('fails the events named in a report made during flush, or all of them for a failed flush', async () => {
    let reportRef: ErrorReporter = () => undefined;
    const backend: Backend = {
      send: () => undefined,
      bindErrorReporter: (report) => (reportRef = report),
      flush: async () => reportRef(new Error('write failed'), { stage: 'backend', eventName: 'bad' }),
    };
    const named = await new WatchedBackend('b', backend, quiet, 1000).flush();
    expect(named.all).toBeUndefined();
    expect(named.byName.get('bad')?.message).toBe('write failed');
    const hanging = await new WatchedBackend('h', { send: () => undefined, flush: never }, quiet, 50).flush();
    expect(hanging.all?.message).toBe('flush did not end within 50 ms');
    const ok = await new WatchedBackend('o', { send: () => undefined }, quiet, 50).flush();
    expect(ok).toEqual({ byName: new Map() });
  });
});

describe('RecentIds (the dedupe window)', () => {
  it('remembers the last `capacity` ids, the oldest out first', () => {
    const ids = new RecentIds(3);
    for (const id of ['a', 'b', 'c', 'a']) ids.add(id);
    ids.add('d');
    expect([ids.has('a'), ids.has('b'), ids.has('c'), ids.has('d'), ids.size]).toEqual([false, true, true, true, 3]);
  });
});

describe('configuration and CLI arguments', () => {
  it('builds transports from data, and says what is wrong', () => {
    expect(() => createBusTransport({})).toThrow(/give exactly one of redis: \{ url \} and nats: \{ servers \}/);
    expect(() => createBusTransport({ redis: 'redis://x', nats: 'nats://y' })).toThrow(/got redis and nats/);
    expect(() => eventBusBackendEngine({ stream: 's' })).toThrow(/EventBusBackend: give exactly one of/);
    const bus = eventBusBackendEngine({ redis: { url: 'redis://127.0.0.1:1' }, stream: 's', batchSize: 5 });
    expect(bus.transport.kind).toBe('redis');
    return bus.transport.close();
  });

  it('parses eventtracking consume arguments', () => {
    expect(parseConsumeArgs(['--redis', 'redis://r', '--stream=s', '--group', 'g', '--tracking-log', '/tmp/t.log', '--batch-size', '50'])).toMatchObject({
      redis: 'redis://r',
      stream: 's',
      group: 'g',
      trackingLog: '/tmp/t.log',
      batchSize: 50,
      progressSeconds: 5,
    });
    expect(parseConsumeArgs(['--nats', 'nats://a,nats://b', '--stream', 's', '--group', 'g', '--tracking-log', 'f']).nats).toEqual(['nats://a', 'nats://b']);
    expect(() => parseConsumeArgs(['--stream', 's'])).toThrow(UsageError);
    expect(() => parseConsumeArgs(['--redis', 'r', '--nats', 'n', '--stream', 's', '--group', 'g', '--tracking-log', 'f'])).toThrow(/one of --redis/);
    expect(() => parseConsumeArgs(['--redis', 'r', '--stream', 's', '--group', 'g', '--tracking-log', 'f', '--bogus', '1'])).toThrow(/unknown option --bogus/);
    expect(() => parseConsumeArgs(['--redis', 'r', '--stream', 's', '--group', 'g', '--tracking-log', 'f', '--batch-size', 'x'])).toThrow(/whole number/);
  });

  it('names the package to install when an optional client is missing', () => {
    expect(() => requireOptional('eventtracking-no-such-package', 'SomeTransport')).toThrow(
      "SomeTransport needs the 'eventtracking-no-such-package' package, which is not installed: run `npm install eventtracking-no-such-package`",
    );
  });
});
