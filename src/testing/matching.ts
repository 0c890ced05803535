import { AssertionError } from 'node:assert';
import { inspect, isDeepStrictEqual } from 'node:util';
import { pythonNumber } from '../encoding/json';
import { isPlainObject } from '../encoding/objects';
import { EventTime } from '../encoding/timestamp';

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

/**
 * The differences between `expected` and `actual`, one line each (empty when they
 * match), as Open edX's `get_event_differences` words them:
 * `'<path>: not found in actual'`, `'<path>: only defined in actual'` and
 * `'<path>: <expected> != <actual> (expected != actual)'`, where `<path>` joins the
 * keys with dots (`''` at the root) and values are written as Python's `repr`.
 * Plain objects are compared key by key; extra keys in `actual` are allowed only
 * where `tolerate` says (the root, `context`, an `event` payload), never deeper.
 * Anything else (arrays, dates, strings...) is compared by deep value equality.
 *
 * @param tolerate - The flags of {@link EventMatchTolerates}. Default: {@link EventMatchTolerates.default}.
 */
export function getEventDifferences(expected: unknown, actual: unknown, tolerate?: EventMatchTolerance | null): string[] {
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
  const differences: string[] = [];
  compareStructs(expected, actual, strictAt, [], differences);
  return differences;
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
  out: string[],
): void {
  if (isPlainObject(expected) && isPlainObject(actual)) {
    for (const key of Object.keys(expected)) {
      if (!Object.hasOwn(actual, key)) out.push(`${[...path, key].join('.')}: not found in actual`);
    }
    if (strictAt(path)) {
      for (const key of Object.keys(actual)) {
        if (!Object.hasOwn(expected, key)) out.push(`${[...path, key].join('.')}: only defined in actual`);
      }
    }
    for (const key of Object.keys(expected)) {
      if (Object.hasOwn(actual, key)) compareStructs(expected[key], actual[key], strictAt, [...path, key], out);
    }
  } else if (!deepEqual(expected, actual)) {
    out.push(`${path.join('.')}: ${pythonRepr(expected)} != ${pythonRepr(actual)} (expected != actual)`);
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

/** `value` as Python's `repr` writes the matching Python value (`None`, `True`, `'text'`, `{'a': [1, 2]}`). */
export function pythonRepr(value: unknown, sortKeys = false, seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case 'string':
      return stringRepr(value);
    case 'number':
      return Number.isNaN(value) ? 'nan' : Number.isFinite(value) ? pythonNumber(value) : value > 0 ? 'inf' : '-inf';
    case 'boolean':
      return value ? 'True' : 'False';
    case 'bigint':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'object':
      if (value === null) return 'None';
      if (value instanceof Date) return dateRepr(value);
      if (seen.has(value)) return Array.isArray(value) ? '[...]' : '{...}';
      seen.add(value);
      try {
        const item = (v: unknown): string => pythonRepr(v, sortKeys, seen);
        if (Array.isArray(value)) return `[${Array.from(value, item).join(', ')}]`;
        if (value instanceof Set) return value.size === 0 ? 'set()' : `{${[...value].map(item).sort().join(', ')}}`;
        if (isPlainObject(value)) {
          const keys = sortKeys ? Object.keys(value).sort() : Object.keys(value);
          return `{${keys.map((key) => `${stringRepr(key)}: ${item(value[key])}`).join(', ')}}`;
        }
        return inspect(value, { breakLength: Infinity });
      } finally {
        seen.delete(value);
      }
    default:
      return inspect(value);
  }
}

/** Python 3's `repr` of a `str`: single quotes unless only double quotes avoid escaping. */
function stringRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (char !== ' ' && /^[\p{C}\p{Z}]$/u.test(char)) {
      out += code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
    } else out += char;
  }
  return out + quote;
}

const hex = (code: number, digits: number): string => code.toString(16).padStart(digits, '0');

/** Python's `repr` of an aware UTC `datetime`. */
function dateRepr(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'datetime.datetime(<invalid>)';
  const parts = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes()];
  const micro = date.getUTCMilliseconds() * 1000 + micros(date);
  if (micro) parts.push(date.getUTCSeconds(), micro);
  else if (date.getUTCSeconds()) parts.push(date.getUTCSeconds());
  return `datetime.datetime(${parts.join(', ')}, tzinfo=datetime.timezone.utc)`;
}

const WIDTH = 80;

/** Python's `pprint.pformat` (width 80, sorted keys): one line when it fits, else one item per line. */
export function pythonPformat(value: unknown, indent = 0, allowance = 0, seen: Set<object> = new Set()): string {
  const rep = pythonRepr(value, true);
  if (rep.length <= WIDTH - indent - allowance || typeof value !== 'object' || value === null || seen.has(value)) return rep;
  const items = (list: unknown[], inner: number, extra: number): string =>
    list.map((v, i) => pythonPformat(v, inner, i === list.length - 1 ? extra : 1, seen)).join(`,\n${' '.repeat(inner)}`);
  seen.add(value);
  try {
    if (Array.isArray(value) && value.length > 0) return `[${items(Array.from(value), indent + 1, allowance + 1)}]`;
    if (value instanceof Set && value.size > 0) {
      return `{${items([...value].sort((a, b) => (pythonRepr(a) < pythonRepr(b) ? -1 : 1)), indent + 1, allowance + 1)}}`;
    }
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      const keys = Object.keys(value).sort();
      const inner = indent + 1;
      const entries = keys.map((key, i) => {
        const keyRep = stringRepr(key);
        const last = i === keys.length - 1;
        return `${keyRep}: ${pythonPformat(value[key], inner + keyRep.length + 2, last ? allowance + 1 : 1, seen)}`;
      });
      return `{${entries.join(`,\n${' '.repeat(inner)}`)}}`;
    }
    return rep;
  } finally {
    seen.delete(value);
  }
}

function blockIndent(value: unknown): string {
  return pythonPformat(value)
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
