import { EventTime, parseIsoTimestamp } from '../encoding/timestamp';
import { setOwn } from '../encoding/objects';
import type { TrackedEvent } from '../core/types';

/** The envelope format's version, written as `v`. */
export const ENVELOPE_VERSION = 1;

/** A key path into an event: object keys and array indexes, outermost first. */
export type DatePath = (string | number)[];

/** An event taken out of its envelope. */
export interface DecodedEnvelope {
  /** The event's bus id. */
  id: string;
  /** The event, with its dates back as {@link EventTime}s. */
  event: TrackedEvent;
}

/**
 * Keys a date path never goes through, even as own keys of the event: a path is data,
 * and these are the names that lead from data to the objects behind it. A date under
 * one of them travels as its text (the encoder leaves its path out).
 */
const REFUSED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

// Taken once, at load: what a decoder relies on must not be reachable from a message.
const hasOwn = Object.prototype.hasOwnProperty;
const { isArray } = Array;
const { getPrototypeOf } = Object;
const ObjectPrototype = Object.prototype;

/**
 * Encodes an event for the bus as one line of JSON:
 * `{"v":1,"id":"<uuid>","dates":[["timestamp"],...],"times":[[ms,us],...],"event":{...}}`.
 *
 * JSON has no date type, so the envelope lists where the event held dates (`dates`,
 * each a key path) and, in the same order, their values (`times`: epoch milliseconds
 * and the microseconds within them). In `event` they are written as their `toJSON()`
 * gives them — an {@link EventTime} with its microseconds, in Python's `isoformat()`
 * form — so the body stays readable; {@link decodeEnvelope} puts `EventTime`s back at
 * exactly those paths. A consumer's `LoggerBackend` thus writes the same `time` the
 * producer's would have, and a string that merely looks like a date stays a string.
 * An invalid date (written `null`) and a date under a `__proto__`, `constructor` or
 * `prototype` key get no path: they arrive as JSON wrote them.
 *
 * Throws a `TypeError` when the event cannot be encoded (a cycle, a BigInt).
 */
export function encodeEnvelope(id: string, event: TrackedEvent): string {
  const eventJson = JSON.stringify(event); // throws on a cycle before the walk below could loop
  const dates: DatePath[] = [];
  const times: [number, number][] = [];
  collectDates(event, [], dates, times);
  const head = `{"v":${ENVELOPE_VERSION},"id":${JSON.stringify(id)}`;
  if (dates.length === 0) return `${head},"event":${eventJson}}`;
  return `${head},"dates":${JSON.stringify(dates)},"times":${JSON.stringify(times)},"event":${eventJson}}`;
}

/**
 * Decodes what {@link encodeEnvelope} wrote. The body is data from the network: each
 * date path is followed through own properties of the event's plain objects and arrays
 * only (an index only into an array, within its length; a key only into an object,
 * never `__proto__`, `constructor` or `prototype`), so no envelope can reach or change
 * anything but the event it carries. Throws an `Error` saying what is wrong with the
 * body (not JSON, not an envelope, a path that leads nowhere, a time that is not
 * `[ms, µs]`); it never throws anything else and never returns part of an event.
 */
export function decodeEnvelope(body: string): DecodedEnvelope {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new Error(`the body is not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!isRecord(parsed)) throw new Error('the body is not an envelope object');
  const v = ownValue(parsed, 'v');
  const id = ownValue(parsed, 'id');
  const event = ownValue(parsed, 'event');
  const dates = ownValue(parsed, 'dates');
  const times = ownValue(parsed, 'times');
  if (v !== ENVELOPE_VERSION) throw new Error(`unknown envelope version ${describe(v)} (this consumer reads ${ENVELOPE_VERSION})`);
  if (typeof id !== 'string' || id === '') throw new Error('the envelope has no id');
  if (!isRecord(event)) throw new Error('the envelope holds no event object');
  if (dates === undefined) return { id, event: event as TrackedEvent };
  if (!isArray(dates)) throw new Error('the envelope dates are not a list');
  if (times !== undefined && (!isArray(times) || times.length !== dates.length)) {
    throw new Error(`the envelope times are not a list of ${dates.length} [ms, µs] pairs, one per date`);
  }
  for (let i = 0; i < dates.length; i++) {
    const { holder, key } = locate(event, dates[i], i);
    const time = times === undefined ? timeFromText((holder as Record<string | number, unknown>)[key]) : timeFromPair(times[i], i);
    if (time === null) continue; // a hand-written envelope without times: a text that is no date stays text
    if (typeof key === 'number') (holder as unknown[])[key] = time;
    else setOwn(holder as Record<string, unknown>, key, time);
  }
  return { id, event: event as TrackedEvent };
}

/** Appends the path and time of every valid Date under `value` (plain objects, arrays, and objects' own keys). */
function collectDates(value: unknown, path: DatePath, out: DatePath[], times: [number, number][]): void {
  if (typeof value !== 'object' || value === null) return;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) return; // JSON writes an invalid date as null
    out.push(path.slice());
    times.push([ms, value instanceof EventTime ? value.microsecond : 0]);
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
  if (isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) {
        path.push(i);
        collectDates(item, path, out, times);
        path.pop();
      }
    }
    return;
  }
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'object' && item !== null && !REFUSED_KEYS.has(key)) {
      path.push(key);
      collectDates(item, path, out, times);
      path.pop();
    }
  }
}

/**
 * The object or array holding the last step of date path number `index`, and that step,
 * checked at every step: throws unless the whole path leads through own properties of
 * plain objects and arrays to a value the event holds.
 */
function locate(event: Record<string, unknown>, path: unknown, index: number): { holder: Record<string, unknown> | unknown[]; key: string | number } {
  const fail = (why: string): never => {
    throw new Error(`the envelope's dates[${index}] ${why}`);
  };
  if (!isArray(path) || path.length === 0) fail('is not a non-empty list of keys and indexes');
  const steps = path as unknown[];
  let holder: Record<string, unknown> | unknown[] = event;
  for (let step = 0; ; step++) {
    const key = steps[step];
    if (isArray(holder)) {
      if (typeof key !== 'number' || !Number.isInteger(key) || key < 0 || key >= holder.length) fail(`step ${step} is not an index within the list there`);
    } else if (typeof key !== 'string' || REFUSED_KEYS.has(key) || !hasOwn.call(holder, key)) {
      fail(`step ${step} is not a key the object there holds (or is one a path may not take)`);
    }
    if (step === steps.length - 1) return { holder, key: key as string | number };
    const next: unknown = (holder as Record<string | number, unknown>)[key as string | number];
    if (!isArray(next) && !isRecord(next)) fail(`step ${step} leads to no object or list`);
    holder = next as Record<string, unknown> | unknown[];
  }
}

/** An `[ms, µs]` pair of `times` as an EventTime; throws for anything else. */
function timeFromPair(pair: unknown, index: number): EventTime {
  if (isArray(pair) && pair.length === 2) {
    const [ms, us] = pair as unknown[];
    if (typeof ms === 'number' && Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 && Number.isInteger(us) && (us as number) >= 0 && (us as number) <= 999) {
      return new EventTime(ms, us as number);
    }
  }
  throw new Error(`the envelope's times[${index}] is not an [epoch ms, microseconds 0-999] pair`);
}

/** The date a text at a date path stands for (an envelope written by hand, without `times`), or null. */
function timeFromText(text: unknown): EventTime | null {
  const time = parseIsoTimestamp(text);
  if (time !== null || typeof text !== 'string') return time;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new EventTime(ms);
}

/** A plain object as JSON.parse makes them (not an array). */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || isArray(value)) return false;
  const proto = getPrototypeOf(value) as unknown;
  return proto === ObjectPrototype || proto === null;
}

function ownValue(record: Record<string, unknown>, key: string): unknown {
  return hasOwn.call(record, key) ? record[key] : undefined;
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value).slice(0, 40);
}
