// The event bus on real NATS JetStream: the machine's server (127.0.0.1:4222) for most
// tests, a private nats-server with its own store directory for the restart test.
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from 'nats';
import { MemoryBackend } from '../../../src/backends/memory';
import { createEventBusConsumer } from '../../../src/bus/consumer';
import { EventBusBackend } from '../../../src/bus/event-bus-backend';
import { NatsJetStreamTransport } from '../../../src/bus/nats-transport';
import { deleteNatsStreams, describeWithNats, describeWithPrivateServer, NATS_URL, privateNats, stopPrivateServers, uniqueStream, type PrivateServer } from '../support/brokers';
import { killChildren } from '../support/children';
import { crashLoopScenario, hostileMixProperty, poisonScenario, type RawBus } from '../support/hostile';
import { sameLinesScenario } from '../support/same-lines';
import { compareKeys, expectedKeys, expectEveryEventOnce, latest, produce, readTrackingLog, runProducers, startConsumer, stopConsumer, tempFile, waitFor, removeTempFiles } from '../support/scenarios';

const transport = { nats: { servers: NATS_URL } };
const streams: string[] = [];
const stream = (label: string): string => {
  const name = uniqueStream(label);
  streams.push(name);
  return name;
};

async function withNats<T>(run: (nc: NatsConnection) => Promise<T>): Promise<T> {
  const nc = await connect({ servers: NATS_URL });
  try {
    return await run(nc);
  } finally {
    await nc.close();
  }
}

/** Messages of the group not acked yet: undelivered + delivered and unacked. */
async function consumerState(name: string, group: string): Promise<{ pending: number; ackPending: number }> {
  return withNats(async (nc) => {
    const info = await (await nc.jetstreamManager()).consumers.info(name, group);
    return { pending: info.num_pending, ackPending: info.num_ack_pending };
  });
}

afterAll(async () => {
  await killChildren();
  removeTempFiles();
  stopPrivateServers();
  await deleteNatsStreams(NATS_URL, streams);
});

describeWithNats('event bus on NATS JetStream', () => {
  it('3 producer processes × 20,000 events reach one consumer: every event exactly once in tracking.log', async () => {
    const name = stream('once');
    const run = await runProducers({ transport, stream: name, producers: 3, count: 20000, timeoutMs: 120000 });
    expect(expectEveryEventOnce(run.file, 3, 20000).badTimes).toBe(0);
    expect(run.consumer).toMatchObject({ delivered: 60000, deadLettered: 0 });
    for (const producer of run.producers) expect(producer).toMatchObject({ accepted: 20000, published: 20000, dropped: 0, lost: 0 });
    expect(await consumerState(name, 'central')).toEqual({ pending: 0, ackPending: 0 });
    console.log(`nats, 3 × 20,000 events: ${run.elapsedMs} ms end to end; consumer ${JSON.stringify(run.consumer)}`);
  }, 150000);

  describeWithPrivateServer('NATS', 'a NATS server restarted mid-run', () => {
    let server: PrivateServer;
    beforeAll(async () => {
      server = await privateNats();
    }, 30000);
    afterAll(async () => {
      await server?.stop().catch(() => undefined);
    });

    it('loses and duplicates nothing: JetStream keeps the stream on disk, Nats-Msg-Id drops re-published copies', async () => {
      const name = uniqueStream('restart');
      let downMs = 0;
      const run = await runProducers({
        transport: { nats: { servers: server.url } },
        stream: name,
        producers: 3,
        count: 20000,
        timeoutMs: 150000,
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
      console.log(`nats restart (down ${downMs} ms): ${run.elapsedMs} ms; producer publish retries ${retries}; consumer ${JSON.stringify(run.consumer)}`);
    }, 180000);
  });

  it('a consumer killed with SIGKILL mid-batch: JetStream redelivers its unacked events to another member after the ack wait', async () => {
    const name = stream('kill');
    await produce(transport, name, 3000);
    const fileA = tempFile('a.log');
    const fileB = tempFile('b.log');
    const common = { transport, stream: name, group: 'central', batchSize: 100, claimIdleMs: 1000 };
    const a = await startConsumer({ ...common, consumer: 'a', file: fileA, slowFlushMs: 300 });
    await waitFor(() => (latest(a).delivered ?? 0) >= 500, 'consumer a delivering', 30000);
    a.process.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    const atKill = await consumerState(name, 'central');
    expect(atKill.ackPending).toBeGreaterThan(0);
    const b = await startConsumer({ ...common, consumer: 'b', file: fileB });
    await waitFor(() => readTrackingLog(fileB).lines + readTrackingLog(fileA).lines >= 3000, 'every event written', 30000);
    for (let state = await consumerState(name, 'central'); state.pending + state.ackPending > 0; state = await consumerState(name, 'central')) {
      await sleep(100);
    }
    const { stats } = await stopConsumer(b);
    const keys = [...readTrackingLog(fileA).keys, ...readTrackingLog(fileB).keys];
    const result = compareKeys(keys, expectedKeys(1, 3000));
    expect(result.missing).toBe(0);
    expect(result.unexpected).toBe(0);
    expect(result.duplicates).toBeLessThanOrEqual(100);
    expect(await consumerState(name, 'central')).toEqual({ pending: 0, ackPending: 0 });
    console.log(`nats SIGKILL: ${atKill.ackPending} unacked on a; b ${JSON.stringify(stats)}; copies across the two files ${result.duplicates}`);
  }, 90000);

  it('events one backend always refuses go to the dead-letter subject with the reason; the rest flow', async () => {
    const name = stream('dead');
    const bus = new EventBusBackend({ transport: new NatsJetStreamTransport({ servers: NATS_URL }), stream: name });
    for (let i = 0; i < 1000; i++) bus.send({ name: i % 10 === 0 ? 'poison' : 'fine', timestamp: new Date(), data: { i } });
    await bus.close();
    const memory = new MemoryBackend();
    const picky = {
      async send(event: { name?: unknown }) {
        if (event.name === 'poison') throw new Error('picky refuses poison');
      },
    };
    const consumer = createEventBusConsumer({
      transport: new NatsJetStreamTransport({ servers: NATS_URL }),
      stream: name,
      group: 'g',
      consumer: 'c',
      backends: { memory, picky },
      maxAttempts: 3,
      retryDelay: 10,
      maxRetryDelay: 50,
      onError: () => undefined,
    });
    await waitFor(() => consumer.stats.delivered + consumer.stats.deadLettered >= 1000, 'every event settled', 30000);
    await consumer.close();
    expect(consumer.stats).toMatchObject({ delivered: 900, deadLettered: 100, duplicates: 0, retried: 200 });
    expect(memory.events).toHaveLength(1000);
    const dead = await withNats(async (nc) => {
      const js = nc.jetstream();
      const reader = await js.consumers.get(name, { filterSubjects: `${name}.dead` });
      const found: { headers: Record<string, string>; body: string }[] = [];
      const messages = await reader.fetch({ max_messages: 100, expires: 2000 });
      for await (const message of messages) {
        const headers: Record<string, string> = {};
        for (const key of message.headers?.keys() ?? []) headers[key] = message.headers?.get(key) ?? '';
        found.push({ headers, body: message.string() });
      }
      return found;
    });
    expect(dead).toHaveLength(100);
    expect(dead[0]!.headers).toMatchObject({
      'Eventtracking-Reason': 'picky: picky refuses poison',
      'Eventtracking-Attempts': '3',
      'Eventtracking-Delivered-To': 'memory',
      'Eventtracking-Group': 'g',
    });
    expect(JSON.parse(dead[0]!.body).event.name).toBe('poison');
    expect(await consumerState(name, 'g')).toEqual({ pending: 0, ackPending: 0 });
  }, 60000);

  it('JetStream drops a batch published twice (same ids, within the duplicate window)', async () => {
    const name = stream('dupe');
    const nats = new NatsJetStreamTransport({ servers: NATS_URL });
    const records = Array.from({ length: 50 }, (_, i) => ({ id: `id-${i}`, body: JSON.stringify({ v: 1, id: `id-${i}`, dates: [], event: { name: 'x', data: { i } } }) }));
    await nats.publish(name, records);
    await nats.publish(name, records);
    const messages = await withNats(async (nc) => (await (await nc.jetstreamManager()).streams.info(name)).state.messages);
    await nats.close();
    expect(messages).toBe(50);
  }, 30000);

  it('uses your own connection, leaves it open, and refuses connection options beside it', async () => {
    const name = stream('own');
    await withNats(async (nc) => {
      expect(() => new NatsJetStreamTransport({ connection: nc, servers: NATS_URL, connectionOptions: { name: 'x' } })).toThrow(
        'NatsJetStreamTransport: give connection, or servers and connectionOptions for the connection this transport opens, not both',
      );
      const nats = new NatsJetStreamTransport({ connection: nc });
      await nats.publish(name, [{ id: 'own-1', body: '{}' }]);
      await nats.close();
      expect(nc.isClosed()).toBe(false);
      expect((await (await nc.jetstreamManager()).streams.info(name)).state.messages).toBe(1);
    });
  }, 30000);

  it("a central LoggerBackend writes the producer's own lines, time and all", async () => {
    const { producerLines, consumerLines } = await sameLinesScenario(transport, stream('same'));
    expect(producerLines).toHaveLength(26);
    expect(consumerLines).toEqual(producerLines);
  }, 30000);
});

describeWithNats('issue 20 on NATS JetStream: hostile, oversized and crashing messages', () => {
  const bus: RawBus = {
    spec: transport,
    transport: () => new NatsJetStreamTransport({ servers: NATS_URL }),
    async publishRaw(name, entries) {
      const creator = new NatsJetStreamTransport({ servers: NATS_URL });
      await creator.publish(name, []); // creates the stream, as a producer's first publish does
      await creator.close();
      await withNats(async (nc) => {
        const js = nc.jetstream();
        for (const { id, body } of entries) await js.publish(`${name}.events`, new TextEncoder().encode(body), { msgID: id });
      });
    },
    deadLetters: (name) =>
      withNats(async (nc) => {
        const subject = `${name}.dead`;
        const info = await (await nc.jetstreamManager()).streams.info(name, { subjects_filter: subject });
        const count = info.state.subjects?.[subject] ?? 0;
        if (count === 0) return [];
        const reader = await nc.jetstream().consumers.get(name, { filterSubjects: subject });
        const found: { id: string; reason: string; attempts: number; body: string }[] = [];
        for await (const message of await reader.fetch({ max_messages: count, expires: 5000 })) {
          const header = (key: string): string => message.headers?.get(key) ?? '';
          found.push({ id: header('Eventtracking-Id'), reason: header('Eventtracking-Reason'), attempts: Number(header('Eventtracking-Attempts')), body: message.string() });
          if (found.length === count) break;
        }
        return found;
      }),
    async unsettled(name, group) {
      const { pending, ackPending } = await consumerState(name, group);
      return pending + ackPending;
    },
  };

  it("issue 20's two poison envelopes, by raw publish: dead-lettered at once with the reason, every valid event delivered, prototypes untouched", async () => {
    await poisonScenario(bus, stream('poison'));
  }, 30000);

  it('any mix of valid, hostile and oversized messages (property): valid events once, the rest dead-lettered with reason and body', async () => {
    await hostileMixProperty(bus, stream, 8);
  }, 120000);

  it('a message that kills its consumer: dead-lettered once its delivery count passes maxAttempts, then the restarted consumer goes on', async () => {
    const { crashes, elapsedMs, matesDeadLettered } = await crashLoopScenario(bus, stream('crash'), { matesSurvive: false });
    console.log(`nats crash loop: ${crashes} crashes, then dead-lettered; ${matesDeadLettered} of its 4 batch mates dead-lettered with it; ${elapsedMs} ms`);
  }, 90000);
});
