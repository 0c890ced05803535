import { EventEmissionExit, MemoryBackend, RoutingBackend, type FailureInfo, type TrackedEvent } from '../../src';

function collectFailures(router: RoutingBackend): Array<[Error, FailureInfo]> {
  const failures: Array<[Error, FailureInfo]> = [];
  router.bindErrorReporter((error, info) => failures.push([error, info]));
  return failures;
}

const event = (): TrackedEvent => ({ name: 'edx.test', timestamp: new Date(0), data: { nested: { n: 1 } }, context: { c: 1 } });

describe('RoutingBackend', () => {
  it('runs processors in order; a returned event replaces the current one, nothing keeps it', () => {
    const seen: string[] = [];
    const sink = new MemoryBackend();
    const router = new RoutingBackend({
      backends: { sink },
      processors: [
        (e) => { seen.push(`first:${String(e.name)}`); return { ...e, name: 'replaced' }; },
        (e) => { seen.push(`second:${String(e.name)}`); e.data = 'mutated'; },
        { process: (e) => { seen.push(`third:${String(e.data)}`); } },
      ],
    });
    router.send(event());
    expect(seen).toEqual(['first:edx.test', 'second:replaced', 'third:mutated']);
    expect(sink.events[0]).toMatchObject({ name: 'replaced', data: 'mutated' });
  });

  it('calls backends in sorted-name order, whatever the registration order', () => {
    const order: string[] = [];
    const named = (name: string) => ({ send: () => { order.push(name); } });
    const router = new RoutingBackend({ backends: { tracking_logs: named('tracking_logs'), segmentio: named('segmentio') } });
    router.registerBackend('b', named('b'));
    router.send(event());
    expect(order).toEqual(['b', 'segmentio', 'tracking_logs']);
  });

  it('drops the event on its own branch only when a processor throws EventEmissionExit', () => {
    const dropped = new MemoryBackend();
    const kept = new MemoryBackend();
    const root = new RoutingBackend({
      backends: {
        a: new RoutingBackend({ backends: { dropped }, processors: [() => { throw new EventEmissionExit(); }] }),
        b: new RoutingBackend({ backends: { kept } }),
      },
    });
    const failures = collectFailures(root);
    root.send(event());
    expect(dropped.events).toHaveLength(0);
    expect(kept.events).toHaveLength(1);
    expect(failures).toEqual([]);
  });

  it('fails open by default: a processor error is reported and the chain goes on with the event as left', () => {
    const sink = new MemoryBackend();
    const router = new RoutingBackend({
      backends: { sink },
      processors: [
        function halfDone(e) { e.partial = true; throw new Error('oops'); },
        (e) => { e.after = true; },
      ],
    });
    const failures = collectFailures(router);
    router.send(event());
    expect(sink.events[0]).toMatchObject({ partial: true, after: true });
    expect(failures).toHaveLength(1);
    expect(failures[0]![1]).toEqual({ stage: 'processor', component: 'halfDone', eventName: 'edx.test' });
  });

  it('with failClosed drops the event on a processor error, and reports it', () => {
    const sink = new MemoryBackend();
    const router = new RoutingBackend({ backends: { sink }, processors: [() => { throw new Error('oops'); }], failClosed: true });
    const failures = collectFailures(router);
    router.send(event());
    expect(sink.events).toHaveLength(0);
    expect(failures[0]![0].message).toBe('oops');
  });

  it('keeps delivering to the other backends when one throws or rejects', async () => {
    const before = new MemoryBackend();
    const after = new MemoryBackend();
    const router = new RoutingBackend({
      backends: {
        a: before,
        b_throws: { send: () => { throw new Error('sync failure'); } },
        c_rejects: { send: async () => { throw new Error('async failure'); } },
        d: after,
      },
    });
    const failures = collectFailures(router);
    for (let i = 0; i < 3; i++) router.send(event());
    await router.flush();
    expect(before.events).toHaveLength(3);
    expect(after.events).toHaveLength(3);
    expect(failures.map(([e, info]) => `${info.component}:${e.message}`)).toEqual([
      'b_throws:sync failure', 'b_throws:sync failure', 'b_throws:sync failure',
      'c_rejects:async failure', 'c_rejects:async failure', 'c_rejects:async failure',
    ]);
  });

  it('gives every branch its own deep copy, at any depth', () => {
    const left = new MemoryBackend();
    const right = new MemoryBackend();
    const root = new RoutingBackend({
      backends: {
        left: new RoutingBackend({
          backends: { deeper: new RoutingBackend({ backends: { left }, processors: [(e) => { (e.data as any).nested.n = 'left'; (e.context as any).c = 'left'; }] }) },
        }),
        right: new RoutingBackend({ backends: { right } }),
      },
    });
    const original = event();
    root.send(original);
    expect((left.events[0]!.data as any).nested.n).toBe('left');
    expect(right.events[0]).toEqual(event());
    expect(original).toEqual(event());
  });

  it('refuses a backend without send and a processor that is not callable', () => {
    expect(() => new RoutingBackend({ backends: { bad: {} as never } })).toThrow(
      "RoutingBackend: option 'backends.bad' must be a backend (an object with send(event)), got {} (an object)",
    );
    expect(() => new RoutingBackend({ processors: ['nope' as never] })).toThrow(
      `RoutingBackend: option 'processors[0]' must be a processor (a function, or an object with process(event)), got "nope" (a string)`,
    );
    expect(() => new RoutingBackend().registerBackend('bad', {} as never)).toThrow("Backend 'bad' has no send(event) method");
    expect(() => new RoutingBackend().registerProcessor('nope' as never)).toThrow('processor #0 is not callable');
    const router = new RoutingBackend({ backends: { a: new MemoryBackend() } });
    expect(() => router.registerBackend('a', new MemoryBackend())).toThrow("A backend named 'a' is already registered");
  });

  it('flush waits for async backends, and close closes every backend even when one fails', async () => {
    const delivered: number[] = [];
    const closed: string[] = [];
    const slow = {
      send: (e: TrackedEvent) => new Promise<void>((resolve) => setTimeout(() => { delivered.push((e.data as any).i); resolve(); }, 20)),
      close: async () => { closed.push('slow'); },
    };
    const failing = { send: () => undefined, close: async () => { throw new Error('cannot close'); } };
    const router = new RoutingBackend({ backends: { slow, failing } });
    const failures = collectFailures(router);
    router.send({ name: 'a', data: { i: 1 } });
    router.send({ name: 'b', data: { i: 2 } });
    await router.flush();
    expect(delivered).toEqual([1, 2]);
    await router.close();
    expect(closed).toEqual(['slow']);
    expect(failures.map(([e, info]) => [info.stage, info.component, e.message])).toEqual([['close', 'failing', 'cannot close']]);
  });

  it('passes its error reporter down to nested routers and their backends', () => {
    const inner = new RoutingBackend({ backends: { broken: { send: () => { throw new Error('deep'); } } } });
    const root = new RoutingBackend({ backends: { inner } });
    const failures = collectFailures(root);
    root.send(event());
    expect(failures[0]![1]).toMatchObject({ stage: 'backend', component: 'broken' });
  });
});
