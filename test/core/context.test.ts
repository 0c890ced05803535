import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBackend, Tracker, openContextFrame } from '../../src';

function makeTracker() {
  const backend = new MemoryBackend();
  return { tracker: new Tracker({ backends: { mem: backend } }), backend };
}

describe('named contexts', () => {
  it('merges layers in entry order; a later layer wins but the key keeps its first position', () => {
    const { tracker } = makeTracker();
    openContextFrame(() => {
      tracker.enterContext('first', { a: 1, b: 1 });
      tracker.enterContext('second', { c: 2, a: 2 });
      const merged = tracker.resolveContext();
      expect(merged).toEqual({ a: 2, b: 1, c: 2 });
      expect(Object.keys(merged)).toEqual(['a', 'b', 'c']);
    });
  });

  it('returns a new object from resolveContext each time', () => {
    const { tracker } = makeTracker();
    openContextFrame(() => {
      tracker.enterContext('x', { a: 1 });
      const first = tracker.resolveContext();
      first.a = 99;
      expect(tracker.resolveContext()).toEqual({ a: 1 });
    });
  });

  it('re-entering a name replaces its fields and keeps its place (as Python)', () => {
    const { tracker } = makeTracker();
    openContextFrame(() => {
      tracker.enterContext('one', { k: 'one', only1: true });
      tracker.enterContext('two', { k: 'two' });
      tracker.enterContext('one', { k: 'one again' });
      expect(tracker.resolveContext()).toEqual({ k: 'two' });
    });
  });

  it('exitContext removes a layer and throws for a name never entered', () => {
    const { tracker } = makeTracker();
    openContextFrame(() => {
      tracker.enterContext('x', { a: 1 });
      tracker.exitContext('x');
      expect(tracker.resolveContext()).toEqual({});
      expect(() => tracker.exitContext('x')).toThrow("exitContext('x'): no context named 'x' is entered");
    });
  });

  it('context() enters for the duration of a sync fn, returns its value, and exits', () => {
    const { tracker, backend } = makeTracker();
    const result = tracker.context('scoped', { s: 1 }, () => {
      tracker.emit('inside');
      return 'value';
    });
    tracker.emit('outside');
    expect(result).toBe('value');
    expect(backend.events.map((e) => e.context)).toEqual([{ s: 1 }, {}]);
  });

  it('context() exits and rethrows when fn throws or rejects', async () => {
    const { tracker } = makeTracker();
    expect(() =>
      tracker.context('scoped', { s: 1 }, () => {
        throw new Error('sync boom');
      }),
    ).toThrow('sync boom');
    await expect(
      tracker.context('scoped', { s: 1 }, async () => {
        await sleep(1);
        throw new Error('async boom');
      }),
    ).rejects.toThrow('async boom');
    expect(tracker.resolveContext()).toEqual({});
  });

  it('keeps an async fn\'s context across awaits and exits after it', async () => {
    const { tracker, backend } = makeTracker();
    await tracker.context('scoped', { s: 2 }, async () => {
      await sleep(2);
      tracker.emit('after-await');
    });
    tracker.emit('after-context');
    expect(backend.events.map((e) => e.context)).toEqual([{ s: 2 }, {}]);
  });

  it('restores an outer layer of the same name after a nested one (Python would delete it)', () => {
    const { tracker } = makeTracker();
    tracker.context('same', { v: 'outer' }, () => {
      tracker.context('same', { v: 'inner' }, () => {
        expect(tracker.resolveContext()).toEqual({ v: 'inner' });
      });
      expect(tracker.resolveContext()).toEqual({ v: 'outer' });
    });
  });

  it('shows a frame\'s layers to contexts nested in it, and nothing of the nested ones afterwards', () => {
    const { tracker } = makeTracker();
    openContextFrame(() => {
      tracker.enterContext('request', { user: 'a' });
      tracker.context('view', { page: 'p' }, () => {
        tracker.enterContext('late', { late: true });
        expect(tracker.resolveContext()).toEqual({ user: 'a', page: 'p', late: true });
      });
      expect(tracker.resolveContext()).toEqual({ user: 'a' });
    });
  });

  it('has a process-level root outside any frame, and frames start from it', () => {
    const { tracker } = makeTracker();
    tracker.enterContext('process', { app: 'demo' });
    try {
      openContextFrame(() => {
        tracker.enterContext('request', { r: 1 });
        expect(tracker.resolveContext()).toEqual({ app: 'demo', r: 1 });
      });
      expect(tracker.resolveContext()).toEqual({ app: 'demo' });
    } finally {
      tracker.exitContext('process');
    }
  });
});

describe('isolation between concurrent async flows', () => {
  const randomWait = (): Promise<unknown> => {
    const pick = Math.floor(Math.random() * 4);
    if (pick === 0) return sleep(Math.floor(Math.random() * 5));
    if (pick === 1) return new Promise((resolve) => setImmediate(resolve));
    if (pick === 2) return Promise.resolve().then(() => undefined);
    return new Promise((resolve) => process.nextTick(resolve));
  };

  it('gives each of 250 concurrent flows only its own contexts', async () => {
    const { tracker, backend } = makeTracker();
    const flows = Array.from({ length: 250 }, (_, id) =>
      new Promise<void>((resolve, reject) => {
        // Start each flow from a timer callback, as a server starts a request.
        setTimeout(() => {
          openContextFrame(async () => {
            tracker.enterContext('request', { flow: id });
            await randomWait();
            await tracker.context('view', { view: id }, async () => {
              await randomWait();
              tracker.emit('inside', { flow: id });
              await randomWait();
            });
            await randomWait();
            tracker.emit('after', { flow: id });
            tracker.exitContext('request');
          }).then(resolve, reject);
        }, Math.floor(Math.random() * 3));
      }),
    );
    await Promise.all(flows);
    expect(backend.events).toHaveLength(500);
    for (const event of backend.events) {
      const flow = (event.data as { flow: number }).flow;
      if (event.name === 'inside') expect(event.context).toEqual({ flow, view: flow });
      else expect(event.context).toEqual({ flow });
    }
    expect(tracker.resolveContext()).toEqual({});
  });

  it('keeps a flow\'s context in stream callbacks', async () => {
    const { tracker, backend } = makeTracker();
    await Promise.all(
      [1, 2, 3].map((id) =>
        openContextFrame(
          () =>
            new Promise<void>((resolve) => {
              tracker.enterContext('request', { id });
              const stream = createReadStream(__filename);
              stream.on('data', () => undefined);
              stream.on('end', () => {
                tracker.emit('read');
                resolve();
              });
            }),
        ),
      ),
    );
    expect(backend.events.map((e) => e.context!.id).sort()).toEqual([1, 2, 3]);
  });
});
