// The events the type fixtures emit.
import { defineEvent, registerEvents, Type } from '../../../src/events';

export const activated = defineEvent({
  name: 'edx.course.enrollment.activated',
  description: 'A learner enrolled in a course.',
  owner: 'enrollments',
  data: Type.Object({ course_id: Type.String(), user_id: Type.Integer(), mode: Type.Optional(Type.String()) }),
  example: { course_id: 'course-v1:edX+DemoX+Demo_Course', user_id: 7 },
  emittedFrom: ['server'],
});

export const played = defineEvent({
  name: 'edx.video.played',
  description: 'A learner played a video.',
  owner: 'video',
  data: Type.Object({ video_id: Type.String(), position: Type.Number() }),
  example: { video_id: 'v1', position: 0 },
  emittedFrom: ['browser', 'mobile'],
});

export const events = registerEvents([activated, played]);
