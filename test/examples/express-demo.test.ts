import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startLocalLrs } from '../../src/xapi';

// The demo runs on the built package, as `npm start` does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createDemoApp } = require('../../examples/express/server.js');

const COURSE = 'course-v1:edX+DemoX+Demo_2014';

describe('the Express demo (npm start)', () => {
  it('writes page, server and browser events of a signed-in visit to tracking.log', async () => {
    const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-demo-')), 'tracking.log');
    const { app, tracker } = createDemoApp({ trackingLog, secretKey: 'demo-secret' });
    const agent = request.agent(app);
    await agent.get('/login?user=alice').expect(302);
    await agent.get(`/courses/${COURSE}/courseware/`).expect(200).expect(/Play video/).expect(/<script src="\/eventtracking\.js">/);
    // The browser Logger's script, served before trackMiddleware: no page event for it.
    await agent.get('/eventtracking.js').expect(200).expect('Content-Type', /^application\/javascript/).expect(/Logger/);
    await agent.post(`/courses/${COURSE}/enroll`).type('form').send({ password: 'hunter2' }).expect(302);
    await agent
      .post('/event')
      .type('form')
      .send({ event_type: 'play_video', event: '{"id":"intro-video","currentTime":0}', page: `http://127.0.0.1/courses/${COURSE}/courseware/`, courserun_key: COURSE })
      .expect(200, 'success');
    await tracker.close();

    const events = readFileSync(trackingLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(events.map((e) => e.event_type)).toEqual([
      'edx.user.login',
      `/courses/${COURSE}/courseware/`,
      `/courses/${COURSE}/enroll`,
      'edx.course.enrollment.activated',
      'play_video',
    ]);
    const [login, page, enrollPage, enrollment, video] = events;
    expect(login).toMatchObject({ username: '', event_source: 'server', event: { username: 'alice' } });
    // The first visit presented no session: its session has no key yet, as in Django.
    expect(login.session).toBe('');
    expect(page).toMatchObject({ username: 'alice', context: { user_id: 42, course_id: COURSE, org_id: 'edX' }, event: '{"GET": {}, "POST": {}}' });
    expect(page.session).toMatch(/^[0-9a-f]{32}$/);
    expect(enrollPage.event).toBe('{"GET": {}, "POST": {"password": "********"}}');
    expect(enrollment).toMatchObject({ username: 'alice', event: { course_id: COURSE, mode: 'audit' }, context: { user_id: 42 } });
    expect(video).toMatchObject({
      username: 'alice',
      event_source: 'browser',
      event: '{"id": "intro-video", "currentTime": 0}',
      page: `http://127.0.0.1/courses/${COURSE}/courseware/`,
      context: { user_id: 42, path: '/event', course_id: COURSE, org_id: 'edX' },
    });
    expect(video.session).toBe(page.session);
  });

  it('sends the enrollment to a local LRS as an xAPI statement when given xapi options, and tracking.log still gets every event', async () => {
    const lrs = await startLocalLrs();
    try {
      const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-demo-')), 'tracking.log');
      const { app, tracker } = createDemoApp({ trackingLog, secretKey: 'demo-secret', xapi: { url: lrs.url } });
      const agent = request.agent(app);
      await agent.get('/login?user=alice').expect(302);
      await agent.post(`/courses/${COURSE}/enroll`).type('form').send({}).expect(302);
      await tracker.close();
      expect(readFileSync(trackingLog, 'utf8').trim().split('\n')).toHaveLength(3);
      const [statement, ...others] = [...lrs.statements.values()];
      expect(others).toEqual([]);
      expect(statement).toMatchObject({
        actor: { account: { name: '42' } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/registered' },
        object: { id: expect.stringContaining(`/course/${COURSE}`), definition: { name: { en: 'Demonstration Course' } } },
      });
    } finally {
      await lrs.close();
    }
  });
});
