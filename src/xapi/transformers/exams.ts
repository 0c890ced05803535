// Special exams (timed, practice, proctored): an attempt started and submitted. ERB reads these
// from the `event` field of a tracking.log line, so an emitted event (`data`) gives no object id.
import { withoutNone, type StatementBuilder } from '../statement-builder';
import type { XapiVerb } from '../statement';
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import type { Transformer } from './transformer';
import { oneStatement } from './transformer';

function exam(verb: XapiVerb, type: string): Transformer {
  return oneStatement((builder) => {
    const { reader } = builder;
    const name = reader.get('event.exam_name');
    if (typeof name !== 'string') throw reader.fail('missing-field', "the event has no 'event.exam_name'");
    const contentId = reader.text('event.exam_content_id');
    const attemptCode = reader.text('event.attempt_code');
    const attempt = {
      ...(attemptCode === undefined ? {} : { id: attemptCode }),
      objectType: 'Activity' as const,
      definition: {
        name: { en: name },
        type: ACTIVITY.examAttempt,
        extensions: withoutNone({
          [EXTENSION.attemptStarted]: reader.get('event.attempt_started_at'),
          [EXTENSION.attemptCompleted]: reader.get('event.attempt_completed_at'),
          [EXTENSION.duration]: reader.get('event.attempt_event_elapsed_time_secs'),
          [EXTENSION.attemptId]: reader.get('event.attempt_id'),
        }),
      },
    };
    return {
      verb,
      object: {
        id: contentId,
        objectType: 'Activity',
        definition: { name: { en: name }, type, extensions: withoutNone({ [EXTENSION.timeLimit]: reader.get('event.exam_default_time_limit_mins') }) },
      },
      contextActivities: { ...courseParentOrFail(builder), grouping: [attempt] },
    };
  });
}

function courseParentOrFail(builder: StatementBuilder) {
  const parent = builder.courseParent();
  if (parent === undefined) throw builder.reader.fail('missing-field', "the event has no 'context.course_id'");
  return parent;
}

export const examTransformers: Record<string, Transformer> = {
  'edx.special_exam.timed.attempt.created': exam(VERBS.initialized, ACTIVITY.timedAssessment),
  'edx.special_exam.practice.attempt.created': exam(VERBS.initialized, ACTIVITY.practiceAssessment),
  'edx.special_exam.proctored.attempt.created': exam(VERBS.initialized, ACTIVITY.proctoredAssessment),
  'edx.special_exam.timed.attempt.submitted': exam(VERBS.terminated, ACTIVITY.timedAssessment),
  'edx.special_exam.practice.attempt.submitted': exam(VERBS.terminated, ACTIVITY.practiceAssessment),
  'edx.special_exam.proctored.attempt.submitted': exam(VERBS.terminated, ACTIVITY.proctoredAssessment),
};
