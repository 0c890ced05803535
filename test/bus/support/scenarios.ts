// The end-to-end scenarios both transports go through: producer processes → bus →
// consumer processes writing tracking.log, with a broker restart or a consumer killed
// on the way, and the file checked line by line.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BusTransportSpec } from '../../../src/bus/from-config';
import { startChild, type Child } from './children';

export const PRODUCER = 'test/bus/children/producer.ts';
export const CONSUMER = 'test/bus/children/consumer.ts';

const tempDirs: string[] = [];

/** A fresh temporary file path (its directory removed by {@link removeTempFiles}). */
export function tempFile(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'et-bus-'));
  tempDirs.push(dir);
  return join(dir, name);
}

/** Removes the directories of every {@link tempFile}. */
export function removeTempFiles(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * The `(producer, seq)` keys of a tracking.log written by the consumers (legacy lines), and problems seen.
 * Only complete lines count: a consumer may be writing the last one as the file is read (a line
 * never finished stays out, so the event shows as missing in the final comparison).
 */
export function readTrackingLog(file: string): { keys: string[]; badTimes: number; lines: number } {
  if (!existsSync(file)) return { keys: [], badTimes: 0, lines: 0 };
  const text = readFileSync(file, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  const lines = complete.split('\n').filter((line) => line !== '');
  let badTimes = 0;
  const keys = lines.map((line) => {
    const record = JSON.parse(line) as { event: { producer: number; seq: number }; time: string; event_type: string };
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/.test(record.time)) badTimes++;
    return `${record.event.producer}:${record.event.seq}`;
  });
  return { keys, badTimes, lines: lines.length };
}

/** Every key `producers × count` expects. */
export function expectedKeys(producers: number, count: number): Set<string> {
  const keys = new Set<string>();
  for (let p = 0; p < producers; p++) for (let s = 0; s < count; s++) keys.add(`${p}:${s}`);
  return keys;
}

/** The counts of keys seen more than once, and of expected keys never seen. */
export function compareKeys(keys: string[], expected: Set<string>): { duplicates: number; missing: number; unexpected: number } {
  const seen = new Set<string>();
  let duplicates = 0;
  let unexpected = 0;
  for (const key of keys) {
    if (seen.has(key)) duplicates++;
    seen.add(key);
    if (!expected.has(key)) unexpected++;
  }
  let missing = 0;
  for (const key of expected) if (!seen.has(key)) missing++;
  return { duplicates, missing, unexpected };
}

/** Starts a consumer process and waits until it reads. */
export async function startConsumer(settings: Record<string, unknown>): Promise<Child> {
  const child = startChild(CONSUMER, [JSON.stringify(settings)]);
  await child.message((m) => m.type === 'ready', 30000);
  return child;
}

/** The consumer's latest counters. */
export function latest(child: Child): Record<string, number> {
  for (let i = child.messages.length - 1; i >= 0; i--) {
    const message = child.messages[i] as Record<string, number> & { type?: string };
    if (message.type === 'progress' || message.type === 'closed') return message;
  }
  return {};
}

/** Waits until `check` holds (polling), or fails saying `what`. */
export async function waitFor(check: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

/** Stops a consumer process with SIGTERM; resolves its final counters and exit code. */
export async function stopConsumer(child: Child): Promise<{ stats: Record<string, unknown>; code: number | string }> {
  child.process.kill('SIGTERM');
  const closed = await child.message((m) => m.type === 'closed', 30000);
  return { stats: closed, code: await child.exited };
}

/** What {@link runProducers} found. */
/**
 * Checks that `file` holds every event of `producers × count` exactly once (no copy, none
 * missing, nothing else), and returns what was read for further checks.
 */
export function expectEveryEventOnce(file: string, producers: number, count: number): ReturnType<typeof readTrackingLog> {
  const log = readTrackingLog(file);
  expect(compareKeys(log.keys, expectedKeys(producers, count))).toEqual({ duplicates: 0, missing: 0, unexpected: 0 });
  expect(log.lines).toBe(producers * count);
  return log;
}

export interface ProducersRun {
  file: string;
  consumer: Record<string, unknown>;
  producers: Record<string, unknown>[];
  elapsedMs: number;
}

/**
 * `producers` producer processes × `count` events through `stream` to one consumer
 * process writing a tracking.log. `midway`, if given, runs once the producers have
 * emitted a third of the events (a broker restart).
 */
export async function runProducers(options: {
  transport: BusTransportSpec;
  stream: string;
  producers: number;
  count: number;
  midway?: () => Promise<void>;
  timeoutMs: number;
}): Promise<ProducersRun> {
  const { transport, stream, producers, count } = options;
  const file = tempFile('tracking.log');
  const started = Date.now();
  const consumer = await startConsumer({ transport, stream, group: 'central', consumer: 'central-1', file, batchSize: 200 });
  const children = Array.from({ length: producers }, (_, producer) =>
    startChild(PRODUCER, [JSON.stringify({ transport, stream, count, producer })]),
  );
  if (options.midway) {
    const emitted = (): number =>
      children.reduce((sum, child) => sum + Math.max(0, ...child.messages.map((m) => Number(m.emitted ?? 0))), 0);
    await waitFor(() => emitted() >= (producers * count) / 3, 'a third of the events emitted', options.timeoutMs);
    await options.midway();
  }
  const done = await Promise.all(children.map((child) => child.message((m) => m.type === 'done', options.timeoutMs)));
  const codes = await Promise.all(children.map((child) => child.exited));
  if (codes.some((code) => code !== 0)) throw new Error(`a producer failed: exit codes ${codes.join(', ')}; ${JSON.stringify(done)}`);
  await waitFor(() => (latest(consumer).delivered ?? 0) >= producers * count, `${producers * count} events delivered`, options.timeoutMs);
  await sleep(300); // let a stray copy (a re-published batch) arrive, to be skipped
  const { stats, code } = await stopConsumer(consumer);
  if (code !== 0) throw new Error(`the consumer exited with ${code}`);
  return { file, consumer: stats, producers: done, elapsedMs: Date.now() - started };
}

/** Runs the producer process once, to completion. */
export async function produce(transport: BusTransportSpec, stream: string, count: number, producer = 0): Promise<Record<string, unknown>> {
  const child = startChild(PRODUCER, [JSON.stringify({ transport, stream, count, producer })]);
  const done = await child.message((m) => m.type === 'done', 60000);
  const code = await child.exited;
  if (code !== 0) throw new Error(`the producer failed (${code}): ${JSON.stringify(done)}`);
  return done;
}
