import type { IncomingHttpHeaders } from 'node:http';
import { buildRequestContext, decodedPath, hostName } from '../../src/request/request-context';
import type { RequestFacts } from '../../src/request/request-context';
import { REQUEST_KEYS as KEYS, SECRET_KEY } from '../http/helpers';

function facts(overrides: Partial<RequestFacts> = {}): RequestFacts {
  return {
    url: '/courses/',
    headers: { host: 'testserver' },
    remoteAddress: '127.0.0.1',
    protocol: 'http',
    user: undefined,
    sessionKey: undefined,
    ...overrides,
  };
}

describe('buildRequestContext', () => {
  it('gives exactly the dict of test_default_request_context, in insertion order', () => {
    const context = buildRequestContext(facts(), SECRET_KEY);
    expect(context).toStrictEqual({
      session: '',
      user_id: '',
      username: '',
      ip: '127.0.0.1',
      host: 'testserver',
      agent: '',
      path: '/courses/',
      referer: '',
      accept_language: '',
      client_id: null,
      course_id: '',
      org_id: '',
      enterprise_uuid: '',
    });
    expect(Object.keys(context)).toEqual(KEYS);
  });

  it('fills every field of a full request', () => {
    const context = buildRequestContext(
      facts({
        url: '/courses/course-v1:edX+DemoX+Demo/courseware/%C3%A9?x=1',
        headers: {
          host: 'lms.example.com:8000',
          'user-agent': 'agent/1.0',
          referer: 'http://example.com/from',
          'accept-language': 'fr-FR,fr;q=0.9',
          cookie: 'sessionid=abc; _ga=GA1.2.1033501218.1368477899',
          'x-forwarded-for': '11.22.33.44, 10.0.0.1',
        },
        remoteAddress: '::ffff:10.0.0.1',
        protocol: 'https',
        user: { id: 42, username: 'alice' },
        sessionKey: '665924b49a93e22b46ee9365abf28c2a',
      }),
      SECRET_KEY,
    );
    expect(context).toStrictEqual({
      session: 'b4103566fc80d20da1970cbb4380bccd',
      user_id: 42,
      username: 'alice',
      ip: '11.22.33.44',
      host: 'lms.example.com',
      agent: 'agent/1.0',
      path: '/courses/course-v1:edX+DemoX+Demo/courseware/é',
      referer: 'http://example.com/from',
      accept_language: 'fr-FR,fr;q=0.9',
      client_id: '1033501218.1368477899',
      course_id: 'course-v1:edX+DemoX+Demo',
      org_id: 'edX',
      enterprise_uuid: '',
    });
    expect(Object.keys(context)).toEqual(KEYS);
  });

  it('leaves the session empty without a secret key or a session key', () => {
    const sessionKey = '665924b49a93e22b46ee9365abf28c2a';
    expect(buildRequestContext(facts({ sessionKey }), undefined).session).toBe('');
    expect(buildRequestContext(facts({ sessionKey }), '').session).toBe('');
    expect(buildRequestContext(facts({ sessionKey: null }), SECRET_KEY).session).toBe('');
    expect(buildRequestContext(facts({ sessionKey: '' }), SECRET_KEY).session).toBe('');
  });

  describe('user fields', () => {
    it("are '' and '' without a user object", () => {
      expect(buildRequestContext(facts({ user: null }), SECRET_KEY)).toMatchObject({ user_id: '', username: '' });
    });

    it('are null and the username (or "") for an anonymous user', () => {
      expect(buildRequestContext(facts({ user: { id: null, username: '' } }), SECRET_KEY)).toMatchObject({
        user_id: null,
        username: '',
      });
      expect(buildRequestContext(facts({ user: {} }), SECRET_KEY)).toMatchObject({ user_id: null, username: '' });
    });

    it('keep string and number ids, and turn other ids into text', () => {
      const idOf = (id: unknown) => buildRequestContext(facts({ user: { id, username: 'u' } }), SECRET_KEY).user_id;
      expect(idOf('abc')).toBe('abc');
      expect(idOf(7)).toBe(7);
      expect(idOf(7n)).toBe(7);
      expect(idOf(2n ** 70n)).toBe('1180591620717411303424');
      expect(idOf(NaN)).toBeNull();
      expect(idOf({ toString: () => '5f0c' })).toBe('5f0c');
      expect(idOf(Object.create(null))).toBeNull();
    });

    it('turn a non-string username into text', () => {
      expect(buildRequestContext(facts({ user: { id: 1, username: 99 } }), SECRET_KEY).username).toBe('99');
    });
  });

  describe('host', () => {
    it.each([
      ['testserver', 'testserver'],
      ['example.com:8000', 'example.com'],
      ['[::1]:3000', '::1'],
      ['[::1]', '::1'],
      ['127.0.0.1:80', '127.0.0.1'],
      [' spaced.example ', 'spaced.example'],
      ['::1', '::1'],
      ['', ''],
    ])('of Host %p is %p', (host, expected) => {
      expect(hostName(host)).toBe(expected);
      expect(buildRequestContext(facts({ headers: { host } }), SECRET_KEY).host).toBe(expected);
    });

    it("is '' without a Host header", () => {
      expect(buildRequestContext(facts({ headers: {} }), SECRET_KEY).host).toBe('');
    });
  });

  describe('path', () => {
    it.each([
      ['/courses/', '/courses/'],
      ['/a/b?c=d', '/a/b'],
      ['/a%20b/%C3%A9', '/a b/é'],
      ['/a%2Fb', '/a/b'],
      ['/bad%E0%A4%A/ok%20x', '/bad%E0%A4%A/ok x'],
      ['/bad%ZZ', '/bad%ZZ'],
      ['/x#frag', '/x'],
      ['http://host.example/abs/path?q=1', '/abs/path'],
      ['http://host.example', '/'],
      ['', ''],
    ])('of %p is %p', (url, expected) => {
      expect(decodedPath(url)).toBe(expected);
      expect(buildRequestContext(facts({ url }), SECRET_KEY).path).toBe(expected);
    });
  });

  it('passes latin-1 header text through unchanged', () => {
    const latin1 = 'test latin1 \xd3 \xe9 \xf1';
    expect(latin1).toBe('test latin1 Ó é ñ');
    const context = buildRequestContext(
      facts({ headers: { host: 'testserver', 'user-agent': latin1, referer: latin1, 'accept-language': latin1 } }),
      SECRET_KEY,
    );
    expect(context).toMatchObject({ agent: latin1, referer: latin1, accept_language: latin1 });
  });

  it('takes client_id from the X-EDX-GA-CLIENT-ID header without a _ga cookie', () => {
    const headers = { host: 'h', 'x-edx-ga-client-id': '123.456' };
    expect(buildRequestContext(facts({ headers }), SECRET_KEY).client_id).toBe('123.456');
  });

  it('reads repeated cookie headers', () => {
    const headers = { host: 'h', cookie: ['a=1', '_ga=GA1.2.5.6'] } as unknown as IncomingHttpHeaders;
    expect(buildRequestContext(facts({ headers }), SECRET_KEY).client_id).toBe('5.6');
  });

  describe('course fields', () => {
    it('come from the absolute URL, query string included', () => {
      const context = buildRequestContext(facts({ url: '/dashboard?next=/courses/a/b/c' }), SECRET_KEY);
      expect(context).toMatchObject({ course_id: 'a/b/c', org_id: 'a', enterprise_uuid: '' });
    });

    it('come from an absolute-form request target', () => {
      const context = buildRequestContext(facts({ url: 'http://h/courses/course-v1:o+c+r/x' }), SECRET_KEY);
      expect(context).toMatchObject({ course_id: 'course-v1:o+c+r', org_id: 'o', path: '/courses/course-v1:o+c+r/x' });
    });

    it('ignore a Host header that Django would reject', () => {
      const headers = { host: 'evil/courses/x/y/z' };
      expect(buildRequestContext(facts({ url: '/dashboard', headers }), SECRET_KEY).course_id).toBe('');
    });
  });

  it('never throws, whatever the facts', () => {
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    const odd: unknown[] = [
      undefined,
      null,
      {},
      { url: 42, headers: 'nope', remoteAddress: 5, protocol: null, user: 'bob', sessionKey: 12 },
      { url: '%', headers: throwing, remoteAddress: '::ffff:', protocol: '', user: throwing, sessionKey: '\u0000' },
      facts({ headers: { host: '[', cookie: '=;;=;_ga', 'x-forwarded-for': ',,,', via: [] as unknown as string } }),
      facts({ url: '/courses/%E0%A4%A/x/y?%', headers: { host: ':' }, user: { id: Symbol('s'), username: Symbol('u') } }),
      facts({ url: '\u0000\n\r/courses/\ud800/b/c', headers: { host: '\ud800', 'user-agent': ['a', 'b'] as unknown as string } }),
    ];
    for (const input of odd) {
      let context: Record<string, unknown> | undefined;
      expect(() => {
        context = buildRequestContext(input as RequestFacts, SECRET_KEY);
      }).not.toThrow();
      expect(Object.keys(context ?? {})).toEqual(KEYS);
    }
  });

  it('never throws on random headers and URLs', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const alphabet = ['/', '%', 'a', '?', '+', ':', ',', '.', '[', ']', '1', '"', ';', '=', ' ', '\u00e9', '\ud83d', 'courses'];
    const text = () => Array.from({ length: Math.floor(random() * 20) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 500; i++) {
      const headers: IncomingHttpHeaders = {
        host: text(),
        cookie: `_ga=${text()}; ${text()}`,
        'x-forwarded-for': text(),
        'user-agent': text(),
        'x-edx-ga-client-id': text(),
      };
      const context = buildRequestContext(
        facts({ url: `/${text()}`, headers, remoteAddress: text(), user: { id: text(), username: text() }, sessionKey: text() }),
        SECRET_KEY,
      );
      expect(Object.keys(context)).toEqual(KEYS);
      expect(typeof context.path).toBe('string');
    }
  });
});
