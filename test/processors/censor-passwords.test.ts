// PasswordCensorProcessor: the page event's censoring, for every event's payload and context.
import { MemoryBackend, Tracker, type TrackedEvent } from '../../src';
import { PasswordCensorProcessor } from '../../src/processors/censor-passwords';

describe('PasswordCensorProcessor', () => {
  it('replaces the value of each password key, at any depth of data and context, by ********', () => {
    const event: TrackedEvent = {
      name: 'edx.form',
      data: { password: 'p1', form: { new_password1: 'p2', list: [{ old_password: 'p3' }, 'password'] }, 'user[password]': 'p4', Password: 'kept (case-sensitive, as Open edX)', note: 'kept' },
      context: { username: 'alice', app: { newpassword: 'p5' } },
    };
    new PasswordCensorProcessor().process(event);
    expect(event.data).toEqual({
      password: '********',
      form: { new_password1: '********', list: [{ old_password: '********' }, 'password'] },
      'user[password]': '********',
      Password: 'kept (case-sensitive, as Open edX)',
      note: 'kept',
    });
    expect(event.context).toEqual({ username: 'alice', app: { newpassword: '********' } });
  });

  it("censors inside a JSON string payload, written back as Python's json.dumps, and leaves other strings alone", () => {
    const changed = new PasswordCensorProcessor().process({ event: '{"password":"p","n":1}' });
    expect(changed.event).toBe('{"password": "********", "n": 1}');
    const same = '{"a":1}';
    expect(new PasswordCensorProcessor().process({ event: same }).event).toBe(same);
    expect(new PasswordCensorProcessor().process({ data: 'password=p' }).data).toBe('password=p');
    // The page event's data, already censored (and maybe cut at 512 characters), is kept byte for byte.
    const page = '{"GET": {"password": "********"}, "POST": {}}';
    expect(new PasswordCensorProcessor().process({ data: page }).data).toBe(page);
  });

  it('finds a key spelt with JSON escapes in a string payload, and one inside a bracketed name', () => {
    // No key appears literally, so only the parse can find it: the backslash must send it there.
    const escaped = new PasswordCensorProcessor().process({ event: '{"p\\u0061ssword": "p", "user[new\\u005fp\\u0061ssword]": "q"}' });
    expect(escaped.event).toBe('{"password": "********", "user[new_password]": "********"}');
    const bracketed = new PasswordCensorProcessor().process({ data: { account: { 'settings[new_password1]': 'p' } } });
    expect(bracketed.data).toEqual({ account: { 'settings[new_password1]': '********' } });
  });

  it('takes its own keys', () => {
    const event = new PasswordCensorProcessor({ keys: ['pin'] }).process({ data: { pin: '1234', password: 'p' } });
    expect(event.data).toEqual({ pin: '********', password: 'p' });
    expect(() => new PasswordCensorProcessor({ keys: 'pin' as never })).toThrow(`PasswordCensorProcessor: option 'keys' must be an array of items that are each a non-empty string, got "pin" (a string)`);
  });

  it('censors payloads nested deeper than the stack, and a "__proto__" key as data', () => {
    let deep: Record<string, unknown> = { password: 'p' };
    for (let i = 0; i < 20000; i++) deep = { a: deep };
    const event = new PasswordCensorProcessor().process({ data: deep });
    let inner = event.data as Record<string, unknown>;
    for (let i = 0; i < 20000; i++) inner = inner.a as Record<string, unknown>;
    expect(inner.password).toBe('********');
    const parsed = JSON.parse('{"__proto__": {"password": "p"}}') as Record<string, unknown>;
    new PasswordCensorProcessor().process({ data: parsed });
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual({ password: '********' });
    expect(({} as { password?: unknown }).password).toBeUndefined();
  });

  it('as a root processor, keeps passwords from every branch', () => {
    const a = new MemoryBackend();
    const b = new MemoryBackend();
    const tracker = new Tracker({ backends: { a, b }, processors: [new PasswordCensorProcessor()] });
    tracker.emit('x', { password: 'p' });
    expect([a.events[0]!.data, b.events[0]!.data]).toEqual([{ password: '********' }, { password: '********' }]);
  });
});
