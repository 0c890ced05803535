// Must fail (TS2345): user_id is required.
import { events } from './events';

events.emit('edx.course.enrollment.activated', { course_id: 'course-v1:a+b+c' });
