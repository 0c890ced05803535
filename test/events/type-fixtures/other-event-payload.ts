// Must fail (TS2353): the payload of another event (video_id is not a field of the enrollment event).
import { events } from './events';

events.emit('edx.course.enrollment.activated', { video_id: 'v', position: 1 });
