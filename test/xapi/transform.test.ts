import { LegacyFieldMappingProcessor, MemoryBackend, OptionsError, Tracker, type TrackedEvent } from '../../src';
import { fromTrackingLog, learnerOf, transformToXapi, XAPI_EVENT_NAMES, XapiTransformError, type XapiStatement, type XapiTransformOptions } from '../../src/xapi';

const OPTIONS: XapiTransformOptions = {
  lmsRootUrl: 'https://lms.example.com',
  actorId: (event) => (learnerOf(event) === undefined ? undefined : `learner-${String(learnerOf(event))}`),
  courseName: (courseId) => (courseId === 'course-v1:edX+DemoX+Demo_Course' ? 'Demonstration Course' : undefined),
};
const COURSE = 'course-v1:edX+DemoX+Demo_Course';

const playVideo = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'play_video',
  timestamp: '2020-07-15T06:46:41.543562+00:00',
  context: { course_id: COURSE, user_id: 3, session: 's1' },
  data: { id: 'abc', current_time: 12.0625, duration: 195 },
  ...overrides,
});

const one = (result: ReturnType<typeof transformToXapi>): XapiStatement => {
  if (result === null || Array.isArray(result)) throw new Error(`expected one statement, got ${JSON.stringify(result)}`);
  return result;
};

function failureOf(run: () => unknown): XapiTransformError {
  try {
    run();
  } catch (error) {
    if (error instanceof XapiTransformError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('transformToXapi', () => {
  it('knows the 65 event names ERB transforms', () => {
    expect(XAPI_EVENT_NAMES).toHaveLength(65);
    expect(new Set(XAPI_EVENT_NAMES).size).toBe(65);
    expect(XAPI_EVENT_NAMES).toEqual(expect.arrayContaining(['problem_check', 'edx.video.closed_captions.shown', 'edx.forum.comment.unreported', 'edx.special_exam.proctored.attempt.submitted']));
  });

  it('gives null for a name ERB does not transform, or no event, without asking for the learner', () => {
    const actorId = jest.fn(() => undefined);
    const options = { lmsRootUrl: 'https://lms.example.com', actorId };
    expect(transformToXapi({ name: 'edx.course.enrollment.upgrade.succeeded', data: {} }, options)).toBeNull();
    expect(transformToXapi({ data: {} }, options)).toBeNull();
    expect(transformToXapi('play_video', options)).toBeNull();
    expect(transformToXapi(null, options)).toBeNull();
    expect(actorId).not.toHaveBeenCalled();
  });

  it('rounds video times as Python does and names the course when courseName knows it', () => {
    const statement = one(transformToXapi(playVideo(), OPTIONS));
    expect(statement.result).toEqual({ extensions: { 'https://w3id.org/xapi/video/extensions/time': 12.062 } });
    expect(statement.object.id).toBe(`https://lms.example.com/xblock/block-v1:edX+DemoX+Demo_Course+type@video+block@abc`);
    expect(statement.actor).toEqual({ objectType: 'Agent', account: { homePage: 'https://lms.example.com', name: 'learner-3' } });
    expect(statement.context.contextActivities?.parent?.[0]?.definition?.name).toEqual({ 'en-US': 'Demonstration Course' });
    const unnamed = one(transformToXapi(playVideo({ context: { course_id: 'course-v1:Other+X+Y', user_id: 3 } }), OPTIONS));
    expect(unnamed.context.contextActivities?.parent?.[0]?.definition).toEqual({ type: 'http://adlnet.gov/expapi/activities/course' });
  });

  it("gives a replay the same id, and another event time another id", () => {
    const first = one(transformToXapi(playVideo(), OPTIONS));
    expect(one(transformToXapi(JSON.parse(JSON.stringify(playVideo())), OPTIONS)).id).toBe(first.id);
    expect(one(transformToXapi(playVideo({ timestamp: '2020-07-15T06:46:41.543563+00:00' }), OPTIONS)).id).not.toBe(first.id);
    // The id is made of the text of the time, as ERB makes it: the same instant written with Z is another id.
    const withZ = one(transformToXapi(playVideo({ timestamp: '2020-07-15T06:46:41.543562Z' }), OPTIONS));
    expect(withZ.id).not.toBe(first.id);
    expect(withZ.timestamp).toBe(first.timestamp);
  });

  it('gives an event emitted in Node the statement of the same event read back from JSON (the id included)', () => {
    const backend = new MemoryBackend();
    const tracker = new Tracker({ backends: { mem: backend }, clock: () => new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 10)) });
    tracker.context('course', { course_id: COURSE, user_id: 7, session: 'abc' }, () => tracker.emit('edx.video.paused', { id: 'v1', currentTime: 3, duration: 10 }));
    const emitted = backend.events[0] as TrackedEvent;
    const statement = one(transformToXapi(emitted, OPTIONS));
    expect(statement.timestamp).toBe('2024-05-06T07:08:09.010000+00:00');
    expect(transformToXapi(JSON.parse(JSON.stringify(emitted)), OPTIONS)).toEqual(statement);
  });

  it('reads a tracking.log line as ERB transform_tracking_logs does, giving the statement of the emitted event', () => {
    const emittedEvents = new MemoryBackend();
    const logLines = new MemoryBackend();
    const clock = () => new Date(Date.UTC(2024, 4, 6, 7, 8, 9, 10));
    const emit = (tracker: Tracker) =>
      tracker.context('course', { course_id: COURSE, user_id: 7, session: 'abc', username: 'ann' }, () => tracker.emit('edx.video.paused', { id: 'v1', currentTime: 3 }));
    emit(new Tracker({ backends: { mem: emittedEvents }, clock }));
    emit(new Tracker({ backends: { mem: logLines }, processors: [new LegacyFieldMappingProcessor()], clock }));
    const line = JSON.parse(JSON.stringify(logLines.events[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ event_type: 'edx.video.paused', event: { id: 'v1' }, time: '2024-05-06T07:08:09.010000+00:00' });
    const event = fromTrackingLog(line);
    expect(transformToXapi(event, OPTIONS)).toEqual(transformToXapi(emittedEvents.events[0], OPTIONS));
    expect(fromTrackingLog({ ...line, event: '{"id": "v2"}' })?.data).toEqual({ id: 'v2' });
    expect(fromTrackingLog({ ...line, event: 'input_1=a' })?.data).toBe('input_1=a');
    expect(fromTrackingLog({ name: 'x', time: 't' })).toBeNull();
  });

  it('names a tracking.log line without name by its event_type', () => {
    const { name: _name, ...line } = playVideo();
    expect(one(transformToXapi({ ...line, event_type: 'play_video' }, OPTIONS)).verb.id).toBe('https://w3id.org/xapi/video/verbs/played');
  });

  it('fails with an XapiTransformError naming the reason where ERB raises', () => {
    const anonymous = failureOf(() => transformToXapi(playVideo({ context: { course_id: COURSE, user_id: null, username: '' } }), OPTIONS));
    expect([anonymous.reason, anonymous.eventName]).toEqual(['no-actor', 'play_video']);
    expect(failureOf(() => transformToXapi(playVideo(), { ...OPTIONS, actorId: () => '' })).reason).toBe('no-actor');
    const noCourse = failureOf(() => transformToXapi(playVideo({ context: { user_id: 3 } }), OPTIONS));
    expect([noCourse.reason, noCourse.message]).toEqual(['missing-field', "xAPI statement of 'play_video': the event has no 'context.course_id'"]);
    expect(failureOf(() => transformToXapi(playVideo({ timestamp: '2020-07-15T06:46:41' }), OPTIONS)).reason).toBe('invalid-value');
    expect(failureOf(() => transformToXapi(playVideo({ timestamp: undefined }), OPTIONS)).reason).toBe('missing-field');
  });

  it('gives null where ERB sends nothing: a statement without object id', () => {
    const exam = { name: 'edx.special_exam.timed.attempt.created', timestamp: '2023-09-08T15:58:04+00:00', context: { course_id: COURSE, user_id: 3 }, event: { exam_name: 'Final' } };
    expect(transformToXapi(exam, OPTIONS)).toBeNull();
    expect(one(transformToXapi({ ...exam, event: { exam_name: 'Final', exam_content_id: 'block-v1:x' } }, OPTIONS)).object.id).toBe('block-v1:x');
  });

  it('gives a problem of several questions as the problem, then each question referring to it', () => {
    const submission = (question: string, answer: unknown, correct: boolean) => ({ question, answer, response_type: 'choiceresponse', correct });
    const event = {
      name: 'problem_check',
      timestamp: '2023-08-03T06:31:39.005451+00:00',
      referer: 'https://lms.example.com/xblock/x',
      context: { course_id: COURSE, user_id: 8 },
      data: { problem_id: 'block-v1:edX+DemoX+Demo_Course+type@problem+block@p1', grade: 1, max_grade: 2, submission: { p1_2_1: submission('Q1', ['a', 'b'], true), p1_3_1: submission('Q2', { x: 1.5 }, false) } },
    };
    const statements = transformToXapi(event, OPTIONS) as XapiStatement[];
    expect(statements).toHaveLength(3);
    const [problem, ...questions] = statements as [XapiStatement, XapiStatement, XapiStatement];
    expect(problem.object.objectType).toBe('GroupActivity');
    expect(problem.result).toEqual({ score: { scaled: 0.5, raw: 1, min: 0, max: 2 }, success: true, response: '["a", "b"]' });
    expect(new Set(statements.map((statement) => statement.id)).size).toBe(3);
    expect(questions.map((question) => question.object.id)).toEqual([
      'https://lms.example.com/xblock/block-v1:edX+DemoX+Demo_Course+type@problem+block@p1_2_1',
      'https://lms.example.com/xblock/block-v1:edX+DemoX+Demo_Course+type@problem+block@p1_3_1',
    ]);
    expect(questions.map((question) => question.result)).toEqual([
      { success: true, response: '["a", "b"]' },
      { success: false, response: "{'x': 1.5}" },
    ]);
    for (const question of questions) {
      expect(question.context.statement).toEqual({ id: problem.id, objectType: 'StatementRef' });
      expect(question.context.contextActivities).toEqual({ parent: [problem.object], grouping: problem.context.contextActivities?.parent });
    }
  });

  it("writes the transformer version as eventtracking's by default", () => {
    const { version } = require('../../package.json') as { version: string };
    const extensions = one(transformToXapi(playVideo(), OPTIONS)).context.extensions;
    expect(extensions?.['https://w3id.org/xapi/openedx/extension/transformer-version']).toBe(`eventtracking@${version}`);
    const custom = one(transformToXapi(playVideo(), { ...OPTIONS, transformerVersion: 'my-service@2' })).context.extensions;
    expect(custom?.['https://w3id.org/xapi/openedx/extension/transformer-version']).toBe('my-service@2');
  });

  it('checks its options: unknown names with the nearest valid one, wrong types, required ones', () => {
    const event = playVideo();
    expect(() => transformToXapi(event, { ...OPTIONS, lmsRootURL: 'x' } as unknown as XapiTransformOptions)).toThrow(
      new OptionsError('transformToXapi', "unknown option 'lmsRootURL'; did you mean 'lmsRootUrl'?"),
    );
    expect(() => transformToXapi(event, { ...OPTIONS, actorId: 'learner' } as unknown as XapiTransformOptions)).toThrow(/option 'actorId' must be a function/);
    expect(() => transformToXapi(event, { actorId: () => 'a' } as unknown as XapiTransformOptions)).toThrow(new OptionsError('transformToXapi', "option 'lmsRootUrl' is required"));
    expect(() => transformToXapi({ name: 'nothing.known' }, { lmsRootUrl: '' } as XapiTransformOptions)).toThrow(/option 'lmsRootUrl' must be a non-empty string/);
  });
});

describe('learnerOf', () => {
  it("picks the learner as ERB does: data's user_id, data's username, then the first found elsewhere", () => {
    expect(learnerOf({ data: { user_id: 5, username: 'ann' }, context: { user_id: 1 } })).toBe(5);
    expect(learnerOf({ data: { username: 'ann' }, context: { user_id: 1 } })).toBe('ann');
    expect(learnerOf({ data: {}, context: { user_id: 1, username: 'bob' } })).toBe(1);
    expect(learnerOf({ username: 'bob', context: { user_id: null } })).toBe('bob');
    expect(learnerOf({ context: { user_id: null, username: '' } })).toBeUndefined();
  });
});
