// Hostile envelopes (issue 20): an envelope is data, never a path into the consumer's
// objects. Decoding refuses what it cannot take with a plain Error and leaves the
// prototypes alone; valid envelopes still round-trip. Property-based, with fast-check.
import fc from 'fast-check';
import { EventTime } from '../../src/encoding/timestamp';
import { decodeEnvelope, encodeEnvelope } from '../../src/bus/envelope';

/** The own properties of the prototypes a path could reach, to check that nothing changed them. */
function prototypeSnapshot(): Map<string, PropertyDescriptor> {
  const snapshot = new Map<string, PropertyDescriptor>();
  for (const [label, proto] of [['Object', Object.prototype], ['Array', Array.prototype], ['Function', Function.prototype], ['String', String.prototype], ['Date', Date.prototype]] as const) {
    for (const key of Reflect.ownKeys(proto)) snapshot.set(`${label}.${String(key)}`, Object.getOwnPropertyDescriptor(proto, key)!);
  }
  return snapshot;
}

function expectPrototypesUntouched(before: Map<string, PropertyDescriptor>): void {
  const after = prototypeSnapshot();
  const same = (a?: PropertyDescriptor, b?: PropertyDescriptor): boolean =>
    a !== undefined && b !== undefined && a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable;
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((key) => !same(before.get(key), after.get(key)));
  expect(changed).toEqual([]);
}

const envelope = (fields: Record<string, unknown>): string => JSON.stringify({ v: 1, id: 'p', event: { name: 'poison', data: {}, context: {} }, ...fields });

describe('decodeEnvelope and hostile envelopes', () => {
  const before = prototypeSnapshot();
  afterEach(() => expectPrototypesUntouched(before));

  it.each([
    ['a path through __proto__ to Object.prototype', envelope({ dates: [['__proto__', 'hasOwnProperty']], times: [[0, 0]] }), /dates\[0\]/],
    [
      'a path through an array to Array.prototype',
      envelope({ dates: [['data', 'a', '__proto__', 'pop']], times: [[0, 0]], event: { name: 'poison', data: { a: [] }, context: {} } }),
      /dates\[0\]/,
    ],
    ['constructor.prototype', envelope({ dates: [['constructor', 'prototype', 'toString']], times: [[0, 0]] }), /dates\[0\]/],
    ['an inherited key', envelope({ dates: [['toString']], times: [[0, 0]] }), /dates\[0\]/],
    ['an array index past the end', envelope({ dates: [['data', 'a', 5]], times: [[0, 0]], event: { data: { a: [] } } }), /dates\[0\]/],
    ['an index into an object', envelope({ dates: [['data', 0]], times: [[0, 0]], event: { data: { 0: 'x' } } }), /dates\[0\]/],
    ['a key into an array', envelope({ dates: [['data', 'length']], times: [[0, 0]], event: { data: [] } }), /dates\[0\]/],
    ['an empty path', envelope({ dates: [[]], times: [[0, 0]] }), /dates\[0\]/],
    ['a path that is not a list', envelope({ dates: ['timestamp'], times: [[0, 0]] }), /dates\[0\]/],
    ['a time that is not [ms, µs]', envelope({ dates: [['name']], times: [['0', 0]] }), /times\[0\]/],
    ['microseconds out of range', envelope({ dates: [['name']], times: [[0, 1000]] }), /times\[0\]/],
    ['fewer times than dates', envelope({ dates: [['name']], times: [] }), /times/],
    ['an event that is a list', envelope({ event: [] }), /no event object/],
    ['not JSON', '{"v":1', /not JSON/],
  ])('refuses %s with an Error naming the part', (_label, body, message) => {
    expect(() => decodeEnvelope(body)).toThrow(message);
  });

  it('never throws anything but an Error, and never touches a prototype, whatever the envelope says', () => {
    const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', 'pop', 'length', 'push', 'a', 'data', 'context', 'timestamp', 'name');
    const segment = fc.oneof(hostileKey, fc.integer({ min: -2, max: 3 }), fc.constantFrom(0.5, '0', null, true, {}, []));
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.constantFrom(null, 0, '2024-01-01T00:00:00+00:00', 'x', true), tie('list'), tie('record')),
      list: fc.array(tie('any'), { maxLength: 3 }),
      record: fc.dictionary(hostileKey, tie('any'), { maxKeys: 4 }),
    })).any;
    const time = fc.oneof(fc.tuple(fc.integer(), fc.integer({ min: -1, max: 1001 })), fc.constantFrom(null, 'x', [], [0], [Infinity, 0]));
    const hostile = fc.record({
      v: fc.constantFrom(1, 1, 1, 2, '1'),
      id: fc.constantFrom('p', '', 7),
      dates: fc.oneof(fc.array(fc.oneof(fc.array(segment, { maxLength: 5 }), segment), { maxLength: 4 }), segment),
      times: fc.oneof(fc.array(time, { maxLength: 4 }), time),
      event: fc.oneof(value, fc.dictionary(hostileKey, value)),
    });
    fc.assert(
      fc.property(hostile, (fields) => {
        // JSON.stringify drops a '__proto__' key made by a dictionary: build the text as a sender would.
        const body = JSON.stringify(fields, (_key, item: unknown) => item);
        try {
          const { event } = decodeEnvelope(body);
          expect(typeof event).toBe('object');
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).not.toBe('');
        }
        expectPrototypesUntouched(before);
      }),
      { numRuns: 3000, seed: 20 },
    );
  });

  it('round-trips any event of plain data and dates, a __proto__ or constructor key included', () => {
    const key = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'timestamp'));
    const date = fc.tuple(fc.integer({ min: -8.64e12, max: 8.64e12 }), fc.integer({ min: 0, max: 999 })).map(([ms, us]) => new EventTime(ms, us));
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)), date, tie('list'), tie('record')),
      list: fc.array(tie('any'), { maxLength: 4 }),
      record: fc.dictionary(key, tie('any'), { maxKeys: 4 }),
    })).any;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (event) => {
        const back = decodeEnvelope(encodeEnvelope('id', event)).event;
        expect(sameData(back, event)).toBe(true);
        expectPrototypesUntouched(before);
      }),
      { numRuns: 1000, seed: 20 },
    );
  });
});

/**
 * Whether `actual` holds what `expected` does: the same plain data, and at each date an
 * EventTime with the same instant and microseconds — except under a `__proto__`,
 * `constructor` or `prototype` key, where the date comes back as the text it was sent as.
 */
function sameData(actual: unknown, expected: unknown, underRefusedKey = false): boolean {
  if (expected instanceof Date) {
    if (underRefusedKey) return actual === JSON.parse(JSON.stringify(expected));
    return actual instanceof EventTime && actual.getTime() === expected.getTime() && actual.microsecond === (expected as EventTime).microsecond;
  }
  if (typeof expected !== 'object' || expected === null) return Object.is(actual, JSON.parse(JSON.stringify(expected)) as unknown) || actual === expected;
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual) !== Array.isArray(expected)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(actual, k) && sameData((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], underRefusedKey || ['__proto__', 'constructor', 'prototype'].includes(k)));
}
