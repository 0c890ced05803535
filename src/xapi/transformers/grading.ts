// Grades: a subsection's and a course's grade, as scores earned.
import type { EventReader } from '../event-reader';
import type { XapiResult } from '../statement';
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import { oneStatement } from './transformer';

export const gradingTransformers = {
  'edx.grades.subsection.grade_calculated': oneStatement((builder) => ({
    verb: VERBS.earned,
    object: { id: builder.iri('xblock', builder.reader.requireText('data.block_id')), objectType: 'Activity', definition: { type: ACTIVITY.resource } },
    result: weightedScore(builder.reader, 'weighted_total_earned', 'weighted_total_possible'),
  })),
  'edx.grades.course.grade_calculated': oneStatement((builder) => {
    const courseId = builder.reader.requireText('context.course_id');
    const percent = numberOrZero(builder.reader, dataField(builder.reader, 'percent_grade'));
    return {
      verb: VERBS.earned,
      object: builder.courseActivity(courseId, 'en'),
      result: {
        score: { scaled: percent, raw: percent, min: 0, max: 1 },
        extensions: { [EXTENSION.gradeClassification]: builder.reader.truthy('data.letter_grade') ?? 'Fail' },
      },
    };
  }),
};

/**
 * The score of a grade event from two of its `data` fields (ERB's `earned >= possible`
 * success and `earned / possible` scaled, 0 when nothing is possible); also used by
 * `edx.grades.problem.submitted`.
 */
export function weightedScore(reader: EventReader, earnedKey: string, possibleKey: string): XapiResult {
  const earned = numberOrZero(reader, dataField(reader, earnedKey));
  const possible = numberOrZero(reader, dataField(reader, possibleKey));
  return { score: { scaled: possible > 0 ? earned / possible : 0, raw: earned, min: 0, max: possible }, success: earned >= possible };
}

/** `data[key]` where `data` is the first `data` found in the event; a missing key fails as ERB's `KeyError` does. */
function dataField(reader: EventReader, key: string): unknown {
  const data = reader.get('data');
  if (typeof data !== 'object' || data === null || !Object.hasOwn(data, key)) throw reader.fail('missing-field', `the event's data has no '${key}'`);
  return (data as Record<string, unknown>)[key];
}

/** Python's `value or 0`, for a number. */
function numberOrZero(reader: EventReader, value: unknown): number {
  if (value === null || value === undefined || value === false || value === '') return 0;
  if (typeof value !== 'number') throw reader.fail('invalid-value', `a grade is not a number: ${JSON.stringify(value)}`);
  return value;
}
