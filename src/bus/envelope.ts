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

/** Decodes what {@link encodeEnvelope} wrote. Throws an `Error` saying what is wrong with the body. */
export function decodeEnvelope(body: string): DecodedEnvelope {
  const parsed = JSON.parse(body) as unknown;
  if (typeof parsed !== 'object' || parsed === null) throw new Error('the body is not an envelope object');
  const { v, id, dates, times, event } = parsed as Record<string, unknown>;
  if (v !== ENVELOPE_VERSION) throw new Error(`unknown envelope version ${JSON.stringify(v)} (this consumer reads ${ENVELOPE_VERSION})`);
  if (typeof id !== 'string' || id === '') throw new Error('the envelope has no id');
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new Error('the envelope holds no event object');
  if (dates !== undefined && !Array.isArray(dates)) throw new Error('the envelope dates are not a list');
  const values = Array.isArray(times) ? (times as unknown[]) : [];
  ((dates ?? []) as unknown[]).forEach((path, i) => {
    if (Array.isArray(path) && path.length > 0) restoreDate(event as Record<string, unknown>, path as DatePath, values[i]);
  });
  return { id, event: event as TrackedEvent };
}

/** Appends the path and time of every Date under `value` (plain objects, arrays, and objects' own keys). */
function collectDates(value: unknown, path: DatePath, out: DatePath[], times: [number, number][]): void {
  if (typeof value !== 'object' || value === null) return;
  if (value instanceof Date) {
    out.push(path.slice());
    times.push([value.getTime(), value instanceof EventTime ? value.microsecond : 0]);
    return;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return;
  if (Array.isArray(value)) {
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
    if (typeof item === 'object' && item !== null) {
      path.push(key);
      collectDates(item, path, out, times);
      path.pop();
    }
  }
}

function restoreDate(root: Record<string, unknown>, path: DatePath, value: unknown): void {
  let holder: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    if (typeof holder !== 'object' || holder === null) return;
    holder = (holder as Record<string | number, unknown>)[path[i] as string | number];
  }
  if (typeof holder !== 'object' || holder === null) return;
  const key = path[path.length - 1] as string | number;
  const target = holder as Record<string | number, unknown>;
  if (!Object.prototype.hasOwnProperty.call(target, key)) return;
  let time: Date | null = null;
  if (Array.isArray(value) && Number.isFinite(value[0]) && Number.isInteger(value[1])) {
    time = new EventTime(value[0] as number, value[1] as number);
  } else {
    // No numeric value (an envelope written by hand): parse the string.
    const text = target[key];
    time = parseIsoTimestamp(text);
    if (time === null && typeof text === 'string' && !Number.isNaN(Date.parse(text))) time = new EventTime(Date.parse(text));
  }
  if (time === null) return;
  if (typeof key === 'number') target[key] = time;
  else setOwn(target, key, time); // a parsed '__proto__' key is data
}
