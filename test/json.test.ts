import { encodeJson, EventTime, formatIsoTime, now } from '../src';
import { pythonNumber, pythonString } from '../src/json';

describe('formatIsoTime (Python isoformat in UTC)', () => {
  it('omits the fraction when it is zero and never writes Z', () => {
    expect(formatIsoTime(new Date(Date.UTC(2013, 9, 3, 8, 24, 55)))).toBe('2013-10-03T08:24:55+00:00');
  });

  it('writes six fraction digits from milliseconds and microseconds', () => {
    expect(formatIsoTime(new EventTime(Date.UTC(2012, 4, 1, 7, 27, 1), 200))).toBe('2012-05-01T07:27:01.000200+00:00');
    expect(formatIsoTime(new Date(Date.UTC(2012, 4, 1, 7, 27, 1, 5)))).toBe('2012-05-01T07:27:01.005000+00:00');
    expect(formatIsoTime(new EventTime(Date.UTC(2012, 4, 1, 7, 27, 1, 123), 456))).toBe('2012-05-01T07:27:01.123456+00:00');
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
});
