// RedactProcessor: drops or hashes listed fields (dotted paths) of the events of the
// branch it is put on.
import { createHmac } from 'node:crypto';
import { createTracker, edxDefaults, LegacyFieldMappingProcessor, MemoryBackend, RoutingBackend, Tracker, type TrackedEvent } from '../../src';
import { RedactProcessor } from '../../src/processors/redact';

const SALT = 'a-salt-of-16-chars-or-more';
const hmac = (text: string): string => createHmac('sha256', SALT).update(text).digest('hex');

const rawEvent = (): TrackedEvent => ({
  name: 'edx.test',
  timestamp: new Date('2024-01-01T00:00:00Z'),
  data: { email: 'a@example.com', users: [{ email: 'b@example.com', id: 1 }, { id: 2 }, 'x'], keep: true },
  context: { user_id: 42, username: 'alice', ip: '10.0.0.1', session: 'abc', empty: '', none: null, nested: { deep: { secret: 's' } } },
});

describe('RedactProcessor', () => {
  it("'drop' (the default) removes each listed field; missing ones are left alone", () => {
    const event = new RedactProcessor({ fields: ['context.ip', 'context.username', 'data.email', 'data.missing', 'nothing.here'] }).process(rawEvent());
    expect(event.context).toEqual({ user_id: 42, session: 'abc', empty: '', none: null, nested: { deep: { secret: 's' } } });
    expect(event.data).toEqual({ users: [{ email: 'b@example.com', id: 1 }, { id: 2 }, 'x'], keep: true });
  });

  it("'hash' replaces values by the HMAC-SHA-256 of their text keyed with the salt (64 hex digits); null, undefined and '' stay", () => {
    const event = new RedactProcessor({ fields: ['context.username', 'context.user_id', 'context.empty', 'context.none', 'context.nested'], mode: 'hash', salt: SALT }).process(rawEvent());
    const context = event.context!;
    expect(context.username).toBe(hmac('alice'));
    expect(context.username).toMatch(/^[0-9a-f]{64}$/);
    expect(context.user_id).toBe(hmac('42'));
    expect(context.nested).toBe(hmac('{"deep":{"secret":"s"}}'));
    expect([context.empty, context.none]).toEqual(['', null]);
    // Stable: the same value gives the same hash, so events can still be joined.
    expect(new RedactProcessor({ fields: ['context.username'], mode: 'hash', salt: SALT }).process(rawEvent()).context!.username).toBe(context.username);
  });

  it('goes through arrays, item by item', () => {
    const event = new RedactProcessor({ fields: ['data.users.email'] }).process(rawEvent());
    expect((event.data as { users: unknown }).users).toEqual([{ id: 1 }, { id: 2 }, 'x']);
  });

  it("goes into a JSON string payload (a browser event after the legacy shim), written back as Python's json.dumps", () => {
    const legacy = { username: 'alice', ip: '10.0.0.1', event: '{"email": "a@example.com", "n": 1.5}', event_source: 'browser' };
    const event = new RedactProcessor({ fields: ['username', 'event.email'], mode: 'hash', salt: SALT }).process({ ...legacy });
    expect(event.username).toBe(hmac('alice'));
    expect(event.event).toBe(`{"email": "${hmac('a@example.com')}", "n": 1.5}`);
    // A payload without the field is left byte for byte.
    const untouched = new RedactProcessor({ fields: ['event.other'] }).process({ ...legacy });
    expect(untouched.event).toBe(legacy.event);
    // A payload that is not JSON is left as it is.
    expect(new RedactProcessor({ fields: ['event.email'] }).process({ event: 'email=a@example.com' }).event).toBe('email=a@example.com');
  });

  it('only follows and touches own fields', () => {
    const event: TrackedEvent = { context: {} };
    new RedactProcessor({ fields: ['context.toString', 'context.hasOwnProperty'] }).process(event);
    expect(typeof ({} as { toString: unknown }).toString).toBe('function');
    expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'hasOwnProperty')).toBe(true);
    const parsed = JSON.parse('{"__proto__": {"x": 1}}') as TrackedEvent;
    new RedactProcessor({ fields: ['data'] }).process(parsed);
    expect(({} as { x?: unknown }).x).toBeUndefined();
  });

  it.each([
    [{ fields: [] }, /option 'fields' is required: a non-empty array of dotted paths/],
    [{ fields: 'context.ip' }, /option 'fields' must be an array of items that are each a non-empty string, got "context.ip"/],
    [{ fields: ['context..ip'] }, /empty segment/],
    [{ fields: ['__proto__.polluted'] }, /goes through '__proto__'/],
    [{ fields: ['data.constructor.prototype'] }, /goes through 'constructor'/],
    [{ fields: ['ip'], mode: 'mask' }, /option 'mode' must be one of "drop", "hash", got "mask"/],
    [{ fields: ['ip'], mode: 'hash' }, /needs a salt/],
    [{ fields: ['ip'], mode: 'hash', salt: 'short' }, /at least 16 characters/],
    [{ fields: ['ip'], salt: SALT }, /salt is only used with mode 'hash'/],
  ])('refuses %j at construction', (options, message) => {
    expect(() => new RedactProcessor(options as never)).toThrow(message);
  });

  it('works on one branch only: the others keep the field', () => {
    const segment = new MemoryBackend();
    const log = new MemoryBackend();
    const tracker = new Tracker({
      backends: {
        segmentio: new RoutingBackend({ backends: { memory: segment }, processors: [new RedactProcessor({ fields: ['context.ip'] })] }),
        tracking_logs: new RoutingBackend({ backends: { memory: log }, processors: [new LegacyFieldMappingProcessor(), new RedactProcessor({ fields: ['username'], mode: 'hash', salt: SALT })] }),
      },
    });
    tracker.context('edx.request', { ip: '10.0.0.1', username: 'alice' }, () => tracker.emit('x'));
    expect(segment.events[0]!.context).toEqual({ username: 'alice' });
    expect(log.events[0]).toMatchObject({ ip: '10.0.0.1', username: hmac('alice') });
  });

  it('can be mixed, built, into configuration data', () => {
    const config = edxDefaults();
    (config.backends!.tracking_logs as { options: { processors: unknown[] } }).options.processors.push(new RedactProcessor({ fields: ['ip'] }));
    expect(() => createTracker(config)).not.toThrow();
  });
});
