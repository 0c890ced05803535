// The enrollment demo (examples/jobs) on real BullMQ and the machine's Redis (a queue of
// its own): the worker's enrollment event carries the enrolling request's user, course,
// session, ip and agent; each of two users' enrollments carries its own.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { describeWithRedis } from '../bus/support/brokers';
import { waitFor } from '../http/helpers';

// The demo runs on the built package (`npm run build`).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { createDemo } = require('../../examples/jobs/server.js');

const COURSE = 'course-v1:edX+DemoX+Demo_2014';

describeWithRedis('the enrollment demo (examples/jobs)', () => {
  it("writes each worker's enrollment event with its request's context", async () => {
    const trackingLog = join(mkdtempSync(join(tmpdir(), 'et-jobs-demo-')), 'tracking.log');
    const demo = createDemo({ trackingLog, queueName: `et-jobs-demo-${process.pid}-${Date.now()}`, secretKey: 'demo-secret' });
    let completed = 0;
    demo.worker.on('completed', () => completed++);
    try {
      await request(demo.app).post(`/courses/${COURSE}/enroll`).set('X-Demo-User', 'alice').set('User-Agent', 'alice-browser').expect(202, 'enrollment queued');
      await request(demo.app).post('/courses/course-v1:edX+Other+2026/enroll').set('X-Demo-User', 'bob').set('User-Agent', 'bob-browser').expect(202);
      await waitFor(() => completed === 2, 20000);
    } finally {
      await demo.queue.obliterate({ force: true });
      await demo.close();
    }
    const lines = readFileSync(trackingLog, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const enrollments = lines.filter((line) => line.event_type === 'edx.course.enrollment.activated');
    const pages = lines.filter((line) => line.event_source === 'server' && String(line.event_type).startsWith('/courses/'));
    expect(enrollments).toHaveLength(2);
    const byUser = new Map(enrollments.map((line) => [line.username, line]));
    expect(byUser.get('alice')).toMatchObject({ agent: 'alice-browser', event: { course_id: COURSE, mode: 'audit' }, context: { user_id: 42, course_id: COURSE, org_id: 'edX', path: `/courses/${COURSE}/enroll` } });
    expect(byUser.get('bob')).toMatchObject({ agent: 'bob-browser', event: { course_id: 'course-v1:edX+Other+2026' }, context: { user_id: 43, course_id: 'course-v1:edX+Other+2026' } });
    // The job's event has the request's ip and host, as the request's own page event.
    const alicePage = pages.find((line) => line.username === 'alice');
    expect([byUser.get('alice')?.ip, byUser.get('alice')?.host]).toEqual([alicePage?.ip, alicePage?.host]);
  });
});
