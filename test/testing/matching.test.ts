import { AssertionError } from 'node:assert';
import { EventTime } from '../../src/encoding/timestamp';
import {
  EventMatchTolerates,
  assertEventMatches,
  assertEventsEqual,
  getEventDifferences,
  isMatchingEvent,
} from '../../src/testing';
import { describeEventDifference, formatValue, listEventDifferences } from '../../src/testing/matching';

const { STRING_PAYLOAD, ROOT_EXTRA_FIELDS, CONTEXT_EXTRA_FIELDS, PAYLOAD_EXTRA_FIELDS } = EventMatchTolerates;
const only = (...flags: string[]): ReadonlySet<string> => new Set(flags);

/** The message of the AssertionError that `fn` throws. */
function failure(fn: () => void): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AssertionError);
    return (error as Error).message;
  }
  throw new Error('expected an AssertionError, nothing was thrown');
}

describe('EventMatchTolerates', () => {
  it('names the four flags as Open edX does', () => {
    expect([STRING_PAYLOAD, ROOT_EXTRA_FIELDS, CONTEXT_EXTRA_FIELDS, PAYLOAD_EXTRA_FIELDS]).toEqual([
      'string_payload',
      'root_extra_fields',
      'context_extra_fields',
      'payload_extra_fields',
    ]);
  });

  it('has the presets default ⊂ lenient and an empty strict, each a fresh set', () => {
    expect([...EventMatchTolerates.default()].sort()).toEqual(['context_extra_fields', 'root_extra_fields', 'string_payload']);
    expect([...EventMatchTolerates.lenient()].sort()).toEqual([
      'context_extra_fields',
      'payload_extra_fields',
      'root_extra_fields',
      'string_payload',
    ]);
    expect(EventMatchTolerates.strict().size).toBe(0);
    expect(EventMatchTolerates.default()).not.toBe(EventMatchTolerates.default());
  });

  it('defaults only an undefined or null tolerance: an empty set stays strict', () => {
    expect(EventMatchTolerates.defaultIfNotDefined(undefined)).toEqual(EventMatchTolerates.default());
    expect(EventMatchTolerates.defaultIfNotDefined(null)).toEqual(EventMatchTolerates.default());
    expect(EventMatchTolerates.defaultIfNotDefined(new Set()).size).toBe(0);
    expect(EventMatchTolerates.defaultIfNotDefined([ROOT_EXTRA_FIELDS])).toEqual(new Set(['root_extra_fields']));
  });

  it('rejects an unknown flag and a bare string, naming the fix', () => {
    expect(() => EventMatchTolerates.defaultIfNotDefined(['root_extra_field'])).toThrow(/Unknown tolerate flag 'root_extra_field'.*'root_extra_fields'/);
    expect(() => assertEventMatches({}, {}, 'string_payload' as unknown as string[])).toThrow(TypeError);
  });
});

describe('extra keys', () => {
  const expected = { event_type: 'x', context: { user_id: 1 }, event: { a: 1 } };

  it('allows extra root keys only with root_extra_fields', () => {
    const actual = { ...expected, referer: 'r' };
    expect(getEventDifferences(expected, actual, only(ROOT_EXTRA_FIELDS))).toEqual([]);
    expect(getEventDifferences(expected, actual, only(CONTEXT_EXTRA_FIELDS, PAYLOAD_EXTRA_FIELDS))).toEqual([
      'referer: only defined in actual',
    ]);
  });

  it('allows extra context keys only with context_extra_fields', () => {
    const actual = { ...expected, context: { user_id: 1, org_id: 'o' } };
    expect(getEventDifferences(expected, actual, only(CONTEXT_EXTRA_FIELDS))).toEqual([]);
    expect(getEventDifferences(expected, actual, only(ROOT_EXTRA_FIELDS, PAYLOAD_EXTRA_FIELDS))).toEqual([
      'context.org_id: only defined in actual',
    ]);
  });

  it('allows extra `event` payload keys only with payload_extra_fields (not in the default)', () => {
    const actual = { ...expected, event: { a: 1, b: 2 } };
    expect(getEventDifferences(expected, actual, only(PAYLOAD_EXTRA_FIELDS))).toEqual([]);
    expect(isMatchingEvent(expected, actual, EventMatchTolerates.lenient())).toBe(true);
    expect(getEventDifferences(expected, actual)).toEqual(['event.b: only defined in actual']);
  });

  it('keeps a `data` payload strict, even when lenient', () => {
    expect(getEventDifferences({ data: { a: 1 } }, { data: { a: 1, b: 2 } }, EventMatchTolerates.lenient())).toEqual([
      'data.b: only defined in actual',
    ]);
  });

  it('keeps nested dicts strict under every flag (E16: context.client, also event.foo)', () => {
    const lenient = EventMatchTolerates.lenient();
    const message = failure(() =>
      assertEventMatches({ context: { client: { a: 1 } } }, { context: { client: { a: 1, b: 2 } } }, lenient),
    );
    expect(message).toContain('* context.client.b: only defined in actual');
    expect(getEventDifferences({ event: { foo: { x: 1 } } }, { event: { foo: { x: 1, y: 2 } } }, lenient)).toEqual([
      'event.foo.y: only defined in actual',
    ]);
  });

  it('reports keys missing from actual at any depth, whatever the tolerance', () => {
    const expectedEvent = { name: 'n', context: { user_id: 1, course: { id: 'c' } } };
    const actual = { context: { course: {} } };
    expect(getEventDifferences(expectedEvent, actual, EventMatchTolerates.lenient())).toEqual([
      'name: not found in actual',
      'context.user_id: not found in actual',
      'context.course.id: not found in actual',
    ]);
  });

  it('treats only own keys as present', () => {
    expect(getEventDifferences({ toString: 'x' }, {}, EventMatchTolerates.strict())).toEqual(['toString: not found in actual']);
  });
});

describe('string_payload', () => {
  it('parses a JSON string `event` on the actual side, or on the expected side', () => {
    expect(isMatchingEvent({ event: { a: 1, b: [1, 2] } }, { event: '{"b": [1, 2], "a": 1}' }, only(STRING_PAYLOAD))).toBe(true);
    expect(isMatchingEvent({ event: '{"a": 1}' }, { event: { a: 1 } }, only(STRING_PAYLOAD))).toBe(true);
    expect(isMatchingEvent({ event: '{"a": 1, "b": 2}' }, { event: '{"b": 2, "a": 1}' }, only(STRING_PAYLOAD))).toBe(true);
  });

  it('compares the string as is without the flag', () => {
    expect(getEventDifferences({ event: { a: 1 } }, { event: '{"a": 1}' }, EventMatchTolerates.strict())).toEqual([
      `event: {'a': 1} != '{"a": 1}' (expected != actual)`,
    ]);
  });

  it('parses `data` when there is no `event` key, and only `event` when there is one', () => {
    expect(isMatchingEvent({ data: { a: 1 } }, { data: '{"a": 1}' }, only(STRING_PAYLOAD))).toBe(true);
    expect(getEventDifferences({ event: 1, data: { a: 1 } }, { event: 1, data: '{"a": 1}' }, only(STRING_PAYLOAD))).toEqual([
      `data: {'a': 1} != '{"a": 1}' (expected != actual)`,
    ]);
  });

  it('keeps a string that is not JSON, and parses the top level only', () => {
    expect(getEventDifferences({ event: { a: 1 } }, { event: 'not json' }, only(STRING_PAYLOAD))).toEqual([
      `event: {'a': 1} != 'not json' (expected != actual)`,
    ]);
    expect(isMatchingEvent({ event: 'not json' }, { event: 'not json' }, only(STRING_PAYLOAD))).toBe(true);
    expect(isMatchingEvent({ context: { x: { a: 1 } } }, { context: { x: '{"a": 1}' } }, only(STRING_PAYLOAD))).toBe(false);
  });

  it('leaves the caller’s events untouched', () => {
    const actual = { event: '{"a": 1}' };
    assertEventMatches({ event: { a: 1 } }, actual);
    expect(actual).toEqual({ event: '{"a": 1}' });
  });
});

describe('values that are not dicts', () => {
  it('compares lists deeply, in order, with no tolerance inside them', () => {
    const strict = EventMatchTolerates.strict();
    expect(isMatchingEvent({ ids: [{ a: [1, 2] }, 'x'] }, { ids: [{ a: [1, 2] }, 'x'] }, strict)).toBe(true);
    expect(getEventDifferences({ ids: [1, 2] }, { ids: [2, 1] }, strict)).toEqual(['ids: [1, 2] != [2, 1] (expected != actual)']);
    expect(getEventDifferences({ event: [{ a: 1 }] }, { event: [{ a: 1, b: 2 }] }, EventMatchTolerates.lenient())).toEqual([
      `event: [{'a': 1}] != [{'a': 1, 'b': 2}] (expected != actual)`,
    ]);
  });

  it('reports mixed types and scalars with Python reprs', () => {
    expect(getEventDifferences({ a: { x: 1 }, b: null, c: true, d: "it's", e: 1.5 }, { a: [1], b: false, c: 1, d: 'it', e: 2 })).toEqual([
      `a: {'x': 1} != [1] (expected != actual)`,
      'b: None != False (expected != actual)',
      'c: True != 1 (expected != actual)',
      `d: "it's" != 'it' (expected != actual)`,
      'e: 1.5 != 2 (expected != actual)',
    ]);
  });

  it('uses the empty path at the root', () => {
    expect(getEventDifferences('a', 'b')).toEqual([`: 'a' != 'b' (expected != actual)`]);
  });

  it('compares dates by their time, to the microsecond', () => {
    const time = Date.UTC(2013, 9, 3, 8, 24, 55);
    expect(isMatchingEvent({ timestamp: new Date(time) }, { timestamp: new EventTime(time, 0) })).toBe(true);
    expect(isMatchingEvent({ timestamp: new Date(time) }, { timestamp: new EventTime(time, 5) })).toBe(false);
    expect(getEventDifferences({ timestamp: new Date(time) }, { timestamp: new Date(time + 1000) })).toEqual([
      'timestamp: datetime.datetime(2013, 10, 3, 8, 24, 55, tzinfo=datetime.timezone.utc) != ' +
        'datetime.datetime(2013, 10, 3, 8, 24, 56, tzinfo=datetime.timezone.utc) (expected != actual)',
    ]);
  });
});

describe('E16', () => {
  const expected = { event_type: 'x', event: { a: 1 } };
  const actual = { event_type: 'x', event: '{"a": 1}', referer: 'r' };

  it('passes with the default tolerance', () => {
    expect(() => assertEventMatches(expected, actual)).not.toThrow();
    expect(isMatchingEvent(expected, actual)).toBe(true);
  });

  it('fails strictly with both differences', () => {
    const message = failure(() => assertEventMatches(expected, actual, EventMatchTolerates.strict()));
    expect(message).toContain(`* event: {'a': 1} != '{"a": 1}' (expected != actual)`);
    expect(message).toContain('* referer: only defined in actual');
    expect(failure(() => assertEventsEqual(expected, actual))).toBe(message);
  });
});

describe('the failure message', () => {
  it('lists the differences, then the original events and the tolerance, indented by 4', () => {
    const message = failure(() => assertEventMatches({ event: { a: 1 } }, { event: '{"a": 2}', extra: 1 }));
    expect(message.split('\n')).toEqual([
      'Unexpected differences found in structs:',
      '',
      "* event.a: 1 != 2 (expected != actual)",
      '',
      'Expected:',
      "    {'event': {'a': 1}}",
      'Actual:',
      `    {'event': '{"a": 2}', 'extra': 1}`,
      'Tolerating:',
      "    {'context_extra_fields', 'root_extra_fields', 'string_payload'}",
    ]);
  });

  it('shows an empty tolerance as set() and pretty-prints long events over lines, keys sorted', () => {
    const long = { name: 'edx.video.played', context: { user_id: 12345, course_id: 'course-v1:edX+DemoX+Demo_Course' }, data: {} };
    const message = failure(() => assertEventsEqual(long, { ...long, name: 'other' }));
    expect(message).toContain(
      [
        'Expected:',
        "    {'context': {'course_id': 'course-v1:edX+DemoX+Demo_Course', 'user_id': 12345},",
        "     'data': {},",
        "     'name': 'edx.video.played'}",
        'Actual:',
      ].join('\n'),
    );
    expect(message.endsWith('Tolerating:\n    set()')).toBe(true);
  });
});

describe('the differences as data, and in JavaScript terms (for the jest matcher)', () => {
  const expected = { name: 'n', event: { a: 1 }, context: { course_id: 'c' } };
  const actual = { name: 'n', event: '{"a": 2, "b": null}', context: {} };

  it('lists each difference with its path, kind and values (payload parsed), in the order of the Open edX wording', () => {
    const differences = listEventDifferences(expected, actual, EventMatchTolerates.strict());
    expect(differences).toEqual([
      { path: ['event'], kind: 'unequal', expected: { a: 1 }, actual: '{"a": 2, "b": null}' },
      { path: ['context', 'course_id'], kind: 'missing', expected: 'c' },
    ]);
    expect(listEventDifferences(expected, actual)).toEqual([
      { path: ['event', 'b'], kind: 'extra', actual: null },
      { path: ['event', 'a'], kind: 'unequal', expected: 1, actual: 2 },
      { path: ['context', 'course_id'], kind: 'missing', expected: 'c' },
    ]);
    expect(getEventDifferences(expected, actual)).toEqual([
      'event.b: only defined in actual',
      'event.a: 1 != 2 (expected != actual)',
      'context.course_id: not found in actual',
    ]);
  });

  it('words each kind of difference with JSON-like values, (root) for the events themselves', () => {
    expect(listEventDifferences(expected, actual).map((difference) => describeEventDifference(difference))).toEqual([
      'event.b: not expected, received null',
      'event.a: expected 1, received 2',
      'context.course_id: expected "c", not in received',
    ]);
    expect(describeEventDifference({ path: [], kind: 'unequal', expected: true, actual: undefined })).toBe('(root): expected true, received undefined');
  });

  it('writes values through the printers it is given (jest passes its coloured ones)', () => {
    const print = { expected: (value: unknown) => `<${String(value)}>`, received: (value: unknown) => `[${String(value)}]` };
    expect(describeEventDifference({ path: ['a'], kind: 'unequal', expected: 1, actual: 2 }, print)).toBe('a: expected <1>, received [2]');
  });

  it('formats values as jest prints them on one line', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(formatValue({ b: [1, 'two', null, undefined], a: { c: true } })).toBe('{"a": {"c": true}, "b": [1, "two", null, undefined]}');
    expect([formatValue(-0), formatValue(10n), formatValue(NaN), formatValue(new Point(1)), formatValue(new Set(['a']))]).toEqual([
      '-0', '10n', 'NaN', 'Point {"x": 1}', 'Set {"a"}',
    ]);
    expect(formatValue(new EventTime(Date.UTC(2013, 9, 3, 8, 24, 55), 0))).toBe('2013-10-03T08:24:55.000Z');
    expect(formatValue(cycle)).toBe('{"a": 1, "self": [Circular]}');
    expect(formatValue(function named() {})).toBe('[Function named]');
  });
});
