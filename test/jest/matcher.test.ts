import { expect as globalsExpect } from '@jest/globals';
import { toMatchEvent } from '../../src/jest';
import { EventMatchTolerates } from '../../src/testing';

const expected = { event_type: 'x', event: { a: 1 } };
const actual = { event_type: 'x', event: '{"a": 1}', referer: 'r' };

describe('toMatchEvent (registered on import)', () => {
  it('passes when the event matches with the default tolerance', () => {
    expect(actual).toMatchEvent(expected);
    expect(() => expect(actual).toMatchEvent(expected)).not.toThrow();
  });

  it('fails with the list of differences when the tolerance is strict', () => {
    const run = (): void => expect(actual).toMatchEvent(expected, EventMatchTolerates.strict());
    expect(run).toThrow(/expect\(received\)\.toMatchEvent\(expected\)/);
    expect(run).toThrow(/\* event: \{'a': 1\} != '\{"a": 1\}' \(expected != actual\)/);
    expect(run).toThrow(/\* referer: only defined in actual/);
    expect(run).toThrow(/Tolerating:\n {4}set\(\)/);
  });

  it('keeps nested dicts strict (E16)', () => {
    expect(() =>
      expect({ context: { client: { a: 1, b: 2 } } }).toMatchEvent({ context: { client: { a: 1 } } }, EventMatchTolerates.lenient()),
    ).toThrow(/\* context\.client\.b: only defined in actual/);
  });

  it('supports .not', () => {
    expect({ name: 'a' }).not.toMatchEvent({ name: 'b' });
    expect(() => expect(actual).not.toMatchEvent(expected)).toThrow(/expect\(received\)\.not\.toMatchEvent\(expected\)[\s\S]*The event matches/);
  });

  it('rejects an unknown tolerance flag', () => {
    expect(() => expect({}).toMatchEvent({}, ['no_such_flag'])).toThrow(/Unknown tolerate flag 'no_such_flag'/);
  });

  it('type-checks and works through the expect of @jest/globals', () => {
    globalsExpect(actual).toMatchEvent(expected);
    expect(() => globalsExpect({ a: 1 }).toMatchEvent({ a: 2 })).toThrow(/\* a: 2 != 1 \(expected != actual\)/);
  });
});

describe('toMatchEvent (the raw matcher)', () => {
  it('returns pass and a message listing the differences', () => {
    const result = toMatchEvent.call({ isNot: false }, { data: { a: 1, b: 2 } }, { data: { a: 1 } }, EventMatchTolerates.lenient());
    expect(result.pass).toBe(false);
    expect(result.message().split('\n').slice(0, 5)).toEqual([
      'expect(received).toMatchEvent(expected)',
      '',
      'Unexpected differences found in structs:',
      '',
      '* data.b: only defined in actual',
    ]);
    expect(toMatchEvent.call(undefined, { a: 1 }, { a: 1 }).pass).toBe(true);
  });

  it('can be registered with expect.extend under another name', () => {
    expect.extend({ toMatchEventAgain: toMatchEvent });
    const again = expect({ a: 1 }) as unknown as { toMatchEventAgain(expected: unknown): void };
    expect(() => again.toMatchEventAgain({ a: 2 })).toThrow(/a: 2 != 1/);
  });
});
