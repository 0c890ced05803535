import { expect as globalsExpect } from '@jest/globals';
import { toMatchEvent } from '../../src/jest';
import { EventMatchTolerates } from '../../src/testing';

const expected = { event_type: 'x', event: { a: 1 } };
const actual = { event_type: 'x', event: '{"a": 1}', referer: 'r' };

/** The message `run` fails with, without jest's colours. */
function failure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message.replace(/\u001b\[[\d;]*m/g, '');
  }
  throw new Error('expected the assertion to fail, it passed');
}

describe('toMatchEvent (registered on import)', () => {
  it('passes when the event matches with the default tolerance', () => {
    expect(actual).toMatchEvent(expected);
    expect(() => expect(actual).toMatchEvent(expected)).not.toThrow();
  });

  it('fails with the differences in JavaScript terms, the tolerated flags, and both events', () => {
    const received = { name: 'edx.course.enrollment.activated', data: { course_id: 'c1', mode: 'audit' }, context: { user_id: null } };
    const wanted = { name: 'edx.course.enrollment.activated', data: { mode: 'verified' }, context: { user_id: 42, course_id: 'c1' } };
    expect(failure(() => expect(received).toMatchEvent(wanted))).toBe(
      [
        'expect(received).toMatchEvent(expected)',
        '',
        'The event differs, tolerating string_payload, root_extra_fields and context_extra_fields:',
        '  data.course_id: not expected, received "c1"',
        '  data.mode: expected "verified", received "audit"',
        '  context.course_id: expected "c1", not in received',
        '  context.user_id: expected 42, received null',
        '',
        'Expected: {"context": {"course_id": "c1", "user_id": 42}, "data": {"mode": "verified"}, "name": "edx.course.enrollment.activated"}',
        'Received: {"context": {"user_id": null}, "data": {"course_id": "c1", "mode": "audit"}, "name": "edx.course.enrollment.activated"}',
      ].join('\n'),
    );
  });

  it('shows a string payload as the string it is, and names a strict tolerance', () => {
    expect(failure(() => expect(actual).toMatchEvent(expected, EventMatchTolerates.strict()))).toBe(
      [
        'expect(received).toMatchEvent(expected, tolerate)',
        '',
        'The event differs, tolerating nothing (strict):',
        '  referer: not expected, received "r"',
        '  event: expected {"a": 1}, received "{\\"a\\": 1}"',
        '',
        'Expected: {"event": {"a": 1}, "event_type": "x"}',
        'Received: {"event": "{\\"a\\": 1}", "event_type": "x", "referer": "r"}',
      ].join('\n'),
    );
  });

  it('writes JavaScript values, never Python reprs', () => {
    const message = failure(() => expect({ a: true, b: undefined, c: [1, 'x'] }).toMatchEvent({ a: false, b: null, c: [1, 'y'] }));
    expect(message).toContain('  a: expected false, received true\n  b: expected null, received undefined\n  c: expected [1, "y"], received [1, "x"]\n');
    expect(message).not.toMatch(/True|False|None|'/);
  });

  it('keeps nested dicts strict (E16)', () => {
    const message = failure(() =>
      expect({ context: { client: { a: 1, b: 2 } } }).toMatchEvent({ context: { client: { a: 1 } } }, EventMatchTolerates.lenient()),
    );
    expect(message).toContain('tolerating string_payload, root_extra_fields, context_extra_fields and payload_extra_fields:\n  context.client.b: not expected, received 2\n');
  });

  it('supports .not, saying that the event matches', () => {
    expect({ name: 'a' }).not.toMatchEvent({ name: 'b' });
    expect(failure(() => expect(actual).not.toMatchEvent(expected))).toBe(
      [
        'expect(received).not.toMatchEvent(expected)',
        '',
        'The event matches, tolerating string_payload, root_extra_fields and context_extra_fields.',
        '',
        'Expected: not {"event": {"a": 1}, "event_type": "x"}',
        'Received: {"event": "{\\"a\\": 1}", "event_type": "x", "referer": "r"}',
      ].join('\n'),
    );
  });

  it('names .resolves in the hint', async () => {
    await expect(Promise.resolve({ name: 'a' })).resolves.toMatchEvent({ name: 'a' });
    await expect(expect(Promise.resolve({ name: 'a' })).resolves.toMatchEvent({ name: 'b' })).rejects.toThrow(
      /expect\(received\)\.resolves\.toMatchEvent\(expected\)[\s\S]*name: expected "b", received "a"/,
    );
  });

  it('rejects an unknown tolerance flag', () => {
    expect(() => expect({}).toMatchEvent({}, ['no_such_flag'])).toThrow(/Unknown tolerate flag 'no_such_flag'/);
  });

  it('type-checks and works through the expect of @jest/globals', () => {
    globalsExpect(actual).toMatchEvent(expected);
    expect(failure(() => globalsExpect({ a: 1 }).toMatchEvent({ a: 2 }))).toContain('  a: expected 2, received 1\n');
  });
});

describe('toMatchEvent (the raw matcher)', () => {
  it('returns pass and, without jest utils, the same message without colours', () => {
    const result = toMatchEvent.call({ isNot: false }, { data: { a: 1, b: 2 }, at: new Date(Date.UTC(2013, 9, 3)) }, { data: { a: 1 }, at: undefined }, EventMatchTolerates.lenient());
    expect(result.pass).toBe(false);
    expect(result.message()).toBe(
      [
        'expect(received).toMatchEvent(expected, tolerate)',
        '',
        'The event differs, tolerating string_payload, root_extra_fields, context_extra_fields and payload_extra_fields:',
        '  data.b: not expected, received 2',
        '  at: expected undefined, received 2013-10-03T00:00:00.000Z',
        '',
        'Expected: {"at": undefined, "data": {"a": 1}}',
        'Received: {"at": 2013-10-03T00:00:00.000Z, "data": {"a": 1, "b": 2}}',
      ].join('\n'),
    );
    expect(toMatchEvent.call(undefined, { a: 1 }, { a: 1 }).pass).toBe(true);
  });

  it('names the events themselves (root) when they are not objects', () => {
    expect(toMatchEvent.call({}, 'a', 'b').message()).toContain('\n  (root): expected "b", received "a"\n');
  });

  it('can be registered with expect.extend under another name', () => {
    expect.extend({ toMatchEventAgain: toMatchEvent });
    const again = expect({ a: 1 }) as unknown as { toMatchEventAgain(expected: unknown): void };
    expect(() => again.toMatchEventAgain({ a: 2 })).toThrow(/a: expected 2, received 1/);
  });
});
