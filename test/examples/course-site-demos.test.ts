import type { RequestListener } from 'node:http';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import request from 'supertest';

// The demos on Koa, Fastify and Hono: the same site, the same visit, the same tracking.log.
// They run on the built package (`npm run build`), importing 'eventtracking' and its adapter.
type Demo = { createDemoApp(options: object): { app: unknown; tracker: { close(): Promise<void> } } };
/* eslint-disable @typescript-eslint/no-require-imports */
const DEMOS: ReadonlyArray<[string, Demo, (app: never) => Promise<RequestListener>]> = [
  ['Koa', require('../../examples/koa/server.js'), async (app: { callback(): RequestListener }) => app.callback()],
  [
    'Fastify',
    require('../../examples/fastify/server.js'),
    async (app: { ready(): Promise<unknown>; routing: RequestListener }) => {
      await app.ready();
      return (req, res) => app.routing(req, res);
    },
  ],
  ['Hono', require('../../examples/hono/server.js'), async (app: { fetch: Parameters<typeof getRequestListener>[0] }) => getRequestListener(app.fetch) as RequestListener],
];
/* eslint-enable @typescript-eslint/no-require-imports */

const COURSE = 'course-v1:edX+DemoX+Demo_2014';
const VIDEO = `block-v1:edX+DemoX+Demo_2014+type@video+block@intro-video`;
const SEGMENTIO_SECRET = 'demo-test-secret';

/** A Segment 'track' message as analytics-android sends it: alice (user 42) plays the intro video. */
function androidVideoPlayed(): Record<string, unknown> {
  return {
    type: 'track',
    event: 'edx.video.played',
    userId: '42',
    properties: {
      name: 'edx.video.played',
      data: { module_id: VIDEO, current_time: 12.5, code: 'mobile' },
      context: {
        course_id: COURSE,
        app_name: 'edx.mobile.android',
        open_in_browser_url: `https://lms.example.com/courses/${COURSE}/jump_to/${VIDEO}/video`,
      },
    },
    context: {
      library: { name: 'analytics-android', version: '4.10.0' },
      app: { version: '4.0.1', name: 'edX' },
      userAgent: 'Dalvik/2.1.0 (Linux; U; Android 13)',
      traits: { email: 'not-logged@example.com' },
    },
    timestamp: '2024-05-01T10:00:00.123Z',
    receivedAt: '2024-05-01T10:00:01.456Z',
    messageId: 'android-1',
  };
}

describe.each(DEMOS)('the %s demo (examples/koa, examples/fastify, examples/hono)', (_name, demo, listenerOf) => {
  it('writes page, server, browser and mobile events of a signed-in visit to tracking.log', async () => {
    const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-demo-')), 'tracking.log');
    const { app, tracker } = demo.createDemoApp({ trackingLog, secretKey: 'demo-secret', segmentioSecret: SEGMENTIO_SECRET });
    const listener = await listenerOf(app as never);
    const agent = request.agent(listener);
    await agent.get('/login?user=alice').expect(302);
    await agent.get(`/courses/${COURSE}/courseware/`).expect(200).expect(/Play video/);
    await agent.post(`/courses/${COURSE}/enroll`).type('form').send({ password: 'hunter2' }).expect(302);
    await agent
      .post('/event')
      .type('form')
      .send({ event_type: 'play_video', event: '{"id":"intro-video","currentTime":0}', page: `http://127.0.0.1/courses/${COURSE}/courseware/`, courserun_key: COURSE })
      .expect(200, 'success');
    // The Segment webhook: a wrong key is refused, the right one records the mobile event.
    const segment = request(listener);
    await segment.post('/segmentio/event?key=wrong').send(androidVideoPlayed()).expect(401);
    await segment.get(`/segmentio/event?key=${SEGMENTIO_SECRET}`).expect(405);
    await segment.post(`/segmentio/event?key=${SEGMENTIO_SECRET}`).send(androidVideoPlayed()).expect(200);
    await tracker.close();

    const events = readFileSync(trackingLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events.map((e) => e.event_type)).toEqual([
      'edx.user.login',
      `/courses/${COURSE}/courseware/`,
      `/courses/${COURSE}/enroll`,
      'edx.course.enrollment.activated',
      'play_video',
      'play_video',
    ]);
    const [login, page, enrollPage, enrollment, browserVideo, mobileVideo] = events;
    expect(login).toMatchObject({ username: '', event_source: 'server', event: { username: 'alice' } });
    // The first visit presented no session: its session has no key yet, as in Django.
    expect(login.session).toBe('');
    expect(page).toMatchObject({ username: 'alice', context: { user_id: 42, course_id: COURSE, org_id: 'edX' }, event: '{"GET": {}, "POST": {}}' });
    expect(page.session).toMatch(/^[0-9a-f]{32}$/);
    expect(enrollPage.event).toBe('{"GET": {}, "POST": {"password": "********"}}');
    expect(enrollment).toMatchObject({ username: 'alice', event: { course_id: COURSE, mode: 'audit' }, context: { user_id: 42 } });
    expect(browserVideo).toMatchObject({
      username: 'alice',
      event_source: 'browser',
      event: '{"id": "intro-video", "currentTime": 0}',
      page: `http://127.0.0.1/courses/${COURSE}/courseware/`,
      context: { user_id: 42, path: '/event', course_id: COURSE, org_id: 'edX' },
    });
    expect(browserVideo.session).toBe(page.session);
    // The mobile event: mapped from the Segment message (user looked up by id, device
    // time as `time`), then turned into the legacy play_video by the video transformer.
    expect(mobileVideo).toMatchObject({
      event_type: 'play_video',
      name: 'edx.video.played',
      event_source: 'mobile',
      username: 'alice',
      time: '2024-05-01T10:00:00.123000+00:00',
      agent: 'Dalvik/2.1.0 (Linux; U; Android 13)',
      page: `https://lms.example.com/courses/${COURSE}/jump_to/${VIDEO}`,
      event: { id: 'intro-video', currentTime: 12.5, code: 'mobile' }, // module_id → the block's html_id
      context: {
        user_id: 42,
        course_id: COURSE,
        org_id: 'edX',
        path: '/segmentio/event',
        application: { name: 'edx.mobile.android', version: '4.0.1' },
        client: { library: { name: 'analytics-android', version: '4.10.0' }, app: { version: '4.0.1', name: 'edX' } },
        received_at: '2024-05-01T10:00:01.456000+00:00',
      },
    });
    expect(mobileVideo.context).not.toHaveProperty('open_in_browser_url');
    expect(mobileVideo.context.client).not.toHaveProperty('traits');
  });
});
