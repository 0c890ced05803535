// Issue 20's bus reproductions, run on each broker: messages written raw (as anyone with
// write access to the stream could), a consumer that must deliver every valid event once,
// dead-letter each hostile or oversized one at once with its reason, never crash, and
// leave the prototypes alone; and a message that kills its consumer, restarted again and
// again under the same name, until its delivery count passes maxAttempts.
import fc from 'fast-check';
import { MemoryBackend } from '../../../src/backends/memory';
import { createEventBusConsumer } from '../../../src/bus/consumer';
import { encodeEnvelope } from '../../../src/bus/envelope';
import type { BusTransportSpec } from '../../../src/bus/from-config';
import type { BusTransport } from '../../../src/bus/transport';
import { EventTime } from '../../../src/encoding/timestamp';
import { startChild } from './children';
import { CONSUMER, latest, readTrackingLog, stopConsumer, tempFile, waitFor } from './scenarios';

/** What the scenarios need of a broker. */
export interface RawBus {
  /** The transport spec for child processes. */
  spec: BusTransportSpec;
  /** A new transport for an in-process consumer. */
  transport(): BusTransport;
  /** Writes bodies to the stream as they are, with the broker's own client (no envelope check). */
  publishRaw(stream: string, entries: { id: string; body: string }[]): Promise<void>;
  /** The stream's dead letters, oldest first. */
  deadLetters(stream: string): Promise<{ id: string; reason: string; attempts: number; body: string }[]>;
  /** Messages of the group not acked yet. */
  unsettled(stream: string, group: string): Promise<number>;
}

/** Issue 20's two poison envelopes, as the report wrote them. */
export const POISONS = [
  '{"v":1,"id":"p","dates":[["__proto__","hasOwnProperty"]],"times":[[0,0]],"event":{"name":"poison","data":{},"context":{}}}',
  '{"v":1,"id":"q","dates":[["data","a","__proto__","pop"]],"times":[[0,0]],"event":{"name":"poison","data":{"a":[]},"context":{}}}',
];

/** The own properties of the prototypes a date path could reach. */
export function prototypeSnapshot(): Map<string, unknown> {
  const snapshot = new Map<string, unknown>();
  for (const [label, proto] of [['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype], ['String', String.prototype]] as const) {
    for (const key of Reflect.ownKeys(proto)) {
      const { value, get, set } = Object.getOwnPropertyDescriptor(proto, key)!;
      snapshot.set(`${label}.${String(key)}`, value ?? get ?? set);
    }
  }
  return snapshot;
}

/** The keys whose property changed since `before`. */
export function prototypeChanges(before: Map<string, unknown>): string[] {
  const after = prototypeSnapshot();
  return [...new Set([...before.keys(), ...after.keys()])].filter((key) => before.get(key) !== after.get(key));
}

const valid = (n: number, padding = ''): { id: string; body: string } => {
  const id = `valid-${n}-${Math.random().toString(36).slice(2)}`;
  return { id, body: encodeEnvelope(id, { name: 'valid', timestamp: new EventTime(Date.UTC(2026, 0, 1), n % 1000), data: { n, padding }, context: {} }) };
};

/** Runs an in-process consumer until `total` messages are settled; returns it closed, with what its memory backend got. */
async function consumeAll(bus: RawBus, stream: string, total: number, options: { maxMessageBytes?: number; batchSize?: number } = {}) {
  const memory = new MemoryBackend();
  const errors: string[] = [];
  const consumer = createEventBusConsumer({
    transport: bus.transport(),
    stream,
    group: 'g',
    consumer: 'c',
    backends: { memory },
    blockMs: 100,
    onError: (error) => errors.push(error.message),
    ...options,
  });
  await waitFor(() => consumer.stats.delivered + consumer.stats.deadLettered + consumer.stats.duplicates >= total, `${total} messages settled`, 30000);
  await consumer.close();
  return { consumer, memory, errors };
}

/**
 * Issue 20's poison envelopes between valid events: before the fix the first made every
 * later event of the consumer fail ("Object.prototype.hasOwnProperty.call is not a
 * function") and the second crashed it.
 */
export async function poisonScenario(bus: RawBus, stream: string): Promise<void> {
  const before = prototypeSnapshot();
  const [a, b, c] = [valid(1), valid(2), valid(3)];
  await bus.publishRaw(stream, [a, { id: 'p', body: POISONS[0]! }, b, { id: 'q', body: POISONS[1]! }, c]);
  const { consumer, memory } = await consumeAll(bus, stream, 5);
  expect(prototypeChanges(before)).toEqual([]);
  expect(consumer.stats).toMatchObject({ delivered: 3, deadLettered: 2, retried: 0 });
  expect(memory.events.map((event) => (event.data as { n: number }).n)).toEqual([1, 2, 3]);
  const dead = await bus.deadLetters(stream);
  expect(dead.map(({ id, body }) => ({ id, body }))).toEqual([
    { id: 'p', body: POISONS[0] },
    { id: 'q', body: POISONS[1] },
  ]);
  expect(dead.map((letter) => letter.reason)).toEqual([
    "cannot decode the message: the envelope's dates[0] step 0 is not a key the object there holds (or is one a path may not take)",
    "cannot decode the message: the envelope's dates[0] step 2 is not an index within the list there",
  ]);
  expect(await bus.unsettled(stream, 'g')).toBe(0);
}

/** Envelopes that cannot be decoded: each has a date path no decoder may follow, or is no envelope at all. */
const hostileBody = (): fc.Arbitrary<string> => {
  const refused = fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'missing');
  const step = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'pop', 'length', 'data', 'a'), fc.integer({ min: -1, max: 3 }));
  const badPath = fc.tuple(fc.constantFrom([], ['data'], ['data', 'a']), refused, fc.array(step, { maxLength: 3 })).map(([head, bad, tail]) => [...head, bad, ...tail]);
  const envelope = fc.record({ paths: fc.array(badPath, { minLength: 1, maxLength: 3 }), time: fc.constantFrom([0, 0], [1e12, 999]) }).map(({ paths, time }) =>
    JSON.stringify({ v: 1, id: `h-${Math.random().toString(36).slice(2)}`, dates: paths, times: paths.map(() => time), event: { name: 'hostile', data: { a: [] }, context: {} } }),
  );
  const shapeless = fc.constantFrom('not json', '[]', 'null', '{"v":1}', '{"v":1,"id":"x","event":[]}', '{"v":1,"id":"x","dates":[["name"]],"times":[["0",0]],"event":{"name":"t"}}');
  return fc.oneof(envelope, shapeless);
};

/**
 * A property over the broker: any mix of valid, hostile and oversized messages (the
 * limit is 4096 bytes; some oversized bodies are under it in characters, over it in
 * UTF-8 bytes) — every valid event delivered exactly once, every other message
 * dead-lettered once with its reason and its whole body, prototypes untouched.
 */
export async function hostileMixProperty(bus: RawBus, stream: (label: string) => string, numRuns: number): Promise<void> {
  const limit = 4096;
  const message = fc.oneof(
    { weight: 3, arbitrary: fc.constant('valid' as const) },
    { weight: 2, arbitrary: hostileBody().map((body) => ({ body })) },
    { weight: 1, arbitrary: fc.constantFrom('é'.repeat(2100), 'x'.repeat(5000), 'x'.repeat(200000)).map((padding) => ({ padding })) },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 16 }), async (plan, batchSize) => {
      const name = stream('mix');
      const before = prototypeSnapshot();
      const entries = plan.map((item, n) => {
        if (item === 'valid') return { kind: 'valid', ...valid(n) };
        if ('body' in item) return { kind: 'hostile', id: `h${n}`, body: item.body };
        return { kind: 'oversized', ...valid(n, item.padding) };
      });
      await bus.publishRaw(name, entries);
      const { consumer, memory } = await consumeAll(bus, name, entries.length, { maxMessageBytes: limit, batchSize });
      expect(prototypeChanges(before)).toEqual([]);
      const validOnes = entries.filter((entry) => entry.kind === 'valid');
      expect(memory.events.map((event) => (event.data as { n: number }).n).sort((x, y) => x - y)).toEqual(
        validOnes.map((entry) => Number(entry.id.split('-')[1])).sort((x, y) => x - y),
      );
      expect(consumer.stats).toMatchObject({ delivered: validOnes.length, deadLettered: entries.length - validOnes.length, retried: 0, duplicates: 0 });
      const dead = await bus.deadLetters(name);
      const expectedDead = entries.filter((entry) => entry.kind !== 'valid');
      expect(dead.map((letter) => letter.body).sort()).toEqual(expectedDead.map((entry) => entry.body).sort());
      for (const letter of dead) {
        const entry = expectedDead.find((candidate) => candidate.body === letter.body)!;
        if (entry.kind === 'oversized') expect(letter.reason).toBe(`too large: ${Buffer.byteLength(entry.body)} bytes, more than maxMessageBytes (${limit})`);
        else expect(letter.reason).toMatch(/^cannot decode the message: /);
      }
      expect(await bus.unsettled(name, 'g')).toBe(0);
    }),
    { numRuns, seed: 2020, endOnFailure: true },
  );
}

/**
 * A message that kills its consumer (the child exits in the middle of handling it), in a
 * batch with valid events, restarted under the same name: the first `maxAttempts` runs
 * die; the next finds its delivery count past maxAttempts and dead-letters it before
 * handling it, then goes on. Before the fix, every restart died (issue 20: 7 of 7).
 * `matesSurvive`: the valid events of its batch are delivered (Redis, whose restarted
 * consumer takes its pending entries one at a time); otherwise (NATS, which redelivers
 * every unacked message it had fetched) each is delivered or dead-lettered with the
 * same reason — none lost.
 */
export async function crashLoopScenario(bus: RawBus, stream: string, options: { matesSurvive: boolean }): Promise<{ crashes: number; elapsedMs: number; matesDeadLettered: number }> {
  const started = Date.now();
  const maxAttempts = 2;
  const event = (n: number) => ({ id: `e-${n}`, body: encodeEnvelope(`e-${n}`, { name: 'valid', data: { producer: 0, seq: n }, context: {} }) });
  const crash = { id: 'crash-1', body: encodeEnvelope('crash-1', { name: 'crash', data: {}, context: {} }) };
  await bus.publishRaw(stream, [event(0), event(1), crash, event(2), event(3)]);
  const file = tempFile('crash.log');
  const settings = { transport: bus.spec, stream, group: 'central', consumer: 'crashy', file, batchSize: 10, claimIdleMs: 1000, maxAttempts, crashOn: 'crash' };
  let crashes = 0;
  for (;;) {
    if (crashes > maxAttempts + 2) throw new Error(`the consumer died ${crashes} times: the message that kills it is never dead-lettered`);
    const child = startChild(CONSUMER, [JSON.stringify(settings)]);
    let exitCode: number | string | undefined;
    void child.exited.then((code) => (exitCode = code));
    await waitFor(() => exitCode !== undefined || (latest(child).deadLettered ?? 0) >= 1, 'the consumer dying or dead-lettering the message', 20000);
    if (exitCode === undefined) {
      await bus.publishRaw(stream, [4, 5, 6, 7, 8].map(event));
      await waitFor(() => new Set(readTrackingLog(file).keys).size + (latest(child).deadLettered ?? 0) >= 10, 'every event written or dead-lettered', 20000);
      const { code } = await stopConsumer(child);
      expect(code).toBe(0);
      break;
    }
    expect(exitCode).toBe(1);
    crashes++;
  }
  expect(crashes).toBe(maxAttempts);
  const dead = await bus.deadLetters(stream);
  const reason = (count: number) => `delivered ${count} times, more than maxAttempts (${maxAttempts}), without being settled: a consumer may have died handling it`;
  expect(dead.find((letter) => letter.id === 'crash-1')).toEqual({ id: 'crash-1', body: crash.body, attempts: maxAttempts + 1, reason: reason(maxAttempts + 1) });
  const mates = dead.filter((letter) => letter.id !== 'crash-1');
  for (const mate of mates) expect(mate.reason).toMatch(/^delivered \d+ times, more than maxAttempts \(2\)/);
  if (options.matesSurvive) expect(mates).toEqual([]);
  // Every valid event is in the file or, beside the crashing one, in the dead-letter stream: none lost, none in both.
  const written = readTrackingLog(file).keys;
  const deadKeys = mates.map((letter) => `0:${letter.id.slice(2)}`);
  expect([...new Set(written), ...deadKeys].sort()).toEqual(Array.from({ length: 9 }, (_, n) => `0:${n}`).sort());
  // A line is written twice only when the process died between writing it and acking it: the events before the crashing one, once per crash.
  expect(written.length - new Set(written).size).toBeLessThanOrEqual(2 * crashes);
  expect(await bus.unsettled(stream, 'central')).toBe(0);
  return { crashes, elapsedMs: Date.now() - started, matesDeadLettered: mates.length };
}
