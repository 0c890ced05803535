// Must fail (TS2322): user_id is declared an integer.
import { events } from './events';

events.emit('edx.course.enrollment.activated', { course_id: 'course-v1:a+b+c', user_id: '1' });
