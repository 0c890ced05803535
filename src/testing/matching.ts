import { AssertionError } from 'node:assert';
import { inspect, isDeepStrictEqual } from 'node:util';
import { isPlainObject } from '../encoding/objects';
import { EventTime } from '../encoding/timestamp';
import { blockIndent, pythonRepr } from '../encoding/python-repr';

/** One of the flags of {@link EventMatchTolerates}. */
export type EventMatchFlag = 'string_payload' | 'root_extra_fields' | 'context_extra_fields' | 'payload_extra_fields';

/**
 * What a comparison tolerates: a set (or list) of {@link EventMatchTolerates} flags.
 * `undefined` (or `null`) means {@link EventMatchTolerates.default}; an empty set is strict.
 */
export type EventMatchTolerance = ReadonlySet<string> | readonly string[];

const FLAGS: readonly EventMatchFlag[] = ['string_payload', 'root_extra_fields', 'context_extra_fields', 'payload_extra_fields'];

/**
 * The flags that loosen {@link assertEventMatches} (Open edX's `EventMatchTolerates`),
 * and the usual sets of them. Each preset returns a new set.
 */
export const EventMatchTolerates = {
  /** Parse a JSON string payload (`event`, else `data`) of both events before comparing. */
  STRING_PAYLOAD: 'string_payload',
  /** Allow keys at the top level of the actual event that the expected one lacks. */
  ROOT_EXTRA_FIELDS: 'root_extra_fields',
  /** Allow extra keys directly in `context` (not in dicts nested inside it). */
  CONTEXT_EXTRA_FIELDS: 'context_extra_fields',
  /** Allow extra keys directly in an `event` payload (a `data` payload stays strict). */
  PAYLOAD_EXTRA_FIELDS: 'payload_extra_fields',
  /** `string_payload`, `root_extra_fields` and `context_extra_fields`: what applies when no tolerance is given. */
  default(): ReadonlySet<string> {
    return new Set<string>(['string_payload', 'root_extra_fields', 'context_extra_fields']);
  },
  /** {@link EventMatchTolerates.default} plus `payload_extra_fields`. */
  lenient(): ReadonlySet<string> {
    return new Set<string>([...EventMatchTolerates.default(), 'payload_extra_fields']);
  },
  /** The empty set: every key must match at every level. */
  strict(): ReadonlySet<string> {
    return new Set<string>();
  },
  /**
   * `tolerate` as a set, or {@link EventMatchTolerates.default} when it is `undefined` or
   * `null`. Throws a `TypeError` on a flag it does not know.
   */
  defaultIfNotDefined(tolerate?: EventMatchTolerance | null): ReadonlySet<string> {
    if (tolerate === undefined || tolerate === null) return EventMatchTolerates.default();
    if (typeof tolerate === 'string' || typeof (tolerate as Iterable<string>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`tolerate must be a set or an array of flags, e.g. new Set(['${FLAGS[0]}']); got ${inspect(tolerate)}`);
    }
    const flags = new Set<string>(tolerate);
    for (const flag of flags) {
      if (!(FLAGS as readonly string[]).includes(flag)) {
        throw new TypeError(`Unknown tolerate flag ${inspect(flag)}; the flags are ${FLAGS.map((f) => `'${f}'`).join(', ')}`);
      }
    }
    return flags;
  },
} as const;

/** One difference between an expected event and an actual one; see {@link listEventDifferences}. */
export interface EventDifference {
  /** The keys leading to the difference, outermost first; `[]` for the events themselves. */
  path: string[];
  /**
   * `'missing'`: a key of `expected` that `actual` lacks; `'extra'`: a key of `actual`
   * that `expected` lacks, where extra keys are not tolerated; `'unequal'`: values that differ.
   */
  kind: 'missing' | 'extra' | 'unequal';
  /** The expected value (`'missing'` and `'unequal'`), after a string payload was parsed. */
  expected?: unknown;
  /** The actual value (`'extra'` and `'unequal'`), after a string payload was parsed. */
  actual?: unknown;
}

/**
 * The differences between `expected` and `actual` (empty when they match), in the order
 * Open edX's `compare_structs` finds them: at each level, the keys missing from
 * `actual`, then its extra keys, then each shared key in depth. Plain objects are
 * compared key by key; extra keys in `actual` are allowed only where `tolerate` says (the
 * root, `context`, an `event` payload), never deeper. Anything else (arrays, dates,
 * strings...) is compared by deep value equality.
 *
 * @param tolerate - The flags of {@link EventMatchTolerates}. Default: {@link EventMatchTolerates.default}.
 */
export function listEventDifferences(expected: unknown, actual: unknown, tolerate?: EventMatchTolerance | null): EventDifference[] {
  const flags = EventMatchTolerates.defaultIfNotDefined(tolerate);
  if (flags.has('string_payload')) {
    expected = parseEventPayload(expected);
    actual = parseEventPayload(actual);
  }
  const strictAt = (path: readonly string[]): boolean => {
    if (path.length === 0) return !flags.has('root_extra_fields');
    if (path.length === 1 && path[0] === 'event') return !flags.has('payload_extra_fields');
    if (path.length === 1 && path[0] === 'context') return !flags.has('context_extra_fields');
    return true;
  };
  const differences: EventDifference[] = [];
  compareStructs(expected, actual, strictAt, [], differences);
  return differences;
}

/**
 * The differences between `expected` and `actual`, one line each (empty when they
 * match), as Open edX's `get_event_differences` words them:
 * `'<path>: not found in actual'`, `'<path>: only defined in actual'` and
 * `'<path>: <expected> != <actual> (expected != actual)'`, where `<path>` joins the
 * keys with dots (`''` at the root) and values are written as Python's `repr`. See
 * {@link listEventDifferences} for what is compared, and {@link describeEventDifference}
 * for the same differences in JavaScript terms.
 *
 * @param tolerate - The flags of {@link EventMatchTolerates}. Default: {@link EventMatchTolerates.default}.
 */
export function getEventDifferences(expected: unknown, actual: unknown, tolerate?: EventMatchTolerance | null): string[] {
  return listEventDifferences(expected, actual, tolerate).map((difference) => {
    const path = difference.path.join('.');
    if (difference.kind === 'missing') return `${path}: not found in actual`;
    if (difference.kind === 'extra') return `${path}: only defined in actual`;
    return `${path}: ${pythonRepr(difference.expected)} != ${pythonRepr(difference.actual)} (expected != actual)`;
  });
}

/** How {@link describeEventDifference} writes values: one function for expected values, one for actual ones. */
export interface DifferencePrinters {
  expected(value: unknown): string;
  received(value: unknown): string;
}

/**
 * One difference in JavaScript terms, for test-framework adapters:
 * `'data.mode: expected "verified", received "audit"'`,
 * `'context.course_id: expected "x", not in received'`,
 * `'data.x: not expected, received true'`; the path is `(root)` for the events themselves.
 *
 * @param print - How values are written. Default: {@link formatValue} for both, as jest
 *   prints values (`"text"`, `{"a": 1}`, `undefined`).
 */
export function describeEventDifference(difference: EventDifference, print: DifferencePrinters = { expected: formatValue, received: formatValue }): string {
  const path = difference.path.length > 0 ? difference.path.join('.') : '(root)';
  if (difference.kind === 'missing') return `${path}: expected ${print.expected(difference.expected)}, not in received`;
  if (difference.kind === 'extra') return `${path}: not expected, received ${print.received(difference.actual)}`;
  return `${path}: expected ${print.expected(difference.expected)}, received ${print.received(difference.actual)}`;
}

/**
 * A value written as jest writes it on one line: strings in double quotes, object keys
 * sorted and quoted (`{"a": 1, "b": [true, null]}`), `undefined`, dates in ISO form,
 * other class instances prefixed with the class name, a cycle as `[Circular]`.
 */
export function formatValue(value: unknown, seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return `[Function ${value.name || 'anonymous'}]`;
    case 'object': {
      if (value === null) return 'null';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Date { NaN }' : value.toISOString();
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
      try {
        const item = (entry: unknown): string => formatValue(entry, seen);
        if (Array.isArray(value)) return `[${value.map(item).join(', ')}]`;
        if (value instanceof Set) return `Set {${[...value].map(item).join(', ')}}`;
        const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}: ${item((value as Record<string, unknown>)[key])}`);
        const prefix = isPlainObject(value) ? '' : `${(value as object).constructor?.name ?? 'Object'} `;
        return `${prefix}{${entries.join(', ')}}`;
      } finally {
        seen.delete(value);
      }
    }
    default:
      return String(value);
  }
}

/**
 * Whether `actual` matches `expected` (no {@link getEventDifferences}).
 *
 * @param tolerate - The flags of {@link EventMatchTolerates}. Default: {@link EventMatchTolerates.default}.
 */
export function isMatchingEvent(expected: unknown, actual: unknown, tolerate?: EventMatchTolerance | null): boolean {
  return getEventDifferences(expected, actual, tolerate).length === 0;
}

/**
 * Throws an `AssertionError` listing every difference when `actual` does not match
 * `expected` (Open edX's `assert_event_matches`); see {@link getEventDifferences}.
 *
 * @param tolerate - The flags of {@link EventMatchTolerates}; an empty set is strict.
 *   Default: {@link EventMatchTolerates.default} (string payloads parsed, extra keys
 *   allowed at the root and in `context`).
 */
export function assertEventMatches(expected: unknown, actual: unknown, tolerate?: EventMatchTolerance | null): void {
  const flags = EventMatchTolerates.defaultIfNotDefined(tolerate);
  const differences = getEventDifferences(expected, actual, flags);
  if (differences.length > 0) {
    throw new AssertionError({ message: formatEventMismatch(expected, actual, flags, differences) });
  }
}

/** {@link assertEventMatches} with {@link EventMatchTolerates.strict}: the events must be equal. */
export function assertEventsEqual(expected: unknown, actual: unknown): void {
  assertEventMatches(expected, actual, EventMatchTolerates.strict());
}

/**
 * The message of {@link assertEventMatches}: `'Unexpected differences found in structs:'`,
 * a blank line, each difference as `'* <difference>'`, then the expected event, the
 * actual one and the tolerated flags, pretty-printed as Python's `pprint` does and
 * indented by four spaces. For adapters to other test frameworks.
 */
export function formatEventMismatch(
  expected: unknown,
  actual: unknown,
  tolerate: ReadonlySet<string>,
  differences: readonly string[],
): string {
  const lines = [
    ...differences.map((difference) => `* ${difference}`),
    '',
    'Expected:',
    blockIndent(expected),
    'Actual:',
    blockIndent(actual),
    'Tolerating:',
    blockIndent(tolerate),
  ];
  return `Unexpected differences found in structs:\n\n${lines.join('\n')}`;
}

/** A shallow copy of `event` whose JSON string payload (`event`, else `data`) is parsed, when it parses. */
function parseEventPayload(event: unknown): unknown {
  if (!isPlainObject(event)) return event;
  const key = Object.hasOwn(event, 'event') ? 'event' : 'data';
  const payload = event[key];
  if (typeof payload !== 'string') return event;
  try {
    return { ...event, [key]: JSON.parse(payload) as unknown };
  } catch {
    return event;
  }
}

function compareStructs(
  expected: unknown,
  actual: unknown,
  strictAt: (path: readonly string[]) => boolean,
  path: string[],
  out: EventDifference[],
): void {
  if (isPlainObject(expected) && isPlainObject(actual)) {
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(actual, key)) out.push({ path: [...path, key], kind: 'missing', expected: expected[key] });
    }
    if (strictAt(path)) {
      for (const key of Object.keys(actual)) {
        if (!Object.hasOwn(expected, key)) out.push({ path: [...path, key], kind: 'extra', actual: actual[key] });
      }
    }
    for (const key of Object.keys(expected)) {
      if (Object.hasOwn(actual, key)) compareStructs(expected[key], actual[key], strictAt, [...path, key], out);
    }
  } else if (!deepEqual(expected, actual)) {
    out.push({ path, kind: 'unequal', expected, actual });
  }
}

/** Structural equality: arrays item by item, plain objects key by key, dates by time (to the microsecond). */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || Object.is(a, b)) return true;
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime()) && micros(a) === micros(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return typeof a === 'object' && typeof b === 'object' && isDeepStrictEqual(a, b);
}

const micros = (date: Date): number => (date instanceof EventTime ? date.microsecond : 0);
