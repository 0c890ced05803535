// Enrollment and course pass/fail: the course as the object, no context activities.
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import { byVerb } from './transformer';

export const enrollmentTransformers = byVerb(
  {
    'edx.course.enrollment.activated': VERBS.registered,
    'edx.course.enrollment.mode_changed': VERBS.registered,
    'edx.course.enrollment.deactivated': VERBS.unregistered,
    'edx.course.grade.passed.first_time': VERBS.passed,
    'edx.course.grade.now_passed': VERBS.passed,
    'edx.course.grade.now_failed': VERBS.failed,
  },
  (builder, verb) => {
    const courseId = builder.reader.requireText('context.course_id');
    const course = builder.courseActivity(courseId, 'en');
    const mode = builder.reader.get('data.mode');
    return {
      verb,
      object: {
        ...course,
        definition: { ...course.definition, type: ACTIVITY.course, extensions: mode === undefined ? {} : { [EXTENSION.mode]: mode } },
      },
      contextActivities: undefined,
    };
  },
);
