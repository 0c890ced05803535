import { censor, formToLists, pageEventData, queryToLists } from '../../src/request/page-event';
import { PASSWORD_KEYS, isPasswordKey } from '../../src/processors/password-keys';

describe('queryToLists', () => {
  it('gives {} for an empty query', () => {
    expect(queryToLists('')).toEqual({});
    expect(queryToLists('?')).toEqual({});
  });

  it('collects repeated keys into lists, in order of first appearance', () => {
    const lists = queryToLists('?a=1&b=x&a=2');
    expect(lists).toEqual({ a: ['1', '2'], b: ['x'] });
    expect(Object.keys(lists)).toEqual(['a', 'b']);
  });

  it('works without the leading "?"', () => {
    expect(queryToLists('a=1&a=2')).toEqual({ a: ['1', '2'] });
  });

  it('decodes "+" and percent escapes, and keeps blank values', () => {
    expect(queryToLists('q=a+b%20c%C3%A9&empty=&bare')).toEqual({ q: ['a b cé'], empty: [''], bare: [''] });
  });

  it('keeps a __proto__ key as data', () => {
    const lists = queryToLists('__proto__=x');
    expect(Object.getPrototypeOf(lists)).toBe(Object.prototype);
    expect(Object.keys(lists)).toEqual(['__proto__']);
    expect(pageEventData(lists, {})).toBe('{"GET": {"__proto__": ["x"]}, "POST": {}}');
  });
});

describe('formToLists', () => {
  it('turns strings and arrays into lists', () => {
    expect(formToLists({ a: '1', b: ['2', '3'] })).toEqual({ a: ['1'], b: ['2', '3'] });
  });

  it('accepts the null-prototype objects of querystring.parse', () => {
    const body = Object.assign(Object.create(null) as Record<string, unknown>, { a: 'x' });
    expect(formToLists(body)).toEqual({ a: ['x'] });
  });

  it('writes nested objects (extended parsers) as JSON strings', () => {
    expect(formToLists({ user: { name: 'n', tags: ['t'] }, list: [{ a: 1 }, 'x'] })).toEqual({
      user: ['{"name":"n","tags":["t"]}'],
      list: ['{"a":1}', 'x'],
    });
  });

  it('never throws on odd values', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(formToLists({ c: cyclic, n: 1, b: true, z: null, u: undefined, big: 10n })).toEqual({
      c: [''],
      n: ['1'],
      b: ['true'],
      z: [''],
      u: [''],
      big: ['10'],
    });
    const throwing = Object.defineProperty({}, 'bad', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(formToLists(throwing)).toEqual({});
  });

  it.each([undefined, null, 'a=1', 42, ['a'], Buffer.from('a=1')])('gives {} for the non-form body %p', (body) => {
    expect(formToLists(body)).toEqual({});
  });
});

describe('censor', () => {
  it('lists the seven password keys', () => {
    expect(PASSWORD_KEYS).toEqual([
      'password',
      'newpassword',
      'new_password',
      'oldpassword',
      'old_password',
      'new_password1',
      'new_password2',
    ]);
  });

  it.each(PASSWORD_KEYS.map((key) => [key]))('replaces the whole value of %s', (key) => {
    expect(censor({ [key]: ['secret', 'again'], other: ['kept'] })).toEqual({ [key]: '********', other: ['kept'] });
  });

  it('is case-sensitive', () => {
    expect(censor({ Password: ['x'], PASSWORD: ['y'] })).toEqual({ Password: ['x'], PASSWORD: ['y'] });
  });

  it('keeps key order and does not touch its input', () => {
    const input = { a: ['1'], password: ['p'], b: ['2'] };
    const out = censor(input);
    expect(Object.keys(out)).toEqual(['a', 'password', 'b']);
    expect(input.password).toEqual(['p']);
  });
});

describe('pageEventData', () => {
  it('gives the data of a request without parameters', () => {
    expect(pageEventData({}, {})).toBe('{"GET": {}, "POST": {}}');
  });

  it("writes Python's json.dumps", () => {
    const get = censor(queryToLists('?a=1&a=2&password=x'));
    const post = censor(formToLists({ name: 'é' }));
    expect(pageEventData(get, post)).toBe('{"GET": {"a": ["1", "2"], "password": "********"}, "POST": {"name": ["\\u00e9"]}}');
  });

  it('cuts the JSON at 512 characters', () => {
    const long = 'x'.repeat(1000);
    const full = `{"GET": {"q": ["${long}"]}, "POST": {}}`;
    const data = pageEventData({ q: [long] }, {});
    expect(data).toHaveLength(512);
    expect(full.startsWith(data)).toBe(true);
  });

  it('keeps data of exactly 512 characters whole', () => {
    const filler = 'y'.repeat(512 - '{"GET": {"q": [""]}, "POST": {}}'.length);
    expect(pageEventData({ q: [filler] }, {})).toHaveLength(512);
    expect(pageEventData({ q: [filler] }, {}).endsWith('}}')).toBe(true);
  });
});

describe('password keys in bracketed names and nested form values', () => {
  it.each(['password', 'new_password1', 'password[]', 'user[password]', 'account[settings][old_password]', 'password[0]', 'newpassword[x]'])('censors %s', (key) => {
    expect(isPasswordKey(key)).toBe(true);
    expect(censor({ [key]: ['s3cret'] })).toEqual({ [key]: '********' });
  });

  it.each(['Password', 'passwords', 'user[Password]', 'password]', '[password', 'my_password', 'user[name]'])('leaves %s alone', (key) => {
    expect(isPasswordKey(key)).toBe(false);
  });

  it('censors password keys inside the nested objects of extended parsers', () => {
    expect(formToLists({ user: { name: 'n', password: 's3cret', deeper: { new_password2: ['a', 'b'] } }, list: [{ old_password: 'x' }] })).toEqual({
      user: ['{"name":"n","password":"********","deeper":{"new_password2":"********"}}'],
      list: ['{"old_password":"********"}'],
    });
  });
});
