// PasswordCensorProcessor: passwords, tokens, keys and secrets out of every event's payload and context.
import { MemoryBackend, Tracker, type TrackedEvent } from '../../src';
import { PasswordCensorProcessor } from '../../src/processors/censor-passwords';
import { SENSITIVE_KEYS } from '../../src/processors/sensitive-names';

describe('PasswordCensorProcessor', () => {
  it('replaces the value of each sensitive name, at any depth of data and context, by ********', () => {
    const event: TrackedEvent = {
      name: 'edx.form',
      data: { password: 'p1', form: { new_password1: 'p2', list: [{ old_password: 'p3' }, 'password'] }, 'user[password]': 'p4', Password: 'p5', note: 'kept', course_key: 'kept' },
      context: { username: 'alice', app: { newpassword: 'p6', apiKey: { id: 'p7' } } },
    };
    new PasswordCensorProcessor().process(event);
    expect(event.data).toEqual({
      password: '********',
      form: { new_password1: '********', list: [{ old_password: '********' }, 'password'] },
      'user[password]': '********',
      Password: '********',
      note: 'kept',
      course_key: 'kept',
    });
    expect(event.context).toEqual({ username: 'alice', app: { newpassword: '********', apiKey: '********' } });
  });

  // Issue 20: each of these was logged as sent.
  it.each(['Password', 'pwd', 'passwd', 'access_token', 'api_key', 'token', 'client_secret', 'key'])('censors %s in objects and in texts', (name) => {
    const event = new PasswordCensorProcessor().process({ data: { [name]: 's3cret', form: `a=1&${name}=s3cret` }, context: { page: `{"${name}": ["s3cret"]}` } });
    expect(JSON.stringify(event)).not.toContain('s3cret');
  });

  it('censors payloads that are not JSON (what /event keeps raw), in place', () => {
    const process = (data: string) => new PasswordCensorProcessor().process({ data }).data;
    expect(process('a=1&password=x')).toBe('a=1&password=********');
    expect(process("{password: 'x', n: 1}")).toBe("{password: '********', n: 1}");
    expect(process('{"password":"p","n":1}')).toBe('{"password":"********","n":1}');
    expect(process('not json')).toBe('not json');
    // The text of a legacy event (after the shim) too.
    expect(new PasswordCensorProcessor().process({ event: '{"token": "t", "n": 1}' }).event).toBe('{"token": "********", "n": 1}');
  });

  it("keeps a page event's data byte for byte when nothing in it is sensitive, or it is censored already", () => {
    for (const page of ['{"GET": {}, "POST": {}}', '{"GET": {"password": "********"}, "POST": {}}', '{"GET": {"a": ["1", "2"]}, "POST": {"name": ["\\u00e9"]}}']) {
      expect(new PasswordCensorProcessor().process({ data: page }).data).toBe(page);
    }
  });

  it('censors query parameters of URLs in the context (a referer) and in the payload', () => {
    const event = new PasswordCensorProcessor().process({ data: { url: 'https://lms/x?a=1&token=t' }, context: { referer: 'https://lms/reset?Key=k#access_token=a' } });
    expect(event).toEqual({ data: { url: 'https://lms/x?a=1&token=********' }, context: { referer: 'https://lms/reset?Key=********#access_token=********' } });
  });

  it('finds a key spelt with JSON escapes in a string payload, and one inside a bracketed name', () => {
    // No key appears literally, so only the decoding can find it.
    const escaped = new PasswordCensorProcessor().process({ event: '{"p\\u0061ssword": "p", "user[new\\u005fp\\u0061ssword]": "q"}' });
    expect(escaped.event).toBe('{"p\\u0061ssword": "********", "user[new\\u005fp\\u0061ssword]": "********"}');
    const bracketed = new PasswordCensorProcessor().process({ data: { account: { 'settings[new_password1]': 'p' } } });
    expect(bracketed.data).toEqual({ account: { 'settings[new_password1]': '********' } });
  });

  it('takes its own keys, or more keys', () => {
    const own = new PasswordCensorProcessor({ keys: ['pin'] });
    expect(own.process({ data: { PIN: '1234', password: 'p' } }).data).toEqual({ PIN: '********', password: 'p' });
    expect(own.keys).toEqual(['pin']);
    const more = new PasswordCensorProcessor({ extraKeys: ['pin'] });
    expect(more.process({ data: { PIN: '1234', password: 'p', note: 'n' } }).data).toEqual({ PIN: '********', password: '********', note: 'n' });
    expect(more.keys).toEqual([...SENSITIVE_KEYS, 'pin']);
    expect(() => new PasswordCensorProcessor({ keys: 'pin' as never })).toThrow(`PasswordCensorProcessor: option 'keys' must be an array of items that are each a non-empty string, got "pin" (a string)`);
    expect(() => new PasswordCensorProcessor({ extraKeys: [''] })).toThrow(`PasswordCensorProcessor: option 'extraKeys[0]' must be a non-empty string, got "" (a string)`);
    expect(() => new PasswordCensorProcessor({ extra_keys: ['pin'] } as never)).toThrow(`PasswordCensorProcessor: unknown option 'extra_keys'; did you mean 'extraKeys'?`);
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
