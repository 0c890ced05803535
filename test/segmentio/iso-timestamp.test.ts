// parseIsoTimestamp: the timestamps Segment sends, parsed as dateutil's
// parser.parse does for them (EDX-BEHAVIOR §4.3 step 9), into an EventTime that keeps
// microseconds and serializes as Python's isoformat.
import { EventTime } from '../../src';
import { parseIsoTimestamp } from '../../src/encoding/timestamp';

/** The parsed time as [epoch milliseconds, microsecond within the millisecond, isoformat]. */
function parsed(text: unknown): [number, number, string] | null {
  const time = parseIsoTimestamp(text);
  return time === null ? null : [time.getTime(), time.microsecond, time.toJSON()];
}

const AT = Date.UTC(2014, 7, 27, 16, 33, 39);

describe('parseIsoTimestamp', () => {
  it('returns an EventTime', () => {
    expect(parseIsoTimestamp('2014-08-27T16:33:39.215Z')).toBeInstanceOf(EventTime);
  });

  describe('with and without a fraction', () => {
    it.each([
      ['2014-08-27T16:33:39Z', AT, 0, '2014-08-27T16:33:39+00:00'],
      ['2014-08-27T16:33:39.215Z', AT + 215, 0, '2014-08-27T16:33:39.215000+00:00'],
      ['2014-08-27T16:33:39,215Z', AT + 215, 0, '2014-08-27T16:33:39.215000+00:00'],
      ['2014-08-27 16:33:39.215Z', AT + 215, 0, '2014-08-27T16:33:39.215000+00:00'],
      ['2014-08-27t16:33:39.215z', AT + 215, 0, '2014-08-27T16:33:39.215000+00:00'],
      ['  2014-08-27T16:33:39Z  ', AT, 0, '2014-08-27T16:33:39+00:00'],
      ['2014-08-27T16:33Z', AT - 39_000, 0, '2014-08-27T16:33:00+00:00'],
    ])('parses %s', (text, ms, micro, iso) => {
      expect(parsed(text)).toEqual([ms, micro, iso]);
    });
  });

  describe('fractions of 1 to 9 digits, cut (not rounded) to microseconds', () => {
    it.each([
      ['.9', 900, 0, '.900000'],
      ['.98', 980, 0, '.980000'],
      ['.987', 987, 0, '.987000'],
      ['.9876', 987, 600, '.987600'],
      ['.98765', 987, 650, '.987650'],
      ['.987654', 987, 654, '.987654'],
      ['.9876549', 987, 654, '.987654'],
      ['.99999999', 999, 999, '.999999'],
      ['.015900357', 15, 900, '.015900'],
      ['.000000', 0, 0, ''],
      ['.000001', 0, 1, '.000001'],
    ])('parses the fraction %s', (fraction, ms, micro, isoFraction) => {
      expect(parsed(`2014-08-27T16:33:39${fraction}Z`)).toEqual([AT + ms, micro, `2014-08-27T16:33:39${isoFraction}+00:00`]);
    });
  });

  describe('offsets, converted to UTC', () => {
    it.each([
      ['Z', 0],
      ['+00:00', 0],
      ['-00:00', 0],
      ['+02:00', -120],
      ['+0200', -120],
      ['+02', -120],
      ['-05:30', 330],
      ['-0530', 330],
      ['+14:00', -840],
      ['-12:00', 720],
    ])('applies %s', (zone, minutes) => {
      const time = parseIsoTimestamp(`2014-08-27T16:33:39.215${zone}`);
      expect(time?.getTime()).toBe(AT + 215 + minutes * 60_000);
      expect(time?.toJSON()).toMatch(/\+00:00$/);
    });

    it('crosses into the previous UTC day', () => {
      expect(parseIsoTimestamp('2014-08-28T01:33:39+09:00')?.toJSON()).toBe('2014-08-27T16:33:39+00:00');
    });
  });

  describe('no offset', () => {
    it('takes a time without an offset as UTC', () => {
      expect(parsed('2014-08-27T16:33:39.215')).toEqual([AT + 215, 0, '2014-08-27T16:33:39.215000+00:00']);
    });

    it('takes a date alone as midnight UTC', () => {
      expect(parsed('2014-08-27')).toEqual([Date.UTC(2014, 7, 27), 0, '2014-08-27T00:00:00+00:00']);
    });
  });

  describe('valid edges', () => {
    it.each([
      ['2016-02-29T00:00:00Z', Date.UTC(2016, 1, 29)],
      ['2000-02-29T00:00:00Z', Date.UTC(2000, 1, 29)],
      ['2014-12-31T23:59:59.999999Z', Date.UTC(2014, 11, 31, 23, 59, 59, 999)],
      ['2014-01-01T00:00:00Z', Date.UTC(2014, 0, 1)],
    ])('accepts %s', (text, ms) => {
      expect(parseIsoTimestamp(text)?.getTime()).toBe(ms);
    });
  });

  describe('invalid dates and times → null', () => {
    it.each([
      ['month 13', '2014-13-01T00:00:00Z'],
      ['month 0', '2014-00-10T00:00:00Z'],
      ['day 0', '2014-08-00T00:00:00Z'],
      ['Feb 30', '2014-02-30T00:00:00Z'],
      ['Feb 29 in a common year', '2014-02-29T00:00:00Z'],
      ['Feb 29 in 1900', '1900-02-29T00:00:00Z'],
      ['April 31', '2014-04-31T00:00:00Z'],
      ['day 32', '2014-08-32T00:00:00Z'],
      ['hour 24', '2014-08-27T24:00:00Z'],
      ['minute 60', '2014-08-27T16:60:00Z'],
      ['second 60', '2014-08-27T16:33:60Z'],
    ])('rejects %s', (_what, text) => {
      expect(parseIsoTimestamp(text)).toBeNull();
    });
  });

  describe('not timestamps → null', () => {
    it.each([
      ['empty', ''],
      ['text', 'not a date'],
      ['trailing text', '2014-08-27T16:33:39Zjunk'],
      ['a fraction without digits', '2014-08-27T16:33:39.Z'],
      ['a two-digit year', '14-08-27T16:33:39Z'],
      ['a bad offset', '2014-08-27T16:33:39+2'],
    ])('rejects %s', (_what, text) => {
      expect(parseIsoTimestamp(text)).toBeNull();
    });

    it.each([
      ['undefined', undefined],
      ['null', null],
      ['a number', 1409157219215],
      ['a Date', new Date(AT)],
      ['an object', { timestamp: '2014-08-27T16:33:39Z' }],
      ['an array', ['2014-08-27T16:33:39Z']],
      ['true', true],
    ])('rejects a non-string: %s', (_what, value) => {
      expect(parseIsoTimestamp(value)).toBeNull();
    });
  });
});
