import { MemoryBackend, Tracker, type FailureInfo, type TrackedEvent } from '../../src';
import { emit, findTracker, getTracker, registerTracker, tracker as trackerApi, unregisterTracker } from '../../src/core/registry';

const FROZEN = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));

function makeTracker(extra: Partial<ConstructorParameters<typeof Tracker>[0]> = {}) {
  const backend = new MemoryBackend();
  const failures: Array<[Error, FailureInfo]> = [];
  const tracker = new Tracker({
    backends: { mem: backend },
    clock: () => FROZEN,
    onError: (error, info) => failures.push([error, info]),
    ...extra,
  });
  return { tracker, backend, failures };
}

describe('Tracker.emit', () => {
  it('builds {name, timestamp, data, context} from the arguments and the entered contexts', () => {
    const { tracker, backend } = makeTracker();
    tracker.enterContext('outer', { user_id: 7, course_id: 'a/b/c' });
    try {
      tracker.emit('edx.test', { answer: 42 });
    } finally {
      tracker.exitContext('outer');
    }
    expect(backend.events).toEqual([
      { name: 'edx.test', timestamp: FROZEN, data: { answer: 42 }, context: { user_id: 7, course_id: 'a/b/c' } },
    ]);
    expect(Object.keys(backend.events[0]!)).toEqual(['name', 'timestamp', 'data', 'context']);
  });

  it.each([[undefined], [null], ['']])('names an event with falsy name %p "unknown"', (name) => {
    const { tracker, backend } = makeTracker();
    tracker.emit(name, { a: 1 });
    expect(backend.events[0]!.name).toBe('unknown');
  });

  it.each([[undefined], [null], [''], [0], [false], [[]], [{}]])('turns falsy data %p into {}', (data) => {
    const { tracker, backend } = makeTracker();
    tracker.emit('x', data);
    expect(backend.events[0]!.data).toEqual({});
  });

  it.each([['text'], [[1]], [5], [true], [{ a: undefined }]])('keeps truthy data %p as given', (data) => {
    const { tracker, backend } = makeTracker();
    tracker.emit('x', data);
    expect(backend.events[0]!.data).toEqual(data);
  });

  it('hands backends a copy, so the caller mutating its data afterwards changes nothing', () => {
    const { tracker, backend } = makeTracker();
    const data = { nested: { value: 1 } };
    tracker.emit('x', data);
    data.nested.value = 2;
    expect(backend.events[0]!.data).toEqual({ nested: { value: 1 } });
  });

  it('timestamps with the system clock, to the microsecond where available', () => {
    const backend = new MemoryBackend();
    const tracker = new Tracker({ backends: { mem: backend } });
    const before = Date.now();
    tracker.emit('x');
    const stamp = backend.events[0]!.timestamp as Date & { microsecond: number };
    expect(stamp).toBeInstanceOf(Date);
    expect(stamp.getTime()).toBeGreaterThanOrEqual(before);
    expect(stamp.getTime()).toBeLessThanOrEqual(Date.now());
    expect(stamp.microsecond).toBeGreaterThanOrEqual(0);
    expect(stamp.microsecond).toBeLessThan(1000);
  });

  it('never throws: a circular payload is reported and counted', () => {
    const { tracker, backend, failures } = makeTracker();
    const data: Record<string, unknown> = {};
    data.self = data;
    expect(() => tracker.emit('loop', data)).not.toThrow();
    expect(backend.events).toHaveLength(0);
    expect(failures).toHaveLength(1);
    expect(failures[0]![0].message).toMatch(/Circular/);
    expect(failures[0]![1]).toMatchObject({ stage: 'emit', eventName: 'loop' });
    expect(tracker.stats).toEqual({ emitted: 1, failures: 1 });
  });

  it('never throws when onError itself throws', () => {
    const tracker = new Tracker({
      processors: [() => { throw new Error('processor broke'); }],
      onError: () => { throw new Error('reporter broke too'); },
    });
    expect(() => tracker.emit('x')).not.toThrow();
    expect(tracker.stats.failures).toBe(1);
  });

  it('reports by default with one concise stderr line', () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const tracker = new Tracker({ backends: { broken: { send: () => { throw new Error('disk on fire'); } } } });
      tracker.emit('edx.x');
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]![0]).toBe("eventtracking: backend 'broken' failed (event 'edx.x'): disk on fire");
    } finally {
      spy.mockRestore();
    }
  });

  it('reports emits after close instead of sending them', async () => {
    const { tracker, backend, failures } = makeTracker();
    await tracker.close();
    tracker.emit('late');
    expect(backend.events).toHaveLength(0);
    expect(failures[0]![0].message).toMatch(/closed/);
  });
});

describe('Tracker backends and processors', () => {
  it('exposes its backends in sorted-name order and finds them by name', () => {
    const a = new MemoryBackend();
    const b = new MemoryBackend();
    const tracker = new Tracker({ backends: { zeta: b, alpha: a } });
    expect([...tracker.backends.keys()]).toEqual(['alpha', 'zeta']);
    expect(tracker.getBackend('zeta')).toBe(b);
    expect(() => tracker.getBackend('nope')).toThrow("No backend named 'nope'; registered: alpha, zeta");
  });

  it('runs root processors before the backends', () => {
    const { tracker, backend } = makeTracker({ processors: [(event: TrackedEvent) => ({ ...event, name: 'renamed' })] });
    tracker.emit('original');
    expect(backend.events[0]!.name).toBe('renamed');
    expect(tracker.processors).toHaveLength(1);
  });
});

describe('the default-tracker registry', () => {
  afterEach(() => unregisterTracker());

  it('emits through the registered default tracker', () => {
    const { tracker, backend } = makeTracker();
    registerTracker(tracker);
    emit('via.module', { n: 1 });
    trackerApi.emit('via.namespace');
    expect(backend.events.map((e) => e.name)).toEqual(['via.module', 'via.namespace']);
    expect(getTracker()).toBe(tracker);
    expect(trackerApi.getTracker()).toBe(tracker);
  });

  it('keeps named trackers apart from the default', () => {
    const { tracker } = makeTracker();
    trackerApi.registerTracker(tracker, 'other');
    try {
      expect(getTracker('other')).toBe(tracker);
      expect(findTracker()).toBeUndefined();
    } finally {
      unregisterTracker('other');
    }
  });

  it('has the context methods of the default tracker, as the README uses them', async () => {
    const { tracker, backend } = makeTracker();
    registerTracker(tracker);
    const result = await trackerApi.context('edx.course.browser', { course_id: 'a/b/c' }, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      trackerApi.emit('inside');
      return trackerApi.resolveContext();
    });
    expect(result).toEqual({ course_id: 'a/b/c' });
    trackerApi.enterContext('job', { job_id: 7 });
    trackerApi.emit('entered');
    trackerApi.exitContext('job');
    trackerApi.emit('exited');
    expect(backend.events.map((e) => [e.name, e.context])).toEqual([
      ['inside', { course_id: 'a/b/c' }],
      ['entered', { job_id: 7 }],
      ['exited', {}],
    ]);
    await expect(trackerApi.flush()).resolves.toBeUndefined();
    await trackerApi.close();
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      trackerApi.emit('after.close');
    } finally {
      spy.mockRestore();
    }
    expect(backend.events).toHaveLength(3);
  });

  it('refuses the context methods without a default tracker, naming the fix', async () => {
    expect(() => trackerApi.context('x', {}, () => 1)).toThrow(/No tracker is registered as 'default'/);
    expect(() => trackerApi.resolveContext()).toThrow(/registerTracker\(tracker\)/);
    await expect(trackerApi.close()).rejects.toThrow(/No tracker is registered as 'default'/);
  });

  it('explains how to register a tracker when none is', () => {
    expect(() => getTracker()).toThrow(/No tracker is registered as 'default'.*registerTracker\(tracker\)/);
    expect(() => getTracker('x')).toThrow(/registerTracker\(tracker, 'x'\)/);
  });

  it('does not throw from module-level emit without a tracker, but says so', () => {
    const spy = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => emit('lost')).not.toThrow();
      expect(spy.mock.calls[0]![0]).toMatch(/No tracker is registered as 'default'/);
    } finally {
      spy.mockRestore();
    }
  });
});
