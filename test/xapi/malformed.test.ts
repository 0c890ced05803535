import fc from 'fast-check';
import { transformToXapi, XAPI_EVENT_NAMES, XapiTransformError, type XapiStatement, type XapiTransformOptions } from '../../src/xapi';

// Whatever an event of a supported name holds, transformToXapi gives statements, null, or an
// XapiTransformError: a backend counts that error and carries on, so nothing else may escape.
const OPTIONS: XapiTransformOptions = { lmsRootUrl: 'https://lms.example.com', actorId: () => 'learner', courseName: () => 'Course' };

const FIELD_NAMES = [
  'id', 'course_id', 'user_id', 'username', 'session', 'path', 'referer', 'event_source', 'duration', 'current_time', 'currentTime',
  'old_time', 'new_time', 'old_speed', 'new_speed', 'problem_id', 'module_id', 'usage_key', 'hint_index', 'submission', 'answers',
  'answer', 'question', 'response_type', 'correct', 'grade', 'max_grade', 'success', 'attempts', 'display_name', 'weighted_earned',
  'weighted_possible', 'weighted_total_earned', 'weighted_total_possible', 'percent_grade', 'letter_grade', 'completion', 'block_id',
  'target_url', 'target_name', 'tab_count', 'current_tab', 'target_tab', 'title', 'discussion', 'mode', 'exam_name',
  'exam_content_id', 'attempt_code', 'timestamp', 'time', 'event', 'data', 'context',
];

const leaf = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom('browser', 'course-v1:a+b+c', 'ccx-v1:a+b+c+ccx@1', 'x_y_z', '2024-01-01T00:00:00Z'));
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 3 }), fc.dictionary(fc.constantFrom(...FIELD_NAMES), tie('value'), { maxKeys: 5 })),
})).value;
const fields = fc.dictionary(fc.constantFrom(...FIELD_NAMES), value, { maxKeys: 12 });

describe('transformToXapi on malformed events', () => {
  it('gives statements, null, or an XapiTransformError, for any content of an event of a supported name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...XAPI_EVENT_NAMES), fields, fields, fields, fc.constantFrom('2024-01-01T00:00:00.5+00:00', undefined), (name, top, data, context, timestamp) => {
        const event = { ...top, name, data, context, ...(timestamp === undefined ? {} : { timestamp }) };
        let result: XapiStatement | XapiStatement[] | null;
        try {
          result = transformToXapi(event, OPTIONS);
        } catch (error) {
          if (error instanceof XapiTransformError) return;
          throw error;
        }
        for (const statement of [result ?? []].flat()) {
          expect(typeof statement.id).toBe('string');
          expect(typeof statement.object.id).toBe('string');
          expect(JSON.parse(JSON.stringify(statement))).toEqual(statement);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
