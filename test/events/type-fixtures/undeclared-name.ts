// Must fail (TS2345): the name is not declared.
import { events } from './events';

events.emit('edx.course.enrollment.activate', { course_id: 'course-v1:a+b+c', user_id: 1 });
