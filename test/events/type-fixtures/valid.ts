// Must compile: declared names with payloads of the declared types.
import { events } from './events';

events.emit('edx.course.enrollment.activated', { course_id: 'course-v1:a+b+c', user_id: 1 });
events.emit('edx.course.enrollment.activated', { course_id: 'course-v1:a+b+c', user_id: 1, mode: 'audit' });
events.emit('edx.video.played', { video_id: 'v', position: 1.5 });
