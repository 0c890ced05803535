// The event bus on a real Redis: the machine's (127.0.0.1:6379) for most tests, a
// private redis-server with the append-only file on for the restart test.
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { MemoryBackend } from '../../../src/backends/memory';
import { createEventBusConsumer } from '../../../src/bus/consumer';
import { encodeEnvelope } from '../../../src/bus/envelope';
import { EventBusBackend } from '../../../src/bus/event-bus-backend';
import { createTracker } from '../../../src/config/create-tracker';
import { RedisStreamTransport } from '../../../src/bus/redis-transport';
import { pairsOf } from '../../../src/bus/redis-replies';
import type { BusMessage } from '../../../src/bus/transport';
import { deleteRedisStreams, describeWithPrivateServer, describeWithRedis, privateRedis, REDIS_URL, stopPrivateServers, uniqueStream, type PrivateServer } from '../support/brokers';
import { killChildren } from '../support/children';
import { compareKeys, expectedKeys, expectEveryEventOnce, latest, produce, readTrackingLog, runProducers, startConsumer, stopConsumer, tempFile, waitFor, removeTempFiles } from '../support/scenarios';
import { sameLinesScenario } from '../support/same-lines';
import { crashLoopScenario, hostileMixProperty, poisonScenario, type RawBus } from '../support/hostile';

const transport = { redis: { url: REDIS_URL } };
const streams: string[] = [];
const stream = (label: string): string => {
  const name = uniqueStream(label);
  streams.push(name);
  return name;
};

async function lagOf(url: string, name: string, group: string): Promise<number | undefined> {
  const transport = new RedisStreamTransport({ url });
  try {
    return await transport.lag(name, group);
  } finally {
    await transport.close();
  }
}

async function redis<T>(url: string, run: (client: { sendCommand(args: string[]): Promise<unknown> }) => Promise<T>): Promise<T> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

afterAll(async () => {
  await killChildren();
  removeTempFiles();
  stopPrivateServers();
  await deleteRedisStreams(REDIS_URL, streams);
});

describeWithRedis('event bus on Redis streams', () => {
  it('3 producer processes × 20,000 events reach one consumer: every event exactly once in tracking.log', async () => {
    const name = stream('once');
    const run = await runProducers({ transport, stream: name, producers: 3, count: 20000, timeoutMs: 90000 });
    expect(expectEveryEventOnce(run.file, 3, 20000).badTimes).toBe(0);
    expect(run.consumer).toMatchObject({ delivered: 60000, deadLettered: 0 });
    for (const producer of run.producers) expect(producer).toMatchObject({ accepted: 20000, published: 20000, dropped: 0, lost: 0 });
    console.log(`redis, 3 × 20,000 events: ${run.elapsedMs} ms end to end; consumer ${JSON.stringify(run.consumer)}`);
    // Acked: nothing left pending in the group.
    expect(await lagOf(REDIS_URL, name, 'central')).toBe(0);
  }, 120000);

  describeWithPrivateServer('REDIS', 'a Redis restarted mid-run', () => {
    let server: PrivateServer;
    beforeAll(async () => {
      server = await privateRedis();
    }, 30000);
    afterAll(async () => {
      await server?.stop().catch(() => undefined);
    });

    it('loses and duplicates nothing: producers reconnect and retry, the consumer resumes (AOF on)', async () => {
      const name = uniqueStream('restart');
      const url = server.url;
      let downMs = 0;
      const run = await runProducers({
        transport: { redis: { url } },
        stream: name,
        producers: 3,
        count: 20000,
        timeoutMs: 120000,
        midway: async () => {
          const stopped = Date.now();
          await server.stop();
          await sleep(1500);
          await server.start();
          downMs = Date.now() - stopped;
        },
      });
      expectEveryEventOnce(run.file, 3, 20000);
      const retries = run.producers.reduce((sum, p) => sum + Number(p.retries), 0);
      console.log(
        `redis restart (down ${downMs} ms): ${run.elapsedMs} ms; producer publish retries ${retries}; consumer ${JSON.stringify(run.consumer)}`,
      );
    }, 150000);
  });

  it('a consumer killed with SIGKILL mid-batch: another member claims its pending events and finishes them', async () => {
    const name = stream('kill');
    await produce(transport, name, 3000);
    const fileA = tempFile('a.log');
    const fileB = tempFile('b.log');
    const common = { transport, stream: name, group: 'central', batchSize: 100, claimIdleMs: 1000 };
    const a = await startConsumer({ ...common, consumer: 'a', file: fileA, slowFlushMs: 300 });
    await waitFor(() => (latest(a).delivered ?? 0) >= 500, 'consumer a delivering', 30000);
    a.process.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const pendingOnA = await redis(REDIS_URL, async (client) => {
      const rows = (await client.sendCommand(['XPENDING', name, 'central', '-', '+', '10000', 'a'])) as unknown[];
      return rows.length;
    });
    expect(pendingOnA).toBeGreaterThan(0);
    const b = await startConsumer({ ...common, consumer: 'b', file: fileB });
    await waitFor(() => readTrackingLog(fileB).lines + readTrackingLog(fileA).lines >= 3000, 'every event written', 30000);
    await waitFor(() => (latest(b).claimed ?? 0) >= pendingOnA, 'b claiming what a left', 30000);
    const { stats } = await stopConsumer(b);
    const keys = [...readTrackingLog(fileA).keys, ...readTrackingLog(fileB).keys];
    const result = compareKeys(keys, expectedKeys(1, 3000));
    expect(result.missing).toBe(0);
    expect(result.unexpected).toBe(0);
    // The only copies possible: the batch a had written and not acked when it died.
    expect(result.duplicates).toBeLessThanOrEqual(100);
    expect(await lagOf(REDIS_URL, name, 'central')).toBe(0);
    console.log(`redis SIGKILL: ${pendingOnA} pending on a; b ${JSON.stringify(stats)}; copies across the two files ${result.duplicates}`);
  }, 90000);

  it('events one backend always refuses go to the dead-letter stream with the reason; the rest flow', async () => {
    const name = stream('dead');
    const bus = new EventBusBackend({ transport: new RedisStreamTransport({ url: REDIS_URL }), stream: name });
    for (let i = 0; i < 1000; i++) bus.send({ name: i % 10 === 0 ? 'poison' : 'fine', timestamp: new Date(), data: { i } });
    await bus.close();
    const memory = new MemoryBackend();
    const picky = {
      send(event: { name?: unknown }) {
        if (event.name === 'poison') throw new Error('picky refuses poison');
      },
    };
    const errors: string[] = [];
    const consumer = createEventBusConsumer({
      transport: new RedisStreamTransport({ url: REDIS_URL }),
      stream: name,
      group: 'g',
      consumer: 'c',
      backends: { memory, picky },
      maxAttempts: 3,
      retryDelay: 10,
      maxRetryDelay: 50,
      onError: (error) => errors.push(error.message),
    });
    await waitFor(() => consumer.stats.delivered + consumer.stats.deadLettered >= 1000, 'every event settled', 30000);
    await consumer.close();
    expect(consumer.stats).toMatchObject({ delivered: 900, deadLettered: 100, duplicates: 0 });
    expect(consumer.stats.retried).toBe(200);
    // memory accepted the poison events on the first attempt and was not sent them again.
    expect(memory.events).toHaveLength(1000);
    const dead = await redis(REDIS_URL, async (client) => (await client.sendCommand(['XRANGE', `${name}:dead`, '-', '+'])) as [string, string[]][]);
    expect(dead).toHaveLength(100);
    const entry = Object.fromEntries(pairsOf(dead[0]![1]));
    expect(entry).toMatchObject({ reason: 'picky: picky refuses poison', attempts: '3', delivered_to: 'memory', group: 'g', consumer: 'c' });
    expect(JSON.parse(String(entry.body)).event.name).toBe('poison');
    expect(errors.some((message) => message.includes('dead-letter'))).toBe(true);
    expect(await lagOf(REDIS_URL, name, 'g')).toBe(0);
  }, 60000);

  it("a central LoggerBackend writes the producer's own lines, time and all", async () => {
    const { producerLines, consumerLines } = await sameLinesScenario(transport, stream('same'));
    expect(producerLines).toHaveLength(26);
    expect(consumerLines).toEqual(producerLines);
  }, 30000);

  it('the same event published twice (same id) is one event to the consumer', async () => {
    const name = stream('idem');
    const producer = new RedisStreamTransport({ url: REDIS_URL });
    const record = { id: 'fixed-id', body: encodeEnvelope('fixed-id', { name: 'once', data: {} }) };
    await producer.publish(name, [record]);
    await producer.publish(name, [record]); // a batch re-published after a lost acknowledgement
    await producer.close();
    const memory = new MemoryBackend();
    const consumer = createEventBusConsumer({ transport: new RedisStreamTransport({ url: REDIS_URL }), stream: name, group: 'g', backends: { memory } });
    await waitFor(() => consumer.stats.received >= 2, 'both copies read', 10000);
    await consumer.close();
    expect(consumer.stats).toMatchObject({ received: 2, delivered: 1, duplicates: 1 });
    expect(memory.events).toHaveLength(1);
    expect(await lagOf(REDIS_URL, name, 'g')).toBe(0);
  }, 30000);

  it("is a config engine: { engine: 'EventBusBackend', options: { redis: { url }, stream } }, snake_case names at every level", async () => {
    const name = stream('engine');
    const tracker = createTracker({
      backends: { bus: { engine: 'EventBusBackend', options: { redis: { url: REDIS_URL, publish_with: 'pipeline' }, stream: name, batch_size: 10 } } },
    });
    for (let i = 0; i < 25; i++) tracker.emit('edx.test.engine', { i });
    await tracker.close();
    expect(await redis(REDIS_URL, (client) => client.sendCommand(['XLEN', name]))).toBe(25);
  }, 30000);

  it('trimAcked deletes only entries every group has acked', async () => {
    const name = stream('trim');
    const t = new RedisStreamTransport({ url: REDIS_URL });
    await t.ensureGroup(name, 'fast');
    await t.publish(name, Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, body: '{}' })));
    const read = await t.read(name, 'fast', 'c', { count: 10, blockMs: 0 });
    await t.ack(name, 'fast', read.slice(0, 6));
    expect(await t.trimAcked(name)).toBe(6); // entries 7-10 are still pending
    await t.ensureGroup(name, 'slow'); // a group that has read nothing yet
    expect(await t.trimAcked(name)).toBe(0);
    expect(await redis(REDIS_URL, (client) => client.sendCommand(['XLEN', name]))).toBe(4);
    await t.close();
  }, 30000);

  it('acks only what every backend accepted: a failed flush keeps the batch pending and retries it', async () => {
    const name = stream('flush');
    const bus = new EventBusBackend({ transport: new RedisStreamTransport({ url: REDIS_URL }), stream: name });
    for (let i = 0; i < 50; i++) bus.send({ name: 'e', data: { i } });
    await bus.close();
    const memory = new MemoryBackend();
    let flushes = 0;
    let pendingDuringFailure = -1;
    const flaky = {
      send: () => undefined,
      async flush() {
        if (++flushes > 2) return;
        pendingDuringFailure = await redis(REDIS_URL, async (client) => ((await client.sendCommand(['XPENDING', name, 'g', '-', '+', '100'])) as unknown[]).length);
        throw new Error('disk full');
      },
    };
    const consumer = createEventBusConsumer({
      transport: new RedisStreamTransport({ url: REDIS_URL }),
      stream: name,
      group: 'g',
      backends: { a_memory: memory, flaky },
      retryDelay: 10,
      onError: () => undefined,
    });
    await waitFor(() => consumer.stats.delivered >= 50, 'every event delivered', 20000);
    await consumer.close();
    expect(pendingDuringFailure).toBe(50); // read, not acked while a backend had not accepted them
    expect(consumer.stats).toMatchObject({ delivered: 50, deadLettered: 0, retried: 100 });
    expect(memory.events).toHaveLength(50); // accepted once: not sent again on the retries
    expect(await lagOf(REDIS_URL, name, 'g')).toBe(0);
  }, 30000);
});

describeWithRedis("issue 20 on Redis: hostile, oversized and crashing messages", () => {
  const bus: RawBus = {
    spec: transport,
    transport: () => new RedisStreamTransport({ url: REDIS_URL }),
    publishRaw: (name, entries) =>
      redis(REDIS_URL, async (client) => {
        for (const { id, body } of entries) await client.sendCommand(['XADD', name, '*', 'id', id, 'body', body]);
      }),
    deadLetters: (name) =>
      redis(REDIS_URL, async (client) => {
        const rows = (await client.sendCommand(['XRANGE', `${name}:dead`, '-', '+'])) as [string, unknown][];
        return rows.map(([, fields]) => {
          const entry = Object.fromEntries(pairsOf(fields));
          return { id: String(entry.id), reason: String(entry.reason), attempts: Number(entry.attempts), body: String(entry.body) };
        });
      }),
    unsettled: async (name, group) => (await lagOf(REDIS_URL, name, group)) ?? -1,
  };

  it("issue 20's two poison envelopes, by raw XADD: dead-lettered at once with the reason, every valid event delivered, prototypes untouched", async () => {
    await poisonScenario(bus, stream('poison'));
  }, 30000);

  it('any mix of valid, hostile and oversized messages (property): valid events once, the rest dead-lettered with reason and body', async () => {
    await hostileMixProperty(bus, stream, 8);
  }, 120000);

  it('a message that kills its consumer: dead-lettered once its delivery count passes maxAttempts, then the restarted consumer goes on', async () => {
    const { crashes, elapsedMs, matesDeadLettered } = await crashLoopScenario(bus, stream('crash'), { matesSurvive: true });
    console.log(`redis crash loop: ${crashes} crashes, then dead-lettered; ${matesDeadLettered} of its 4 batch mates dead-lettered with it; ${elapsedMs} ms`);
  }, 90000);

  it('an oversized message a dead member left pending is claimed without its body, and dead-lettered whole', async () => {
    const name = stream('claim-huge');
    const huge = encodeEnvelope('huge', { name: 'huge', data: { padding: 'x'.repeat(100000) }, context: {} });
    const small = encodeEnvelope('small', { name: 'small', data: { n: 1 }, context: {} });
    await redis(REDIS_URL, async (client) => {
      await client.sendCommand(['XGROUP', 'CREATE', name, 'g', '0', 'MKSTREAM']);
      await client.sendCommand(['XADD', name, '*', 'id', 'huge', 'body', huge]);
      await client.sendCommand(['XADD', name, '*', 'id', 'small', 'body', small]);
      // A member that read both and died: they wait in its pending list.
      await client.sendCommand(['XREADGROUP', 'GROUP', 'g', 'ghost', 'COUNT', '10', 'STREAMS', name, '>']);
    });
    const memory = new MemoryBackend();
    const reader = new RedisStreamTransport({ url: REDIS_URL });
    const claimed: BusMessage[] = [];
    const claim = reader.claim.bind(reader);
    reader.claim = async (...args) => {
      const messages = await claim(...args);
      claimed.push(...messages);
      return messages;
    };
    const consumer = createEventBusConsumer({
      transport: reader,
      stream: name,
      group: 'g',
      consumer: 'c',
      backends: { memory },
      claimIdleMs: 200,
      maxMessageBytes: 50000,
      onError: () => undefined,
    });
    await waitFor(() => consumer.stats.deadLettered + consumer.stats.delivered >= 2, 'both claimed and settled', 20000);
    await consumer.close();
    expect(consumer.stats).toMatchObject({ claimed: 2, delivered: 1, deadLettered: 1 });
    expect(memory.events.map((event) => event.name)).toEqual(['small']);
    expect(claimed.find((message) => message.id === 'huge')).toMatchObject({ body: null, withheld: true, bytes: Buffer.byteLength(huge), deliveries: 2 });
    const dead = await bus.deadLetters(name);
    // Claiming counts a delivery: the ghost's read was the first.
    expect(dead).toEqual([{ id: 'huge', body: huge, attempts: 2, reason: `too large: ${Buffer.byteLength(huge)} bytes, more than maxMessageBytes (50000)` }]);
    expect(await lagOf(REDIS_URL, name, 'g')).toBe(0);
  }, 30000);

  it('100 messages of 4 MiB at the default maxMessageBytes (1 MiB): all dead-lettered whole, the bodies never reach the consumer', async () => {
    const name = stream('huge');
    const padding = 'x'.repeat(4 * 1024 * 1024);
    const bodies = Array.from({ length: 100 }, (_, n) => encodeEnvelope(`huge-${n}`, { name: 'huge', data: { n, padding }, context: {} }));
    const published = Date.now();
    await redis(REDIS_URL, async (client) => {
      for (let n = 0; n < bodies.length; n++) await client.sendCommand(['XADD', name, '*', 'id', `huge-${n}`, 'body', bodies[n]!]);
      await client.sendCommand(['XADD', name, '*', 'id', 'small', 'body', encodeEnvelope('small', { name: 'small', data: { producer: 0, seq: 0 }, context: {} })]);
    });
    const publishMs = Date.now() - published;
    const file = tempFile('huge.log');
    const child = await startConsumer({ transport, stream: name, group: 'central', consumer: 'c', file });
    await waitFor(() => (latest(child).deadLettered ?? 0) >= 100 && readTrackingLog(file).lines >= 1, '100 dead letters and the small event', 60000);
    const { stats, code } = await stopConsumer(child);
    expect(code).toBe(0);
    expect(stats).toMatchObject({ deadLettered: 100, delivered: 1, retried: 0 });
    const dead = await bus.deadLetters(name);
    expect(dead).toHaveLength(100);
    expect(dead.every((letter, n) => letter.body === bodies[n] && letter.reason === `too large: ${Buffer.byteLength(bodies[n]!)} bytes, more than maxMessageBytes (1048576)`)).toBe(true);
    // At most the one entry a blocking read takes whole is ever in the consumer: unbounded, a batch of 100 is 400 MiB of text.
    expect(Number(stats.peakRss)).toBeLessThan(250 * 1024 * 1024);
    console.log(`redis 100 × 4 MiB: published in ${publishMs} ms; consumer peak RSS ${Math.round(Number(stats.peakRss) / 1048576)} MiB`);
  }, 120000);
});
