import { isoDuration, pythonFloat, pythonJsonUnicode, pythonStr, readTimestamp, roundMillis } from '../../src/xapi/python-values';

// Expected values were computed with CPython 3 and the code of tincan 1.0.0 that ERB uses.
describe('roundMillis (ERB: float("{0:.3f}".format(x)))', () => {
  it.each([
    [0.0625, 0.062], // an exact tie: Python rounds to even, toFixed would give 0.063
    [0.1875, 0.188],
    [2.5625, 2.562],
    [1.0005, 1], // below the tie in binary
    [0.0005, 0.001], // above it
    [12.3456, 12.346],
    [195, 195],
    [1e-7, 0],
  ])('%p → %p', (seconds, rounded) => {
    expect(roundMillis(seconds)).toBe(rounded);
  });
});

describe('isoDuration (tincan: a timedelta as JSON)', () => {
  it.each([
    [0, 'PT00S'],
    [5, 'PT05S'],
    [195, 'PT03M15S'],
    [3600.5, 'PT01H00M00.5S'],
    [3725.125, 'PT01H02M05.125S'],
    [86400, 'P1DT00H00M00S'],
    [90061.001, 'P1DT01H01M01.001S'],
    [0.001, 'PT00.001S'],
    [59.9999, 'PT59.9999S'],
  ])('%p s → %s', (seconds, text) => {
    expect(isoDuration(seconds)).toBe(text);
  });
});

describe('pythonFloat', () => {
  it("reads what Python's float() reads, and refuses the rest", () => {
    expect([pythonFloat(1.5), pythonFloat(' 12.5 '), pythonFloat('1_000'), pythonFloat('1e3'), pythonFloat(true)]).toEqual([1.5, 12.5, 1000, 1000, 1]);
    expect([pythonFloat('abc'), pythonFloat('1,5'), pythonFloat(null), pythonFloat({})]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe("answers as Python writes them", () => {
  it("pythonStr: a string as it is, anything else as Python's repr", () => {
    expect(pythonStr('a chair')).toBe('a chair');
    expect(pythonStr({ a: [1, 'b'], c: null, d: true, e: 1.5, f: "it's" })).toBe(`{'a': [1, 'b'], 'c': None, 'd': True, 'e': 1.5, 'f': "it's"}`);
    expect(pythonStr(1e-5)).toBe('1e-05');
  });

  it('pythonJsonUnicode: json.dumps(ensure_ascii=False)', () => {
    expect(pythonJsonUnicode(['é', 'a"b', 'x\\u00e9', '\u2028', '\x7f', '\n', 1.5, null, true, { k: [1] }])).toBe(
      '["é", "a\\"b", "x\\\\u00e9", "\u2028", "\x7f", "\\n", 1.5, null, true, {"k": [1]}]',
    );
    expect(pythonJsonUnicode(['😀'])).toBe('["😀"]');
  });
});

describe('readTimestamp', () => {
  it('keeps the raw text for the id and writes the timestamp as Python isoformat() of the parsed time', () => {
    expect(readTimestamp('2023-08-22T20:16:25.500832Z')).toEqual({ raw: '2023-08-22T20:16:25.500832Z', normalized: '2023-08-22T20:16:25.500832+00:00' });
    expect(readTimestamp('2023-08-22T20:16:25.5+05:30')).toEqual({ raw: '2023-08-22T20:16:25.5+05:30', normalized: '2023-08-22T20:16:25.500000+05:30' });
    expect(readTimestamp('2023-08-22T20:16:25.000000-0000')).toMatchObject({ normalized: '2023-08-22T20:16:25+00:00' });
    expect(readTimestamp('2023-08-22T20:16:25.123456789-04')).toMatchObject({ normalized: '2023-08-22T20:16:25.123456-04:00' });
    expect(readTimestamp('2023-08-22T20:16Z')).toMatchObject({ normalized: '2023-08-22T20:16:00+00:00' });
  });

  it('writes a Date (an event emitted in Node) as the JSON Open edX would have sent', () => {
    const time = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 600));
    expect(readTimestamp(time)).toEqual({ raw: '2024-01-02T03:04:05.600000+00:00', normalized: '2024-01-02T03:04:05.600000+00:00' });
  });

  it('says what is wrong with a time tincan refuses', () => {
    expect(readTimestamp('2023-08-22T20:16:25')).toMatch(/no time zone/);
    expect(readTimestamp('2023-02-30T20:16:25Z')).toMatch(/out of range/);
    expect(readTimestamp('yesterday')).toMatch(/not an ISO 8601/);
    expect(readTimestamp(12)).toMatch(/not a string/);
  });
});
