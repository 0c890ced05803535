// trackMiddleware's page-request event (EDX-BEHAVIOR §1.1, §1.6, §1.7): ignore
// patterns, the event's name, data and context, censoring, the 512 cut, body
// parsers, and the pageEvents / contextName options, on Express 5, Express 4, Koa 3 and Koa 2.
import request from 'supertest';
import { asyncContextLocator, emit } from '../../src';
import { assertEventMatches, captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { FRAMEWORKS, parseBody, trackedApp, withUser, type Framework } from '../http/frameworks';
import { contextOf, pageEventsOf, REQUEST_KEYS } from '../http/helpers';

const NO_PARAMS = '{"GET": {}, "POST": {}}';
const PASSWORD_KEYS = ['password', 'newpassword', 'new_password', 'oldpassword', 'old_password', 'new_password1', 'new_password2'];

describe.each(FRAMEWORKS)('page-request events on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  /** An app with a urlencoded and a JSON body parser (Express: `express.urlencoded`, `express.json`) mounted before trackMiddleware. */
  function appWithParsers(): ReturnType<typeof trackedApp> {
    return trackedApp(fw, {}, [parseBody('form'), parseBody('json')]);
  }

  describe('ignore patterns (§1.6)', () => {
    it.each(['/event', '/event/1', '/login', '/heartbeat', '/segmentio/event', '/performance'])(
      'the default list gives no page event for %s, but the request context is entered',
      async (path) => {
        await request(trackedApp(fw)).get(path).expect(200);
        expect(pageEventsOf(capture)).toEqual([]);
        expect(capture.events).toHaveLength(1);
        expect(contextOf(capture).path).toBe(path);
      },
    );

    it('logs /event with ignoreUrlPatterns: []', async () => {
      await request(trackedApp(fw, { ignoreUrlPatterns: [] })).get('/event').expect(200);
      assertEventMatches({ name: '/event', data: NO_PARAMS }, pageEventsOf(capture)[0]);
    });

    it('anchors a custom pattern at the start of the path (re.match)', async () => {
      const app = trackedApp(fw, { ignoreUrlPatterns: ['^/some/excluded.*', 'other', /\/x+y/g] });
      for (const path of ['/excluded', '/some/excluded/url', '/a/other', '/xxy/z', '/a/xxy', '/xy']) await request(app).get(path).expect(200);
      expect(pageEventsOf(capture).map((event) => event.name)).toEqual(['/excluded', '/a/other', '/a/xxy']);
    });

    it('matches the decoded path without the query', async () => {
      const app = trackedApp(fw, { ignoreUrlPatterns: ['^/caf\u00e9$'] });
      await request(app).get('/caf%C3%A9?x=1').expect(200);
      await request(app).get('/caf%C3%A9/more').expect(200);
      expect(pageEventsOf(capture).map((event) => event.name)).toEqual(['/café/more']);
    });
  });

  describe('the event', () => {
    it("is named after the path, with data '{\"GET\": {}, \"POST\": {}}' exactly (test_views)", async () => {
      await request(trackedApp(fw)).get('/courses/foo/bar/baz/xmod/').expect(200);
      const [page] = pageEventsOf(capture);
      assertEventMatches({ name: '/courses/foo/bar/baz/xmod/', timestamp: FROZEN_TIME, data: NO_PARAMS }, page);
      expect(page?.data).toBe(NO_PARAMS);
      expect(capture.events.map((event) => event.name)).toEqual(['/courses/foo/bar/baz/xmod/', 'test.probe']);
    });

    it("carries the request context plus username 'anonymous', event_source 'server' and page null", async () => {
      await request(trackedApp(fw)).get('/courses/foo/bar/baz/xmod/').set('Host', 'testserver').expect(200);
      expect(pageEventsOf(capture)[0]?.context).toStrictEqual({
        session: '',
        user_id: '',
        username: 'anonymous',
        ip: '127.0.0.1',
        host: 'testserver',
        agent: '',
        path: '/courses/foo/bar/baz/xmod/',
        referer: '',
        accept_language: '',
        client_id: null,
        course_id: 'foo/bar/baz',
        org_id: 'foo',
        enterprise_uuid: '',
        event_source: 'server',
        page: null,
      });
    });

    it("has the user's username, and '' for an anonymous user", async () => {
      await request(trackedApp(fw, {}, [withUser({ id: 3, username: 'dana' })])).get('/a').expect(200);
      await request(trackedApp(fw, {}, [withUser({ id: null, username: '' })])).get('/b').expect(200);
      const [first, second] = pageEventsOf(capture);
      expect([first?.context?.user_id, first?.context?.username]).toEqual([3, 'dana']);
      expect([second?.context?.user_id, second?.context?.username]).toEqual([null, '']);
    });

    it('lists every value of a repeated query parameter', async () => {
      await request(trackedApp(fw)).get('/p?a=1&a=2&b=x+y&c=%C3%A9').expect(200);
      expect(pageEventsOf(capture)[0]?.data).toBe('{"GET": {"a": ["1", "2"], "b": ["x y"], "c": ["\\u00e9"]}, "POST": {}}');
    });

    it('censors the seven password keys in GET, but not Password', async () => {
      const query = [...PASSWORD_KEYS, 'Password'].map((key) => `${key}=s3cret&${key}=again`).join('&');
      await request(trackedApp(fw)).get(`/p?${query}`).expect(200);
      const get = Object.fromEntries(PASSWORD_KEYS.map((key) => [key, '********']));
      expect(JSON.parse(String(pageEventsOf(capture)[0]?.data))).toEqual({ GET: { ...get, Password: ['s3cret', 'again'] }, POST: {} });
    });

    it('censors the seven password keys in a form POST parsed before the middleware', async () => {
      const form = [...PASSWORD_KEYS, 'Password', 'user'].map((key) => `${key}=s3cret`).join('&');
      await request(appWithParsers()).post('/p?password=x&q=1').type('form').send(form).expect(200);
      const post = Object.fromEntries(PASSWORD_KEYS.map((key) => [key, '********']));
      const data = String(pageEventsOf(capture)[0]?.data);
      expect(JSON.parse(data)).toEqual({ GET: { password: '********', q: ['1'] }, POST: { ...post, Password: ['s3cret'], user: ['s3cret'] } });
      expect(data.startsWith('{"GET": {"password": "********", "q": ["1"]}, "POST": {"password": "********", ')).toBe(true);
    });

    it('lists repeated form fields', async () => {
      await request(appWithParsers()).post('/p').type('form').send('a=1&a=2&b=3').expect(200);
      expect(pageEventsOf(capture)[0]?.data).toBe('{"GET": {}, "POST": {"a": ["1", "2"], "b": ["3"]}}');
    });

    it('gives POST {} for a JSON body (as Open edX)', async () => {
      await request(appWithParsers()).post('/p?a=1').send({ password: 'x', a: 1 }).expect(200);
      expect(pageEventsOf(capture)[0]?.data).toBe('{"GET": {"a": ["1"]}, "POST": {}}');
    });

    it('cuts the data to 512 characters, even if that leaves invalid JSON', async () => {
      const long = 'x'.repeat(1000);
      await request(trackedApp(fw)).get(`/p?q=${long}`).expect(200);
      const data = String(pageEventsOf(capture)[0]?.data);
      expect(data).toBe(`{"GET": {"q": ["${long}"]}, "POST": {}}`.slice(0, 512));
      expect(data).toHaveLength(512);
    });

    it('keeps data of exactly 512 characters whole', async () => {
      const value = 'y'.repeat(512 - '{"GET": {"q": [""]}, "POST": {}}'.length);
      await request(trackedApp(fw)).get(`/p?q=${value}`).expect(200);
      expect(JSON.parse(String(pageEventsOf(capture)[0]?.data))).toEqual({ GET: { q: [value] }, POST: {} });
    });
  });

  describe('options', () => {
    it('pageEvents: false emits no page event but still enters the context', async () => {
      await request(trackedApp(fw, { pageEvents: false })).get('/courses/a/b/c/').expect(200);
      expect(capture.events.map((event) => event.name)).toEqual(['test.probe']);
      expect(contextOf(capture)).toMatchObject({ path: '/courses/a/b/c/', course_id: 'a/b/c' });
    });

    it('contextName names the layer holding the request fields', async () => {
      const app = fw.app({
        track: { contextName: 'my.request' },
        routes: [
          {
            method: 'GET',
            path: '/x',
            handler: () => {
              const frame = asyncContextLocator.current();
              emit('layers', { mine: frame.has('my.request'), edx: frame.has('edx.request') });
              return 'ok';
            },
          },
        ],
      });
      await request(app).get('/x').expect(200);
      const event = capture.events.find((e) => e.name === 'layers');
      expect(event?.data).toEqual({ mine: true, edx: false });
      expect(Object.keys(event?.context ?? {})).toEqual(REQUEST_KEYS);
    });

    it('uses the tracker option for the context and page events', async () => {
      const own = captureEvents({ name: 'own', clock: () => FROZEN_TIME });
      try {
        await request(trackedApp(fw, { tracker: own.tracker })).get('/mine').expect(200);
        expect(own.events.map((event) => event.name)).toEqual(['/mine']);
        expect(capture.events.map((event) => event.name)).toEqual(['test.probe']);
        expect(contextOf(capture).path).toBe('/mine');
      } finally {
        own.restore();
      }
    });
  });
});
