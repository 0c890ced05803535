import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { encodeJson, EventTime, formatIsoTime, now } from '../../src';
import { pythonNumber, pythonString } from '../../src/encoding/json';

/** What Python's json.dumps writes for each JSON text, one per line (Python 3 must be installed). */
function pythonDumps(jsonTexts: string[]): string[] {
  const script = 'import json, sys\nfor line in sys.stdin:\n    print(json.dumps(json.loads(line)))';
  const run = spawnSync('python3', ['-c', script], { input: jsonTexts.join('\n'), encoding: 'utf8' });
  if (run.error || run.status !== 0) throw new Error(`python3 could not run (${run.error?.message ?? run.stderr}); it is the oracle of this test`);
  return run.stdout.split('\n').slice(0, jsonTexts.length);
}

/**
 * JSON values whose numbers Python reads back as the kind JavaScript has: safe integers
 * (ints in Python) and non-integral doubles (floats); NaN, infinities and integral floats
 * past 2^53, which JSON text cannot carry as Python floats, have their own examples.
 */
const pythonComparable = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string({ unit: 'binary' }),
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
    // Decimal fractions from 1e-17 to 1e5: across Python's switch to exponent notation below 1e-4.
    fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 1, max: 22 }))
      .map(([digits, scale]) => digits / 10 ** scale)
      .filter((x) => !Number.isInteger(x)),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('formatIsoTime (Python isoformat in UTC)', () => {
  it('omits the fraction when it is zero and never writes Z', () => {
    expect(formatIsoTime(new Date(Date.UTC(2013, 9, 3, 8, 24, 55)))).toBe('2013-10-03T08:24:55+00:00');
  });

  it('writes six fraction digits from milliseconds and microseconds', () => {
    expect(formatIsoTime(new EventTime(Date.UTC(2012, 4, 1, 7, 27, 1), 200))).toBe('2012-05-01T07:27:01.000200+00:00');
    expect(formatIsoTime(new Date(Date.UTC(2012, 4, 1, 7, 27, 1, 5)))).toBe('2012-05-01T07:27:01.005000+00:00');
    expect(formatIsoTime(new EventTime(Date.UTC(2012, 4, 1, 7, 27, 1, 123), 456))).toBe('2012-05-01T07:27:01.123456+00:00');
  });

  it('keeps every second apart when times of the same and of neighbouring seconds follow one another', () => {
    const second = Date.UTC(2026, 10, 25, 23, 59, 59);
    expect(formatIsoTime(new Date(second + 999))).toBe('2026-11-25T23:59:59.999000+00:00');
    expect(formatIsoTime(new Date(second + 1000))).toBe('2026-11-26T00:00:00+00:00');
    expect(formatIsoTime(new Date(second))).toBe('2026-11-25T23:59:59+00:00');
    expect(formatIsoTime(new Date(-1))).toBe('1969-12-31T23:59:59.999000+00:00');
    expect(formatIsoTime(new Date(-1000))).toBe('1969-12-31T23:59:59+00:00');
    expect(formatIsoTime(new Date(0))).toBe('1970-01-01T00:00:00+00:00');
  });

  it('pads years below 1000', () => {
    expect(formatIsoTime(new Date('0999-01-02T03:04:05Z'))).toBe('0999-01-02T03:04:05+00:00');
  });

  it('is what EventTime serializes to through JSON.stringify', () => {
    expect(JSON.stringify({ t: new EventTime(Date.UTC(2013, 9, 3, 8, 24, 55), 7) })).toBe('{"t":"2013-10-03T08:24:55.000007+00:00"}');
  });

  it('now() keeps close to the wall clock', () => {
    const stamp = now();
    expect(Math.abs(stamp.getTime() - Date.now())).toBeLessThan(50);
  });
});

describe("encodeJson 'python' (json.dumps defaults)", () => {
  it('uses Python separators and keeps key order', () => {
    expect(encodeJson({ b: 1, a: [1, 2, { c: null }], d: true, e: false }, 'python')).toBe(
      '{"b": 1, "a": [1, 2, {"c": null}], "d": true, "e": false}',
    );
    expect(encodeJson({ GET: {}, POST: {} }, 'python')).toBe('{"GET": {}, "POST": {}}');
    expect(encodeJson([], 'python')).toBe('[]');
  });

  it('escapes everything outside printable ASCII as lowercase \\uXXXX, astral as surrogate pairs', () => {
    expect(pythonString('é✓')).toBe('"\\u00e9\\u2713"');
    expect(pythonString('😀')).toBe('"\\ud83d\\ude00"');
    expect(pythonString('a"b\\c\n\r\t\b\f\u0001\u007f')).toBe('"a\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u007f"');
    expect(pythonString('</script> ~')).toBe('"</script> ~"');
  });

  it('writes numbers as Python does', () => {
    expect(pythonNumber(0)).toBe('0');
    expect(pythonNumber(-12)).toBe('-12');
    expect(pythonNumber(12.5)).toBe('12.5');
    expect(pythonNumber(0.1)).toBe('0.1');
    expect(pythonNumber(0.0001)).toBe('0.0001');
    expect(pythonNumber(0.00001)).toBe('1e-05');
    expect(pythonNumber(1.5e-7)).toBe('1.5e-07');
    expect(pythonNumber(1e16)).toBe('1e+16');
    expect(pythonNumber(1.2345e20)).toBe('1.2345e+20');
    expect(pythonNumber(2 ** 53 + 2)).toBe('9007199254740994.0');
    expect(pythonNumber(NaN)).toBe('NaN');
    expect(pythonNumber(Infinity)).toBe('Infinity');
    expect(pythonNumber(-Infinity)).toBe('-Infinity');
    expect(encodeJson({ big: 12345678901234567890n }, 'python')).toBe('{"big": 12345678901234567890}');
  });

  it('writes dates as isoformat and leaves out undefined and functions like JSON.stringify', () => {
    expect(
      encodeJson({ time: new EventTime(Date.UTC(2012, 4, 1, 7, 27, 1), 200), gone: undefined, fn: () => 1, list: [undefined] }, 'python'),
    ).toBe('{"time": "2012-05-01T07:27:01.000200+00:00", "list": [null]}');
  });

  it("writes what Python's json.dumps writes, byte for byte, for generated values (python3 as the oracle)", () => {
    const values = fc.sample(pythonComparable, { numRuns: 400, seed: 20261125 });
    const expected = pythonDumps(values.map((value) => JSON.stringify(value)));
    const mismatches = values.map((value, i) => ({ value, ours: encodeJson(value, 'python'), python: expected[i] })).filter((m) => m.ours !== m.python);
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('refuses a cycle with a TypeError', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.me = [cyclic];
    expect(() => encodeJson(cyclic, 'python')).toThrow(TypeError);
    expect(() => encodeJson(cyclic, 'compact')).toThrow(TypeError);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { s: 1 };
    expect(encodeJson({ a: shared, b: shared }, 'python')).toBe('{"a": {"s": 1}, "b": {"s": 1}}');
  });
});

describe("encodeJson 'compact'", () => {
  it('is JSON.stringify', () => {
    const value = { b: 'é', a: [1, 2.5], n: null };
    expect(encodeJson(value)).toBe(JSON.stringify(value));
  });

  it('writes a plain Date as Python isoformat, not as toISOString (Open edX E15)', () => {
    const event = { test: true, time: new Date(Date.UTC(2012, 4, 1, 7, 27, 10, 20)), nested: [{ at: new Date(Date.UTC(2012, 4, 7)) }] };
    expect(encodeJson(event)).toBe('{"test":true,"time":"2012-05-01T07:27:10.020000+00:00","nested":[{"at":"2012-05-07T00:00:00+00:00"}]}');
    expect(encodeJson({ bad: new Date(Number.NaN) })).toBe('{"bad":null}');
    expect(encodeJson({ bad: new Date(Number.NaN) }, 'python')).toBe('{"bad": null}');
  });

  it('escapes U+2028, U+2029 and U+0085, and nothing else JSON.stringify leaves raw', () => {
    const value = { text: 'a\u2028b\u2029c\u0085d', [`key\u2028`]: 'é✓\u00a0\u0084' };
    const line = encodeJson(value);
    expect(line).toBe('{"text":"a\\u2028b\\u2029c\\u0085d","key\\u2028":"é✓\u00a0\u0084"}');
    expect(JSON.parse(line)).toEqual(value);
    // With a plain Date too (the second encoding).
    expect(encodeJson({ at: new Date(0), t: '\u2028' })).toBe('{"at":"1970-01-01T00:00:00+00:00","t":"\\u2028"}');
  });

  it("gives one line per value to Python's splitlines, which reads each back as the value (python3 as the oracle)", () => {
    // Strings rich in every character Python's splitlines splits on.
    const breaks = ['\n', '\r', '\r\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029'];
    const text = fc.array(fc.oneof(fc.constantFrom(...breaks), fc.string({ unit: 'binary', maxLength: 3 })), { maxLength: 8 }).map((parts) => parts.join(''));
    const values = fc.sample(fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 })), { maxKeys: 4 }), { seed: 2028, numRuns: 300 });
    const lines = values.map((value) => encodeJson(value));
    const script = 'import json, sys\nlines = sys.stdin.buffer.read().decode("utf-8", "surrogatepass").splitlines()\nprint(json.dumps([json.loads(line) for line in lines]))';
    const run = spawnSync('python3', ['-c', script], { input: Buffer.from(lines.join('\n') + '\n', 'utf8'), encoding: 'utf8' });
    if (run.error || run.status !== 0) throw new Error(`python3 could not run (${run.error?.message ?? run.stderr}); it is the oracle of this test`);
    expect(JSON.parse(run.stdout)).toEqual(values);
  });

  it('leaves strings that look like toISOString output as they are', () => {
    const value = { sent: '2012-05-01T07:27:10.020Z', at: new Date(Date.UTC(2012, 4, 1)), label: 'Z"' };
    expect(encodeJson(value)).toBe('{"sent":"2012-05-01T07:27:10.020Z","at":"2012-05-01T00:00:00+00:00","label":"Z\\""}');
  });
});
