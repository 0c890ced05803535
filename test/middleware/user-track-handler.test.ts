// The /event endpoint (userTrackHandler) for browser events: what Open edX's
// user_track records (EDX-BEHAVIOR §3.1–3.2, E5, E6), on Express 5, Express 4, Koa 3 and Koa 2.
import request from 'supertest';
import { LegacyFieldMappingProcessor } from '../../src';
import { assertEventMatches, captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';
import { eventApp, FRAMEWORKS, withSession, withUser, type Framework } from '../http/frameworks';
import { REQUEST_KEYS } from '../http/helpers';

const PAGE = 'http://www.edx.org/courses/foo/bar/baz/xmod/';
const E5_PARAMS = { page: PAGE, event_type: 'sentinel.event_type', event: '{}', courserun_key: 'explicit/course/id' };
const E5_EXPECTED = {
  context: { course_id: 'explicit/course/id', org_id: 'explicit', event_source: 'browser', page: PAGE, username: 'anonymous' },
  data: {},
  timestamp: FROZEN_TIME,
  name: 'sentinel.event_type',
};

describe.each(FRAMEWORKS)('userTrackHandler on %s', (_name, fw: Framework) => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  /** The only event captured (the /event path gets no page event). */
  function onlyEvent(): ReturnType<EventCapture['getEvent']> {
    expect(capture.events).toHaveLength(1);
    return capture.getEvent();
  }

  describe('test_user_track (E5)', () => {
    it('records a GET with an explicit courserun_key', async () => {
      await request(eventApp(fw)).get('/event').query(E5_PARAMS).expect(200, 'success');
      assertEventMatches(E5_EXPECTED, onlyEvent());
    });

    it('records a form-encoded POST the same way', async () => {
      await request(eventApp(fw)).post('/event').type('form').send(E5_PARAMS).expect(200, 'success');
      assertEventMatches(E5_EXPECTED, onlyEvent());
    });

    it('records a JSON POST the same way', async () => {
      await request(eventApp(fw)).post('/event').send(E5_PARAMS).expect(200, 'success');
      assertEventMatches(E5_EXPECTED, onlyEvent());
    });

    it('takes the course from the page without courserun_key (test_user_track_with_implicit_course_id)', async () => {
      await request(eventApp(fw)).get('/event').query({ ...E5_PARAMS, courserun_key: undefined }).expect(200);
      assertEventMatches({ ...E5_EXPECTED, context: { ...E5_EXPECTED.context, course_id: 'foo/bar/baz', org_id: 'foo' } }, onlyEvent());
    });

    it("takes the course from the page when courserun_key is '' (jQuery's null)", async () => {
      await request(eventApp(fw)).post('/event').type('form').send({ ...E5_PARAMS, courserun_key: '' }).expect(200);
      expect(onlyEvent().context).toMatchObject({ course_id: 'foo/bar/baz', org_id: 'foo' });
    });

    it('gives the empty course for an invalid courserun_key, even with a course page', async () => {
      await request(eventApp(fw)).get('/event').query({ ...E5_PARAMS, courserun_key: 'not a key' }).expect(200);
      expect(onlyEvent().context).toMatchObject({ course_id: '', org_id: '', enterprise_uuid: '' });
    });

    it("answers 200 'success' as text/html", async () => {
      const response = await request(eventApp(fw)).get('/event').query(E5_PARAMS);
      expect([response.status, response.text]).toEqual([200, 'success']);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    });
  });

  describe('other user_track cases (E6)', () => {
    it('records missing values as unknown, {} and page ""', async () => {
      await request(eventApp(fw)).get('/event').expect(200, 'success');
      assertEventMatches(
        {
          name: 'unknown',
          data: {},
          timestamp: FROZEN_TIME,
          context: { course_id: '', org_id: '', page: '', event_source: 'browser', username: 'anonymous' },
        },
        onlyEvent(),
      );
    });

    it('records an empty form POST the same way', async () => {
      await request(eventApp(fw)).post('/event').type('form').send('').expect(200, 'success');
      assertEventMatches({ name: 'unknown', data: {}, context: { page: '', course_id: '' } }, onlyEvent());
    });

    it('records an empty event as {} (test_user_track_with_empty_event)', async () => {
      await request(eventApp(fw)).get('/event').query({ page: PAGE, event_type: 'sentinel.event_type', event: '' }).expect(200);
      assertEventMatches(
        { name: 'sentinel.event_type', data: {}, context: { course_id: 'foo/bar/baz', org_id: 'foo', page: PAGE } },
        onlyEvent(),
      );
    });

    it.each(['null', '0', 'false', '{}', '[]', '""'])('records the falsy JSON event %s as {}', async (event) => {
      await request(eventApp(fw)).post('/event').type('form').send({ event_type: 'x', event }).expect(200);
      expect(onlyEvent().data).toEqual({});
    });

    it.each([
      ['not json', 'not json'],
      ['"data"', 'data'],
      ['[1,2]', [1, 2]],
      ['5', 5],
      ['{"a": 1, "b": [true, null]}', { a: 1, b: [true, null] }],
    ])('records the event %s as %p', async (event, data) => {
      await request(eventApp(fw)).get('/event').query({ event_type: 'x', event }).expect(200);
      expect(onlyEvent().data).toEqual(data);
    });

    it('keeps the last value of a repeated parameter, in a query and in a form', async () => {
      await request(eventApp(fw)).get('/event?event_type=a&event_type=b&event=1&event=2').expect(200);
      await request(eventApp(fw)).post('/event').type('form').send('event_type=c&event_type=d&page=p1&page=p2').expect(200);
      expect(capture.events.map((event) => [event.name, event.data, event.context?.page])).toEqual([
        ['b', 2, ''],
        ['d', {}, 'p2'],
      ]);
    });

    it('reads a POST from the body only, not the query (request.POST)', async () => {
      await request(eventApp(fw)).post('/event?event_type=from-query').type('form').send('event=%7B%22a%22%3A1%7D').expect(200);
      assertEventMatches({ name: 'unknown', data: { a: 1 } }, onlyEvent());
    });

    it('accepts a JSON event given as an object in a JSON body', async () => {
      await request(eventApp(fw)).post('/event').send({ event_type: 'x', event: { a: 1 } }).expect(200);
      expect(onlyEvent().data).toEqual({ a: 1 });
    });
  });

  describe('username and the request context', () => {
    it("is 'anonymous' with no user, the user's username with one, '' for an anonymous user", async () => {
      await request(eventApp(fw)).get('/event').expect(200);
      await request(eventApp(fw, {}, [withUser({ id: 7, username: 'alice' })])).get('/event').expect(200);
      await request(eventApp(fw, {}, [withUser({ id: null, username: '' })])).get('/event').expect(200);
      expect(capture.events.map((event) => [event.context?.user_id, event.context?.username])).toEqual([
        ['', 'anonymous'],
        [7, 'alice'],
        [null, ''],
      ]);
    });

    it('uses the getUser option', async () => {
      await request(eventApp(fw, { getUser: () => ({ username: 'bob' }) })).get('/event').expect(200);
      expect(onlyEvent().context?.username).toBe('bob');
    });

    it('carries the request context (session, ip, agent...) under the browser fields, in order', async () => {
      const app = eventApp(fw, {}, [withUser({ id: 7, username: 'alice' }), withSession('665924b49a93e22b46ee9365abf28c2a')]);
      await request(app)
        .post('/event')
        .set({ Host: 'lms.example.com:8000', 'User-Agent': 'UnitTest/1.0', 'X-Forwarded-For': '11.22.33.44', Referer: PAGE })
        .set({ 'Accept-Language': 'en', Cookie: '_ga=GA1.2.1033501218.1368477899' })
        .type('form')
        .send({ event_type: 'problem_check', event: '{"answer": 42}', page: PAGE })
        .expect(200, 'success');
      const event = onlyEvent();
      expect(event.context).toStrictEqual({
        session: 'b4103566fc80d20da1970cbb4380bccd',
        user_id: 7,
        username: 'alice',
        ip: '11.22.33.44',
        host: 'lms.example.com',
        agent: 'UnitTest/1.0',
        path: '/event',
        referer: PAGE,
        accept_language: 'en',
        client_id: '1033501218.1368477899',
        course_id: 'foo/bar/baz',
        org_id: 'foo',
        enterprise_uuid: '',
        event_source: 'browser',
        page: PAGE,
      });
      expect(Object.keys(event.context ?? {})).toEqual([...REQUEST_KEYS, 'event_source', 'page']);
      assertEventMatches({ name: 'problem_check', data: { answer: 42 }, timestamp: FROZEN_TIME }, event);
    });
  });

  it('gives legacy events whose dict payload is a JSON string and other JSON kept as is (§3.2.6)', async () => {
    capture.restore();
    capture = captureEvents({ clock: () => FROZEN_TIME, processors: [new LegacyFieldMappingProcessor()] });
    for (const event of ['{"a": 1}', '"data"', '[1,2]', '5', 'not json']) {
      await request(eventApp(fw)).get('/event').query({ event_type: 'x', event }).expect(200);
    }
    expect(capture.events.map((event) => event.event)).toEqual(['{"a": 1}', 'data', [1, 2], 5, 'not json']);
    expect(capture.events.map((event) => event.event_source)).toEqual(Array(5).fill('browser'));
  });
});
