import { MemoryBackend } from '../../src/backends/memory';
import { OptionsError } from '../../src/core/options';
import { Tracker } from '../../src/core/tracker';
import { defineEvent, EventDefinitionError, nameConventionProblem, registerEvents, Type, type EventProblem } from '../../src/events';

const declaration = {
  name: 'edx.course.enrollment.activated' as const,
  description: 'A learner enrolled in a course.',
  owner: 'enrollments',
  data: Type.Object({
    course_id: Type.String({ description: 'The course key.' }),
    user_id: Type.Integer(),
    tags: Type.Optional(Type.Array(Type.String())),
  }),
  example: { course_id: 'course-v1:edX+DemoX+Demo_Course', user_id: 7 },
  emittedFrom: ['server'] as const,
};
const activated = defineEvent(declaration);

function setup(validation: 'off' | 'warn' | 'throw', strict = false) {
  const backend = new MemoryBackend();
  const tracker = new Tracker({ backends: { mem: backend } });
  const reported: EventProblem[][] = [];
  const events = registerEvents([activated], { validation, strict, tracker, onProblem: (problems) => reported.push(problems) });
  return { backend, tracker, events, reported };
}

describe('defineEvent', () => {
  it('refuses an example that does not match the schema, naming the path', () => {
    expect(() =>
      defineEvent({ ...declaration, name: 'edx.course.enrollment.deactivated', example: { course_id: 5, user_id: 1 } as never }),
    ).toThrow(/defineEvent\("edx.course.enrollment.deactivated"\): the example does not match the schema: \/course_id Expected string/);
  });

  it('refuses a missing description, an unknown field and an unknown source', () => {
    expect(() => defineEvent({ ...declaration, description: ' ' })).toThrow(OptionsError);
    expect(() => defineEvent({ ...declaration, descripton: 'x' } as never)).toThrow(/unknown field 'descripton'/);
    expect(() => defineEvent({ ...declaration, emittedFrom: ['cli'] as never })).toThrow(/'server', 'browser', 'mobile', 'job'/);
  });

  it('warns at definition time, with the reason, when the name breaks the convention', () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const definition = defineEvent({ ...declaration, name: 'edx.video.play' });
      expect(definition.nameWarning).toBe("the last word 'play' should be a past-tense verb (e.g. 'played'): an event records what happened");
      expect(emitWarning.mock.calls).toEqual([
        [`event name 'edx.video.play' breaks the naming convention: ${definition.nameWarning}`, { code: 'EVENTTRACKING_EVENT_NAME' }],
      ]);
      expect(activated.nameWarning).toBeUndefined();
    } finally {
      emitWarning.mockRestore();
    }
  });
});

describe('nameConventionProblem', () => {
  it.each([
    ['edx.course.enrollment.activated', undefined],
    ['edx.ui.lms.link_clicked', undefined],
    ['edx.forum.thread.written', undefined],
    ['edx.video.play', /past-tense verb \(e.g. 'played'\)/],
    ['edx.bookmark.remove', /e.g. 'removed'/],
    ['problem_check', /1 dot-separated part;/],
    ['edx.Course.enrolled', /'Course' is not a lower-case word/],
  ])('%s', (name, expected) => {
    const problem = nameConventionProblem(name);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('registerEvents', () => {
  it('refuses two definitions of one name and unknown options (with the nearest name)', () => {
    expect(() => registerEvents([activated, activated])).toThrow("registerEvents: the event 'edx.course.enrollment.activated' is defined twice");
    expect(() => registerEvents([activated], { validaton: 'warn' } as never)).toThrow(/did you mean 'validation'/);
    expect(() => registerEvents([activated], { validation: 'loud' as never })).toThrow(/one of "off", "warn", "throw"/);
  });

  it('emits through the tracker, checking nothing when validation is off', () => {
    const { backend, events, reported } = setup('off');
    events.emit('edx.course.enrollment.activated', { course_id: 1 } as never);
    expect(backend.events.map((e) => e.data)).toEqual([{ course_id: 1 }]);
    expect(reported).toEqual([]);
  });

  it('reports every problem with its path in warn mode, and still sends the event', () => {
    const { backend, events, reported } = setup('warn');
    events.emit('edx.course.enrollment.activated', { course_id: 1, user_id: 'x', tags: ['a', 2] } as never);
    expect(backend.events).toHaveLength(1);
    expect(reported).toEqual([
      [
        { event: 'edx.course.enrollment.activated', path: '/course_id', message: 'Expected string' },
        { event: 'edx.course.enrollment.activated', path: '/user_id', message: 'Expected integer' },
        { event: 'edx.course.enrollment.activated', path: '/tags/1', message: 'Expected string' },
      ],
    ]);
  });

  it('throws an EventDefinitionError in throw mode and sends nothing', () => {
    const { backend, events } = setup('throw');
    let thrown: unknown;
    try {
      events.emit('edx.course.enrollment.activated', { course_id: 'c' } as never);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EventDefinitionError);
    expect((thrown as Error).message).toBe("'edx.course.enrollment.activated' does not match its definition: /user_id Expected required property");
    expect(backend.events).toEqual([]);
    events.emit('edx.course.enrollment.activated', { course_id: 'c', user_id: 3 });
    expect(backend.events).toHaveLength(1);
  });

  it('checks tracker events and tracking.log events, and undeclared names only when strict', () => {
    const { events } = setup('warn');
    const strict = setup('warn', true).events;
    expect(events.check({ name: 'edx.course.enrollment.activated', data: { course_id: 'c', user_id: 1 } })).toEqual([]);
    expect(events.check({ event_type: 'edx.course.enrollment.activated', event: '{"course_id":"c","user_id":1.5}' })).toEqual([
      { event: 'edx.course.enrollment.activated', path: '/user_id', message: 'Expected integer' },
    ]);
    expect(events.check({ name: 'edx.other.thing.happened', data: {} })).toEqual([]);
    expect(strict.check({ name: 'edx.other.thing.happened', data: {} })).toEqual([
      { event: 'edx.other.thing.happened', path: '', message: 'the event is not declared (strict mode)' },
    ]);
  });

  it('as a processor, checks events emitted with the untyped emit; a throw goes to onError, not the caller, and the event goes on', () => {
    const failures: string[] = [];
    const backend = new MemoryBackend();
    const tracker = new Tracker({ backends: { mem: backend }, onError: (error) => failures.push(error.message) });
    const events = registerEvents([activated], { validation: 'throw', tracker });
    tracker.registerProcessor(events.processor());
    expect(() => tracker.emit('edx.course.enrollment.activated', { course_id: 'c', user_id: 'u' })).not.toThrow();
    expect(failures).toEqual(["'edx.course.enrollment.activated' does not match its definition: /user_id Expected integer"]);
    expect(backend.events).toHaveLength(1);
  });

  it('defaults to off under NODE_ENV=production and to warn otherwise', () => {
    const saved = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(registerEvents([activated]).validation).toBe('off');
      process.env.NODE_ENV = 'development';
      expect(registerEvents([activated]).validation).toBe('warn');
    } finally {
      process.env.NODE_ENV = saved;
    }
  });
});
