// The 'openedx' wire format on a real Redis, both directions, each checked by the other
// side: what our producer writes, Debian's python3-avro decodes (with the schema from
// openedx-events); what the Python side encodes (entries as event-bus-redis writes them),
// our consumer reads with its guarantees: a consumer group, acks after delivery, dead
// letters (an unknown type among them), claims of what a dead member left.
import { createClient } from 'redis';
import { MemoryBackend } from '../../../src/backends/memory';
import { createEventBusConsumer, type EventBusConsumer } from '../../../src/bus/consumer';
import { EventBusBackend } from '../../../src/bus/event-bus-backend';
import { RedisStreamTransport } from '../../../src/bus/redis-transport';
import { pairsOf } from '../../../src/bus/redis-replies';
import { Tracker } from '../../../src/core/tracker';
import type { TrackedEvent } from '../../../src/core/types';
import { EventTime } from '../../../src/encoding/timestamp';
import { deleteRedisStreams, describeWithRedis, REDIS_URL, uniqueStream } from '../support/brokers';
import { describeWithPythonAvro, pythonConsume, pythonDecode, pythonProduce, type PythonEvent } from '../support/openedx-side';
import { removeTempFiles, tempFile, waitFor } from '../support/scenarios';
import { createTracker } from '../../../src/config/create-tracker';
import { edxDefaults } from '../../../src/config/edx-defaults';
import { decodeOpenedxEntry } from '../../../src/bus/openedx-format';

const streams: string[] = [];
const stream = (label: string): string => {
  const name = uniqueStream(`openedx-${label}`);
  streams.push(name, `${name}:dead`);
  return name;
};
const client = createClient({ url: REDIS_URL });
client.on('error', () => undefined);
const AS_BYTES = { typeMapping: { 36: Buffer } } as const;

type Entry = { ref: string; fields: Map<string, Buffer> };

async function entries(name: string): Promise<Entry[]> {
  const reply = (await client.sendCommand(['XRANGE', name, '-', '+'], AS_BYTES)) as [Buffer, Buffer[]][];
  return reply.map(([ref, list]) => ({ ref: String(ref), fields: new Map(pairsOf(list).map(([key, value]) => [key, value as Buffer])) }));
}

async function xadd(name: string, fields: (string | Buffer)[]): Promise<void> {
  await client.sendCommand(['XADD', name, 'MAXLEN', '~', '10000', '*', ...fields]);
}

const WIDE = 'Zoë 学习 🎓 \u2028 «quotes» "and" \\ backslash';

/**
 * Events as the Python side holds them, non-ASCII throughout. Python's json.dumps writes
 * 'é学🎓x' as 25 bytes of escapes: event 1 is just under the consumer's default
 * maxMessageBytes (1 MiB), event 2 just over it.
 */
function pythonEvents(count: number): PythonEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    name: i % 3 === 0 ? `edx.ui.${WIDE}` : 'edx.video.played',
    timestamp: `2024-05-06T07:08:${String(i % 60).padStart(2, '0')}.${String(100000 + i).padStart(6, '0')}+00:00`,
    data: i === 1 || i === 2 ? { answers: 'é学🎓x'.repeat(i === 1 ? 41_900 : 42_000) } : { i, text: WIDE, list: [1, 2.5, null, true] },
    context: { user_id: i, username: WIDE, course_id: 'course-v1:edX+DemoX+Demo_Course' },
  }));
}

function consumer(name: string, backends: Record<string, { send(event: TrackedEvent): void | Promise<void> }>, extra: Record<string, unknown> = {}): EventBusConsumer {
  return createEventBusConsumer({
    transport: new RedisStreamTransport({ url: REDIS_URL, format: 'openedx' }),
    stream: name,
    group: 'event_routing_backends',
    consumer: 'node-1',
    backends,
    blockMs: 100,
    retryDelay: 10,
    maxRetryDelay: 20,
    ...extra,
  });
}

async function pending(name: string, group: string): Promise<number> {
  const summary = (await client.sendCommand(['XPENDING', name, group])) as unknown[];
  return Number(summary[0]);
}

beforeAll(async () => {
  await client.connect().catch(() => undefined);
});

afterAll(async () => {
  removeTempFiles();
  await deleteRedisStreams(REDIS_URL, streams);
  if (client.isOpen) await client.close();
});

describeWithRedis('the openedx format on Redis', () => {
  describeWithPythonAvro('against python3-avro', () => {
    it('our producer writes entries python3-avro decodes to the events emitted, field for field', async () => {
      const name = stream('produce');
      const transport = new RedisStreamTransport({ url: REDIS_URL, format: 'openedx', source: 'openedx/notes/web' });
      const emitted = new MemoryBackend();
      const tracker = new Tracker({ backends: { bus: new EventBusBackend({ transport, stream: name }), emitted } });
      const sent = pythonEvents(30);
      for (const item of sent) {
        tracker.context('edx.request', item.context, () => tracker.emit(item.name, item.data as Record<string, unknown>));
      }
      await tracker.close();
      const written = await entries(name);
      expect(written).toHaveLength(30);
      const header = (entry: Entry, key: string): string | undefined => entry.fields.get(key)?.toString('utf8');
      for (const entry of written) {
        expect([...entry.fields.keys()]).toEqual(['type', 'id', 'source', 'time', 'minorversion', 'sourcehost', 'sourcelib', 'event_data']);
        expect(header(entry, 'type')).toBe('org.openedx.analytics.tracking.event.emitted.v1');
        expect(header(entry, 'source')).toBe('openedx/notes/web');
        expect(header(entry, 'id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
      const decoded = pythonDecode(written.map((entry) => entry.fields.get('event_data')!));
      decoded.forEach((record, i) => {
        expect(record.name).toBe(sent[i]!.name);
        expect(record.timestamp).toBe((emitted.events[i]!.timestamp as EventTime).toJSON()); // Python's isoformat()
        expect(record.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
        expect(JSON.parse(record.data)).toEqual(sent[i]!.data);
        expect(JSON.parse(record.context)).toEqual(sent[i]!.context);
      });
      // The whole entry as event-bus-redis's consumer parses it: UUID(), fromisoformat(), int(), a tuple of ints.
      const read = pythonConsume(written.map((entry) => entry.fields));
      read.forEach((reading, i) => {
        expect(reading).toMatchObject({ type: 'org.openedx.analytics.tracking.event.emitted.v1', id: header(written[i]!, 'id'), source: 'openedx/notes/web', minorversion: 0 });
        expect(reading.time).toBe(header(written[i]!, 'time'));
        expect(reading.sourcelib).toEqual([11, 2, 0]);
        expect(reading.tracking_log).toEqual({ name: sent[i]!.name, timestamp: decoded[i]!.timestamp, data: sent[i]!.data, context: sent[i]!.context });
      });
    });

    it('our consumer reads what the Python side wrote: each event once, acked after delivery; an unknown type and a message too large are dead-lettered as they were', async () => {
      const name = stream('consume');
      const sent = pythonEvents(20);
      const produced = pythonProduce(sent);
      const foreign = produced[5]!.map((value, i) => (i === 1 ? 'org.openedx.learning.course.enrollment.created.v1' : value));
      // The right type, but event_data cut short: not the schema's encoding.
      const garbled = produced[7]!.map((value, i, all) => (all[i - 1] === 'event_data' ? (value as Buffer).subarray(0, 20) : value));
      for (const [i, fields] of produced.entries()) {
        await xadd(name, fields);
        if (i === 4) await xadd(name, foreign);
        if (i === 6) await xadd(name, garbled);
      }
      const memory = new MemoryBackend();
      const reader = consumer(name, { memory });
      await reader.start();
      await waitFor(() => memory.events.length + reader.stats.deadLettered >= 22, 'every entry settled', 30000);
      await reader.close();
      expect(reader.stats).toMatchObject({ delivered: 19, deadLettered: 3, duplicates: 0 });
      expect(produced[1]!.at(-1)!.length).toBeGreaterThan(1024 * 1024 - 1000); // the largest delivered: near the limit
      sent.splice(2, 1); // too large
      memory.events.forEach((event, i) => {
        expect(event.name).toBe(sent[i]!.name);
        expect(event.timestamp).toBeInstanceOf(EventTime);
        expect((event.timestamp as EventTime).toJSON()).toBe(sent[i]!.timestamp);
        expect(event.data).toEqual(sent[i]!.data);
        expect(event.context).toEqual(sent[i]!.context);
      });
      expect(await pending(name, 'event_routing_backends')).toBe(0);
      const [tooLarge, dead, cut, ...more] = await entries(`${name}:dead`);
      expect(more).toHaveLength(0);
      expect(cut!.fields.get('reason')!.toString()).toMatch(/^event_data is not the Avro encoding of org.openedx.analytics.tracking.event.emitted.v1 \(/);
      expect(tooLarge!.fields.get('reason')!.toString()).toMatch(/^too large: 10\d{5} bytes, more than maxMessageBytes \(1048576\)$/);
      expect(tooLarge!.fields.get('event_data')).toEqual(produced[2]!.at(-1));
      // The entry as the Python producer wrote it, binary event_data included, then why it is there.
      for (let i = 0; i < foreign.length; i += 2) expect(dead!.fields.get(String(foreign[i]))).toEqual(Buffer.from(foreign[i + 1] as string | Buffer));
      expect(dead!.fields.get('reason')!.toString()).toBe(
        'unknown type "org.openedx.learning.course.enrollment.created.v1" (this consumer reads org.openedx.analytics.tracking.event.emitted.v1)',
      );
    });
  });

  it("edxDefaults({ bus }) with redis.format 'openedx' publishes the censored events as event-bus-redis entries", async () => {
    const name = stream('edx-defaults');
    const tracker = createTracker(edxDefaults({ trackingLog: tempFile('tracking.log'), bus: { stream: name, redis: { url: REDIS_URL, format: 'openedx', max_length: 500 } } as never }));
    tracker.emit('edx.test', { form: { password: 'secret' } });
    await tracker.close();
    const [entry, ...more] = await entries(name);
    expect(more).toHaveLength(0);
    expect(entry!.fields.get('type')!.toString()).toBe('org.openedx.analytics.tracking.event.emitted.v1');
    const { event } = decodeOpenedxEntry(entry!.fields, entry!.ref);
    expect(event).toMatchObject({ name: 'edx.test', data: { form: { password: '********' } } });
  });

  it('round trip: our producer to our consumer, with a backend that fails twice: acked only after it succeeds', async () => {
    const name = stream('roundtrip');
    const transport = new RedisStreamTransport({ url: REDIS_URL, format: 'openedx' });
    const tracker = new Tracker({ backends: { bus: new EventBusBackend({ transport, stream: name }) } });
    for (let i = 0; i < 200; i++) tracker.context('edx.request', { user_id: i, username: WIDE }, () => tracker.emit('edx.test', { i, text: WIDE }));
    await tracker.close();
    const memory = new MemoryBackend();
    let failures = 0;
    const flaky = { send: () => (failures++ < 2 ? Promise.reject(new Error('LRS down')) : undefined) };
    const reported: string[] = [];
    const reader = consumer(name, { memory, flaky }, { batchSize: 50, onError: (error: Error) => reported.push(error.message) });
    await reader.start();
    await waitFor(() => reader.stats.delivered >= 200, 'every event delivered', 30000);
    await reader.close();
    expect(reader.stats.retried).toBeGreaterThan(0);
    expect(reported.some((message) => message.includes('flaky: LRS down'))).toBe(true);
    expect(reader.stats.deadLettered).toBe(0);
    expect(new Set(memory.events.map((event) => (event.data as { i: number }).i)).size).toBe(200);
    expect(memory.events[0]!.context).toEqual({ user_id: 0, username: WIDE });
    expect(await pending(name, 'event_routing_backends')).toBe(0);
  });

  it("with publishWith 'pipeline' (a server refusing scripts) writes the same entries, trimmed the same", async () => {
    const name = stream('pipeline');
    const transport = new RedisStreamTransport({ url: REDIS_URL, format: 'openedx', publishWith: 'pipeline', maxLength: 100 });
    const tracker = new Tracker({ backends: { bus: new EventBusBackend({ transport, stream: name, batchSize: 50 }) } });
    for (let i = 0; i < 1000; i++) tracker.emit('edx.test', { i, text: WIDE });
    await tracker.close();
    const written = await entries(name);
    expect(written.length).toBeGreaterThanOrEqual(100);
    expect(written.length).toBeLessThan(1000);
    expect([...written[0]!.fields.keys()]).toEqual(['type', 'id', 'source', 'time', 'minorversion', 'sourcehost', 'sourcelib', 'event_data']);
    const last = decodeOpenedxEntry(written.at(-1)!.fields, written.at(-1)!.ref).event;
    expect(last.data).toEqual({ i: 999, text: WIDE });
  });

  it('on a server that refuses scripts (an ACL without @scripting): publishes, consumes and dead-letters as it was all the same', async () => {
    const name = stream('no-scripts');
    const user = `et-noscript-${process.pid}`;
    await client.sendCommand(['ACL', 'SETUSER', user, 'on', '>pw', '~*', '&*', '+@all', '-@scripting']);
    try {
      const url = REDIS_URL.replace('redis://', `redis://${user}:pw@`);
      const transport = new RedisStreamTransport({ url, format: 'openedx' });
      const tracker = new Tracker({ backends: { bus: new EventBusBackend({ transport, stream: name }) } });
      for (let i = 0; i < 10; i++) tracker.emit('edx.test', { i });
      await tracker.close();
      const [first] = await entries(name);
      const foreign = [...first!.fields].flatMap(([key, value]) => [key, key === 'type' ? 'org.openedx.other.v1' : value]);
      await xadd(name, foreign);
      const memory = new MemoryBackend();
      const reader = createEventBusConsumer({
        transport: new RedisStreamTransport({ url, format: 'openedx' }), stream: name, group: 'g', consumer: 'c', backends: { memory }, blockMs: 100,
      }); // prettier-ignore
      await reader.start();
      await waitFor(() => reader.stats.delivered + reader.stats.deadLettered >= 11, 'every entry settled', 30000);
      await reader.close();
      expect(reader.stats).toMatchObject({ delivered: 10, deadLettered: 1 });
      const [dead] = await entries(`${name}:dead`);
      expect(dead!.fields.get('event_data')).toEqual(first!.fields.get('event_data'));
      expect(dead!.fields.get('reason')!.toString()).toMatch(/^unknown type "org.openedx.other.v1"/);
      expect(await pending(name, 'g')).toBe(0);
    } finally {
      await client.sendCommand(['ACL', 'DELUSER', user]);
    }
  });

  it('claims what a dead member left unacked, and trims the stream to about maxLength as event-bus-redis does', async () => {
    const name = stream('claim');
    const transport = new RedisStreamTransport({ url: REDIS_URL, format: 'openedx', maxLength: 100 });
    const tracker = new Tracker({ backends: { bus: new EventBusBackend({ transport, stream: name, batchSize: 50 }) } });
    for (let i = 0; i < 1000; i++) tracker.emit('edx.test', { i });
    await tracker.close();
    const length = Number(await client.sendCommand(['XLEN', name]));
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThan(1000); // approximate: Redis trims whole nodes
    await client.sendCommand(['XGROUP', 'CREATE', name, 'event_routing_backends', '0']);
    // A member reads five entries and dies without acking them.
    await client.sendCommand(['XREADGROUP', 'GROUP', 'event_routing_backends', 'dead-member', 'COUNT', '5', 'STREAMS', name, '>']);
    const memory = new MemoryBackend();
    const reader = consumer(name, { memory }, { claimIdleMs: 50, claimInterval: 50 });
    await reader.start();
    await waitFor(() => reader.stats.delivered >= length, 'every entry delivered, the claimed ones included', 30000);
    await reader.close();
    expect(reader.stats.claimed).toBe(5);
    expect(memory.events).toHaveLength(length);
    expect(await pending(name, 'event_routing_backends')).toBe(0);
  });
});
