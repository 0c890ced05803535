import { EventTime, toEventTime } from './timestamp';

/**
 * A deep copy of an event, so that each routing branch can mutate its own.
 * Plain objects and arrays are copied; dates become {@link EventTime}s (so they are
 * written as Python writes datetimes), and EventTimes are shared, not copied: treat
 * them as immutable, as Python's datetimes are; other objects keep their prototype and get
 * their own enumerable properties copied. Throws a `TypeError` on a cycle, which
 * Python's `json.dumps` would also refuse.
 */
export function deepCopy<T>(value: T): T {
  return copyValue(value, new Set()) as T;
}

function copyValue(value: unknown, ancestors: Set<object>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  // An EventTime is never changed by this library: shared, like Python's immutable datetimes.
  if (value instanceof EventTime) return value;
  if (value instanceof Date) return toEventTime(value);
  if (ancestors.has(value)) throw new TypeError('Circular reference detected in event');
  ancestors.add(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = copyValue(value[i], ancestors);
    copy = items;
  } else {
    const proto = Object.getPrototypeOf(value) as object | null;
    const target: Record<string, unknown> = proto === Object.prototype ? {} : Object.create(proto);
    for (const key in value) {
      if (Object.prototype.hasOwnProperty.call(value, key)) {
        const item = copyValue((value as Record<string, unknown>)[key], ancestors);
        // A parsed '__proto__' key is plain data: define it, never set the prototype.
        if (key === '__proto__') defineDataProperty(target, key, item);
        else target[key] = item;
      }
    }
    copy = target;
  }
  ancestors.delete(value);
  return copy;
}

/** Defines `key` as an ordinary enumerable data property (safe for `__proto__`). */
export function defineDataProperty(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
