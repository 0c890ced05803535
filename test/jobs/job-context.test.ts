// captureContext / runWithContext without a queue: what is carried, what a captured
// value from a queue may hold (it is hostile until checked), and the frame each run gets.
import { emit, MemoryBackend, OptionsError, taskTrack, Tracker } from '../../src';
import { captureContext, CARRIED_FIELDS, runWithContext } from '../../src/jobs';
import { captureEvents, FROZEN_TIME, type EventCapture } from '../../src/testing';

const REQUEST = { user_id: 7, username: 'alice', course_id: 'course-v1:Org+C+R', org_id: 'Org', ip: '203.0.113.9', agent: 'Mozilla/5.0', session: 'abc' };

describe('captureContext and runWithContext', () => {
  let capture: EventCapture;
  beforeEach(() => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
  });
  afterEach(() => capture.restore());

  it('captures nothing outside a request', () => {
    expect(captureContext()).toBeNull();
  });

  it('captures the request fields as JSON scalars, leaving out other layers and values', () => {
    const captured = runWithContext({ v: 1, context: REQUEST }, () =>
      capture.tracker.context('app', { secret_token: 'x', course_id: 'course-v1:Org+Other+R' }, () => captureContext()),
    );
    expect(captured).toEqual({ v: 1, context: { ...REQUEST, course_id: 'course-v1:Org+Other+R' } });
    expect(JSON.parse(JSON.stringify(captured))).toEqual(captured);
  });

  it('gives the events of fn the captured context, and returns what fn returns (sync and async)', async () => {
    expect(runWithContext({ v: 1, context: REQUEST }, () => (emit('job.sync'), 1))).toBe(1);
    await expect(runWithContext({ v: 1, context: REQUEST }, async () => (await Promise.resolve(), emit('job.async'), 2))).resolves.toBe(2);
    expect(capture.events.map((event) => event.context)).toEqual([REQUEST, REQUEST]);
  });

  it('runs fn without a request context for null, and outside fn nothing is left entered', () => {
    runWithContext(null, () => emit('cron.job'));
    expect(capture.getEvent().context).toEqual({});
    runWithContext({ v: 1, context: REQUEST }, () => undefined);
    expect(capture.tracker.resolveContext()).toEqual({});
  });

  it('keeps two runs apart however their awaits interleave', async () => {
    const run = (name: string) =>
      runWithContext({ v: 1, context: { username: name } }, async () => {
        await new Promise((resolve) => setTimeout(resolve, name === 'a' ? 10 : 1));
        emit('job', { name });
      });
    await Promise.all([run('a'), run('b')]);
    for (const event of capture.events) expect(event.context?.username).toBe((event.data as { name: string }).name);
  });

  describe('a captured value from a queue', () => {
    it('drops prototype keys and never pollutes Object.prototype', () => {
      const hostile = JSON.parse('{"v":1,"context":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"username":"alice"}}') as unknown;
      runWithContext(hostile, () => emit('job'));
      expect(capture.getEvent().context).toEqual({ username: 'alice' });
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect(Object.getPrototypeOf(capture.getEvent().context)).toBe(Object.prototype);
    });

    it('drops unknown fields and values that are not JSON scalars, and cuts huge strings', () => {
      const context = { username: 'a'.repeat(1_000_000), user_id: { $gt: 0 }, ip: ['1.2.3.4'], course_id: Infinity, event_source: 'server', is_admin: true, referer: null };
      runWithContext({ v: 1, context }, () => emit('job'));
      expect(capture.getEvent().context).toEqual({ username: 'a'.repeat(2048), referer: null });
    });

    it('does not run getters of the captured value', () => {
      const context = Object.defineProperty({}, 'username', {
        enumerable: true,
        get() {
          throw new Error('a getter ran');
        },
      });
      runWithContext({ v: 1, context }, () => emit('job'));
      expect(capture.getEvent().context).toEqual({});
    });

    it.each([['a string', 'alice'], ['an array', [REQUEST]], ['no version', { context: REQUEST }], ['another version', { v: 2, context: REQUEST }], ['a context that is a class instance', { v: 1, context: new Map() }]])(
      'is refused when it is %s: reported, and fn runs without context',
      (_kind, captured) => {
        const failures: string[] = [];
        const tracker = new Tracker({ backends: { mem: new MemoryBackend() }, onError: (error) => failures.push(error.message) });
        expect(runWithContext(captured, () => tracker.resolveContext(), { tracker })).toEqual({});
        expect(failures).toEqual(['a captured context must be what captureContext() returned ({ v: 1, context: {...} }); the job runs without one']);
      },
    );

    it('carries extraFields when asked, and honours maxValueLength', () => {
      runWithContext({ v: 1, context: { tenant: 'north', username: 'bob' } }, () => emit('job'), { extraFields: ['tenant'], maxValueLength: 2 });
      expect(capture.getEvent().context).toEqual({ tenant: 'no', username: 'bo' });
    });
  });

  it('lists the edx.request fields it carries', () => {
    expect(CARRIED_FIELDS).toEqual(['session', 'user_id', 'username', 'ip', 'host', 'agent', 'path', 'referer', 'accept_language', 'client_id', 'course_id', 'org_id', 'enterprise_uuid']);
  });

  it('refuses unknown options with the nearest valid one', () => {
    expect(() => captureContext({ extraField: ['x'] } as never)).toThrow(OptionsError);
    expect(() => runWithContext(null, () => 1, { contextname: 'x' } as never)).toThrow("jobContext: unknown option 'contextname'; did you mean 'contextName'?");
  });
});

describe("a captured context as task_track's request info", () => {
  it('gives taskTrack the username, ip, agent and host of the request', () => {
    const capture = captureEvents({ clock: () => FROZEN_TIME });
    try {
      const captured = runWithContext({ v: 1, context: { ...REQUEST, host: 'lms.example.com' } }, () => captureContext());
      taskTrack(captured?.context, { task_id: 'rescore-17' }, 'problem_rescore', { problem: 'p1' });
      expect(capture.getEvent()).toMatchObject({
        name: 'problem_rescore',
        data: { problem: 'p1', task_id: 'rescore-17' },
        context: { username: 'alice', ip: '203.0.113.9', agent: 'Mozilla/5.0', host: 'lms.example.com', event_source: 'task' },
      });
    } finally {
      capture.restore();
    }
  });
});
