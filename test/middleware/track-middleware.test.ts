// trackMiddleware's 'edx.request' context (EDX-BEHAVIOR §1.2–1.5, E11), as seen by an
// event emitted in a route, on Express 5, Express 4, Koa 3 and Koa 2.
import request from 'supertest';
import type { Context } from '../../src';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, fromAddress, trackedApp, withSession, withUser, type Framework, type Step, type TrackOptions } from '../http/frameworks';
import { contextOf, pageEventsOf, REQUEST_KEYS, SECRET_KEY } from '../http/helpers';

const SESSION_KEY = '665924b49a93e22b46ee9365abf28c2a';

describe.each(FRAMEWORKS)('trackMiddleware context fields on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  /** GETs `path` through a tracked app and gives the context of the event the route emitted. */
  async function contextFor(
    path: string,
    headers: Record<string, string> = {},
    options: TrackOptions = {},
    before: Step[] = [],
  ): Promise<Context> {
    const app = trackedApp(fw, options, before);
    await request(app).get(path).set(headers).expect(200, 'ok');
    return contextOf(capture);
  }

  it('gives exactly the dict of test_default_request_context for GET /courses/, keys in order', async () => {
    const context = await contextFor('/courses/', { Host: 'testserver' });
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
    expect(Object.keys(context)).toEqual(REQUEST_KEYS);
  });

  it('keeps the field order in the page event, with username, event_source and page after', async () => {
    await contextFor('/courses/', { Host: 'testserver' });
    const [page] = pageEventsOf(capture);
    expect(Object.keys(page?.context ?? {})).toEqual([...REQUEST_KEYS, 'event_source', 'page']);
  });

  it('fills every field of a full request', async () => {
    const context = await contextFor(
      '/courses/course-v1:edX+DemoX+Demo/courseware/%C3%A9t%C3%A9?x=1',
      {
        Host: 'lms.example.com:8000',
        'User-Agent': 'UnitTest/1.0',
        Referer: 'http://lms.example.com/dashboard',
        'Accept-Language': 'fr-FR,fr;q=0.9',
        Cookie: 'csrftoken=abc; _ga=GA1.2.1033501218.1368477899',
        'X-Forwarded-For': '11.22.33.44',
      },
      { getSessionKey: () => SESSION_KEY },
      [withUser({ id: 1, username: 'sentinel.username' })],
    );
    expect(context).toStrictEqual({
      session: 'b4103566fc80d20da1970cbb4380bccd',
      user_id: 1,
      username: 'sentinel.username',
      ip: '11.22.33.44',
      host: 'lms.example.com',
      agent: 'UnitTest/1.0',
      path: '/courses/course-v1:edX+DemoX+Demo/courseware/été',
      referer: 'http://lms.example.com/dashboard',
      accept_language: 'fr-FR,fr;q=0.9',
      client_id: '1033501218.1368477899',
      course_id: 'course-v1:edX+DemoX+Demo',
      org_id: 'edX',
      enterprise_uuid: '',
    });
    expect(Object.keys(context)).toEqual(REQUEST_KEYS);
  });

  it('has the course of GET /courses/test_org/test_course/test_run/foo (E11)', async () => {
    const context = await contextFor('/courses/test_org/test_course/test_run/foo');
    expect(context).toMatchObject({ course_id: 'test_org/test_course/test_run', org_id: 'test_org', enterprise_uuid: '' });
  });

  it('reads REMOTE_ADDR 10.0.0.0, the agent and X-EDX-GA-CLIENT-ID (E11)', async () => {
    const headers = { 'User-Agent': 'UnitTest/1.0', 'X-EDX-GA-CLIENT-ID': '123.123' };
    const context = await contextFor('/courses/', headers, {}, [fromAddress('10.0.0.0')]);
    expect(context).toMatchObject({ ip: '10.0.0.0', agent: 'UnitTest/1.0', client_id: '123.123' });
  });

  describe('ip (§1.4)', () => {
    it.each([
      ['no X-Forwarded-For', undefined, '127.0.0.1'],
      ['a public XFF', '11.22.33.44', '11.22.33.44'],
      ['public, private, loopback', '11.22.33.44, 10.0.0.1, 127.0.0.1', '11.22.33.44'],
      ['private first: only the left-most entry counts', '10.0.0.1, 11.22.33.44', '10.0.0.1'],
      ['garbage', 'garbage', '127.0.0.1'],
      ['an IPv6 public address', '2001:4860:4860::8888', '2001:4860:4860::8888'],
      ['an IPv4-mapped address', '::ffff:11.22.33.44', '11.22.33.44'],
      ['a valid first entry but an invalid last one', '11.22.33.44, unknown', '127.0.0.1'],
    ])('%s gives the right ip', async (_case, xff, ip) => {
      const context = await contextFor('/courses/', xff === undefined ? {} : { 'X-Forwarded-For': xff });
      expect(context.ip).toBe(ip);
    });

    it('looks past a private XFF to a public X-Real-IP', async () => {
      const context = await contextFor('/', { 'X-Forwarded-For': '10.0.0.1', 'X-Real-IP': '8.8.8.8' });
      expect(context.ip).toBe('8.8.8.8');
    });

    it('prefers a private XFF to a loopback peer, and a private peer is kept', async () => {
      expect((await contextFor('/', { 'X-Forwarded-For': '192.168.1.5' })).ip).toBe('192.168.1.5');
      capture.reset();
      expect((await contextFor('/', {}, {}, [fromAddress('::ffff:10.1.2.3')])).ip).toBe('10.1.2.3');
    });
  });

  it('decodes latin-1 header bytes one code point each', async () => {
    const raw = 'test latin1 \xd3 \xe9 \xf1';
    const context = await contextFor('/', { 'User-Agent': raw, Referer: raw, 'Accept-Language': raw });
    expect(context).toMatchObject({ agent: 'test latin1 Ó é ñ', referer: 'test latin1 Ó é ñ', accept_language: 'test latin1 Ó é ñ' });
  });

  describe('client_id', () => {
    it.each([
      ['the _ga cookie', { Cookie: '_ga=GA1.2.1033501218.1368477899' }, '1033501218.1368477899'],
      ['the header', { 'X-EDX-GA-CLIENT-ID': '123.123' }, '123.123'],
      ['the cookie over the header', { Cookie: 'a=b; _ga=GA1.2.9.8', 'X-EDX-GA-CLIENT-ID': '123.123' }, '9.8'],
      ['a short _ga cookie', { Cookie: '_ga=GA1' }, ''],
      ['neither', { Cookie: 'other=1' }, null],
    ])('comes from %s', async (_case, headers, clientId) => {
      expect((await contextFor('/', headers)).client_id).toBe(clientId);
    });
  });

  describe('session (§1.3)', () => {
    it.each([
      [SESSION_KEY, 'b4103566fc80d20da1970cbb4380bccd'],
      [`${SESSION_KEY}different`, '6f0c784c1087c6bc4624b7eac982fedf'],
    ])('hashes %s with the secret key from getSessionKey', async (key, hashed) => {
      const context = await contextFor('/', {}, { getSessionKey: () => key });
      expect(context.session).toBe(hashed);
      expect(String(context.session)).toHaveLength(32);
    });

    it(`reads ${fw.names.sessionId} by default`, async () => {
      const context = await contextFor('/', {}, {}, [withSession(SESSION_KEY)]);
      expect(context.session).toBe('b4103566fc80d20da1970cbb4380bccd');
    });

    it(`reads ${fw.names.session} when there is no ${fw.names.sessionId}, and prefers ${fw.names.sessionId}`, async () => {
      expect((await contextFor('/', {}, {}, [withSession(undefined, { id: SESSION_KEY })])).session).toBe(
        'b4103566fc80d20da1970cbb4380bccd',
      );
      capture.reset();
      const both = await contextFor('/', {}, {}, [withSession(`${SESSION_KEY}different`, { id: SESSION_KEY })]);
      expect(both.session).toBe('6f0c784c1087c6bc4624b7eac982fedf');
    });

    it('uses the secretKey option', async () => {
      const context = await contextFor('/', {}, { secretKey: 'another secret', getSessionKey: () => SESSION_KEY });
      expect(context.session).toMatch(/^[0-9a-f]{32}$/);
      expect(context.session).not.toBe('b4103566fc80d20da1970cbb4380bccd');
    });

    it("is '' with no session key", async () => {
      expect((await contextFor('/', {}, { getSessionKey: () => '' })).session).toBe('');
    });

    it("falls back to process.env.SECRET_KEY, and without any secret gives '' and warns how to set it", async () => {
      const saved = process.env.SECRET_KEY;
      const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
      try {
        process.env.SECRET_KEY = SECRET_KEY;
        expect((await contextFor('/', {}, { secretKey: undefined }, [withSession(SESSION_KEY)])).session).toBe(
          'b4103566fc80d20da1970cbb4380bccd',
        );
        expect(warn).not.toHaveBeenCalled();
        capture.reset();
        delete process.env.SECRET_KEY;
        expect((await contextFor('/', {}, { secretKey: undefined }, [withSession(SESSION_KEY)])).session).toBe('');
        expect(warn).toHaveBeenCalledTimes(1);
        expect(String(warn.mock.calls[0]?.[0])).toMatch(/SECRET_KEY.*secretKey/);
      } finally {
        warn.mockRestore();
        if (saved === undefined) delete process.env.SECRET_KEY;
        else process.env.SECRET_KEY = saved;
      }
    });
  });

  describe('user', () => {
    it(`takes user_id and username from ${fw.names.user}`, async () => {
      const context = await contextFor('/', {}, {}, [withUser({ id: 1, username: 'x' })]);
      expect([context.user_id, context.username]).toEqual([1, 'x']);
    });

    it('gives user_id null for an anonymous user', async () => {
      const context = await contextFor('/', {}, {}, [withUser({ id: null, username: '' })]);
      expect([context.user_id, context.username]).toEqual([null, '']);
    });

    it("gives '' and '' with no user object", async () => {
      const context = await contextFor('/');
      expect([context.user_id, context.username]).toEqual(['', '']);
    });

    it('uses the getUser option', async () => {
      const context = await contextFor('/', { 'X-User': 'carol' }, { getUser: (req) => ({ id: 7, username: req.headers['x-user'] }) });
      expect([context.user_id, context.username]).toEqual([7, 'carol']);
    });
  });

  describe('course_id and org_id (§1.5)', () => {
    const course = { course_id: 'test/course_name/course_run', org_id: 'test', enterprise_uuid: '' };
    const none = { course_id: '', org_id: '', enterprise_uuid: '' };
    it.each([
      ['/courses/test/course_name/course_run', course],
      ['/courses/test/course_name/course_run/more/stuff', course],
      ['/courses/test/course_name/course_run?format=json', course],
      ['/x/y/z/courses/test/course_name/course_run', course],
      ['/courses/course-v1:test+course_name+course_run', { ...course, course_id: 'course-v1:test+course_name+course_run' }],
      ['/api/courses/v1/courses/course-v1:a+b+c/', { course_id: 'course-v1:a+b+c', org_id: 'a', enterprise_uuid: '' }],
      ['/dashboard?next=/courses/a/b/c', { course_id: 'a/b/c', org_id: 'a', enterprise_uuid: '' }],
      ['/dashboard', none],
      ['/courses/test/course_name', none],
      ['/courses/test/course_name/', none],
      ['/courses/test/course_name/?', none],
      ['/courses/test/course_name?format=json', none],
      ['/courses/a!b/x/y', none],
    ])('%s', async (path, expected) => {
      const context = await contextFor(path);
      expect({ course_id: context.course_id, org_id: context.org_id, enterprise_uuid: context.enterprise_uuid }).toEqual(expected);
    });
  });

  describe('host, path, referer and accept_language', () => {
    it.each([
      ['lms.example.com:8000', 'lms.example.com'],
      ['lms.example.com', 'lms.example.com'],
      ['[::1]:3000', '::1'],
    ])('host %s gives %s', async (hostHeader, host) => {
      expect((await contextFor('/', { Host: hostHeader })).host).toBe(host);
    });

    it('gives the host name of the default Host header without the port', async () => {
      expect((await contextFor('/')).host).toBe('127.0.0.1');
    });

    it('gives the decoded path without the query', async () => {
      const context = await contextFor('/a%20b/%C3%A9?q=%C3%A9&x=1');
      expect(context.path).toBe('/a b/é');
    });

    it('reads Referer and Accept-Language', async () => {
      const context = await contextFor('/', { Referer: 'http://x/y?z=1', 'Accept-Language': 'en-US' });
      expect([context.referer, context.accept_language]).toEqual(['http://x/y?z=1', 'en-US']);
    });
  });
});
