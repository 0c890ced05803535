// Events for the xAPI tests: enrollments, as Open edX emits them, of many
// learners at distinct times, so each gives its own statement id, mixed with page views,
// which have no statement.
import type { TrackedEvent } from '../../src';

export const LMS = 'https://courses.example.com';
export const COURSE = 'course-v1:edX+DemoX+Demo_2014';

/** An enrollment event of learner `user` at second `second` (activated when `active`). */
export function enrollment(user: number, second: number, active = true): TrackedEvent {
  return {
    name: active ? 'edx.course.enrollment.activated' : 'edx.course.enrollment.deactivated',
    timestamp: new Date(Date.UTC(2024, 4, 1) + second * 1000 + (user % 1000)),
    data: { course_id: COURSE, user_id: user, mode: 'audit' },
    context: { user_id: user, course_id: COURSE, org_id: 'edX', path: '/enroll' },
  };
}

/** `count` events: every tenth a page view (unsupported), the others enrollments, each with its own learner and time. */
export function mixedEvents(count: number): { events: TrackedEvent[]; supported: number } {
  const events: TrackedEvent[] = [];
  let supported = 0;
  for (let i = 0; i < count; i++) {
    if (i % 10 === 9) events.push({ name: '/courses/x/courseware', timestamp: new Date(), data: {}, context: { user_id: i } });
    else {
      events.push(enrollment(i, i, i % 3 !== 0));
      supported++;
    }
  }
  return { events, supported };
}
