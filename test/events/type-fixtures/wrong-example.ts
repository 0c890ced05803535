// Must fail (TS2322): the example must have the schema's type.
import { defineEvent, Type } from '../../../src/events';

export const bad = defineEvent({
  name: 'edx.course.enrollment.activated',
  description: 'A learner enrolled.',
  owner: 'enrollments',
  data: Type.Object({ user_id: Type.Integer() }),
  example: { user_id: 'seven' },
  emittedFrom: ['server'],
});
