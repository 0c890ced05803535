// Tracker.prepareEmit and ContextFrame.held: an event built now and sent later, and an
// event a flow holds back until its next event (the request middleware's page event).
import { asyncContextLocator, MemoryBackend, openContextFrame, openRequestFrame, Tracker, type FailureInfo } from '../../src';

const T0 = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));

function setup(): { tracker: Tracker; memory: MemoryBackend; failures: Array<[string, FailureInfo]> } {
  let ticks = 0;
  const memory = new MemoryBackend();
  const failures: Array<[string, FailureInfo]> = [];
  const tracker = new Tracker({
    backends: { memory },
    clock: () => new Date(T0.getTime() + ticks++),
    onError: (error, info) => failures.push([error.message, info]),
  });
  return { tracker, memory, failures };
}

describe('Tracker.prepareEmit', () => {
  it("builds the event with this moment's timestamp and context, and sends it once, when told", () => {
    const { tracker, memory } = setup();
    const send = tracker.context('layer', { at: 'prepare' }, () => tracker.prepareEmit('held', { a: 1 }));
    tracker.emit('first');
    expect(memory.events.map((event) => event.name)).toEqual(['first']);
    send();
    send();
    expect(memory.events.map((event) => [event.name, event.timestamp, event.context])).toEqual([
      ['first', new Date(T0.getTime() + 1), {}],
      ['held', T0, { at: 'prepare' }],
    ]);
    expect(tracker.stats.emitted).toBe(2);
  });

  it('applies the defaults of emit: a falsy name is unknown, falsy data {}', () => {
    const { tracker, memory } = setup();
    tracker.prepareEmit(null, '')();
    expect(memory.events.map((event) => [event.name, event.data])).toEqual([['unknown', {}]]);
  });

  it('reports, not throws, an event sent after close or one that could not be built', () => {
    const { tracker, failures } = setup();
    const late = tracker.prepareEmit('late', {});
    const broken = new Tracker({ clock: () => { throw new Error('no clock'); }, onError: (error, info) => failures.push([error.message, info]) });
    const unbuilt = broken.prepareEmit('unbuilt', {});
    void tracker.close();
    expect(() => late()).not.toThrow();
    expect(() => unbuilt()).not.toThrow();
    expect(failures).toEqual([
      ['the tracker is closed; the event was not sent', { stage: 'emit', eventName: 'late' }],
      ['no clock', { stage: 'emit', eventName: 'unbuilt' }],
    ]);
  });
});

describe('ContextFrame.held', () => {
  it('is sent before the next event emitted in the flow, or in a flow started from it, once', async () => {
    const { tracker, memory } = setup();
    await openRequestFrame(async () => {
      // A HeldEvent sends once, whoever releases it: the frame and the frames made from it share it.
      asyncContextLocator.current().held = { release: tracker.prepareEmit('held', {}) };
      await openContextFrame(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        tracker.context('inner', {}, () => tracker.emit('inner'));
      });
      tracker.emit('after');
    });
    expect(memory.events.map((event) => event.name)).toEqual(['held', 'inner', 'after']);
  });

  it('is not sent by the events of another flow, nor inherited by flows started from the process root', async () => {
    const { tracker, memory } = setup();
    let release = (): void => undefined;
    const waiting = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = openRequestFrame(async () => {
      asyncContextLocator.current().held = { release: tracker.prepareEmit('held', {}) };
      await waiting;
    });
    await openRequestFrame(async () => {
      tracker.emit('other.request');
    });
    tracker.emit('process.level');
    expect(asyncContextLocator.root().child().held).toBeUndefined();
    release();
    await first;
    expect(memory.events.map((event) => event.name)).toEqual(['other.request', 'process.level']);
  });
});
