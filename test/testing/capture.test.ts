import { AssertionError } from 'node:assert';
import { MemoryBackend } from '../../src/backends/memory';
import { LegacyFieldMappingProcessor } from '../../src/processors/legacy-field-mapping';
import { emit, findTracker, getTracker, registerTracker, unregisterTracker } from '../../src/core/registry';
import { formatIsoTime } from '../../src/encoding/timestamp';
import { OptionsError } from '../../src/core/options';
import { Tracker } from '../../src/core/tracker';
import { FROZEN_TIME, assertEventMatches, captureEvents, type EventCapture } from '../../src/testing';

let capture: EventCapture | undefined;

afterEach(() => {
  capture?.restore();
  capture = undefined;
  unregisterTracker();
  unregisterTracker('other');
});

describe('FROZEN_TIME', () => {
  it("is Open edX's frozen test time", () => {
    expect(formatIsoTime(FROZEN_TIME)).toBe('2013-10-03T08:24:55+00:00');
  });
});

describe('captureEvents', () => {
  it('registers a tracker whose memory backend "mem" receives what emit() sends, raw', () => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
    expect(getTracker()).toBe(capture.tracker);
    expect(capture.tracker.getBackend('mem')).toBe(capture.backend);
    expect([...capture.tracker.backends.keys()]).toEqual(['mem']);
    emit('edx.test.first', { a: 1 });
    expect(capture.events).toHaveLength(1);
    expect(capture.events).toBe(capture.backend.events);
    assertEventMatches({ name: 'edx.test.first', timestamp: FROZEN_TIME, data: { a: 1 }, context: {} }, capture.getEvent());
    expect(Object.keys(capture.getEvent())).toEqual(['name', 'timestamp', 'data', 'context']);
  });

  it('stamps events with the frozen clock', () => {
    capture = captureEvents({ clock: () => FROZEN_TIME });
    emit('edx.test', {});
    const timestamp = capture.getEvent().timestamp as Date;
    expect(timestamp).toBeInstanceOf(Date);
    expect(timestamp.getTime()).toBe(FROZEN_TIME.getTime());
    expect(JSON.stringify(timestamp)).toBe('"2013-10-03T08:24:55+00:00"');
  });

  it('uses the system clock by default', () => {
    capture = captureEvents();
    const before = Date.now();
    emit('edx.test', {});
    const timestamp = (capture.getEvent().timestamp as Date).getTime();
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('runs the given processors, in order, before capturing', () => {
    const order: string[] = [];
    capture = captureEvents({
      processors: [
        (event) => {
          order.push('first');
          return { ...event, data: { ...(event.data as object), tagged: true } };
        },
        new LegacyFieldMappingProcessor(),
      ],
      clock: () => FROZEN_TIME,
    });
    emit('edx.test', { a: 1 });
    expect(order).toEqual(['first']);
    assertEventMatches({ event_type: 'edx.test', name: 'edx.test', event: { a: 1, tagged: true } }, capture.getEvent());
  });

  it('keeps `events` live across emits and reset()', () => {
    capture = captureEvents();
    const { events } = capture;
    emit('one');
    emit('two');
    expect(events.map((event) => event.name)).toEqual(['one', 'two']);
    capture.reset();
    expect(events).toHaveLength(0);
    expect(capture.events).toBe(events);
    emit('three');
    expect(events.map((event) => event.name)).toEqual(['three']);
  });
});

describe('getEvent', () => {
  it('returns the first event by default, by index otherwise, negative from the end', () => {
    capture = captureEvents();
    emit('one');
    emit('two');
    emit('three');
    expect(capture.getEvent().name).toBe('one');
    expect(capture.getEvent(1).name).toBe('two');
    expect(capture.getEvent(-1).name).toBe('three');
  });

  it('throws a RangeError saying how many events were captured', () => {
    capture = captureEvents();
    expect(() => capture!.getEvent()).toThrow(new RangeError('No captured event at index 0: no event was captured'));
    emit('one');
    emit('two');
    expect(() => capture!.getEvent(2)).toThrow(/index 2: 2 events were captured/);
    expect(() => capture!.getEvent(-3)).toThrow(RangeError);
    expect(() => capture!.getEvent(0.5)).toThrow(RangeError);
  });
});

describe('assertNoEventsEmitted / assertEventsEmitted', () => {
  it('passes and fails according to whether anything was captured', () => {
    capture = captureEvents();
    expect(() => capture!.assertNoEventsEmitted()).not.toThrow();
    expect(() => capture!.assertEventsEmitted()).toThrow(AssertionError);
    expect(() => capture!.assertEventsEmitted()).toThrow(/at least one event/);
    emit('edx.test.one');
    expect(() => capture!.assertEventsEmitted()).not.toThrow();
    expect(() => capture!.assertNoEventsEmitted()).toThrow(AssertionError);
    expect(() => capture!.assertNoEventsEmitted()).toThrow(/1 event was captured: "edx.test.one"/);
  });
});

describe('restore', () => {
  it('re-registers the tracker that was registered before', () => {
    const previousBackend = new MemoryBackend();
    const previous = new Tracker({ backends: { mem: previousBackend } });
    registerTracker(previous);
    capture = captureEvents();
    emit('while capturing');
    expect(previousBackend.events).toHaveLength(0);
    capture.restore();
    expect(findTracker()).toBe(previous);
    emit('after');
    expect(previousBackend.events.map((event) => event.name)).toEqual(['after']);
    expect(capture.events.map((event) => event.name)).toEqual(['while capturing']);
  });

  it('unregisters the name when nothing was registered, and is idempotent', () => {
    capture = captureEvents();
    capture.restore();
    expect(findTracker()).toBeUndefined();
    const later = new Tracker();
    registerTracker(later);
    capture.restore();
    expect(findTracker()).toBe(later);
  });

  it('restores nested captures in reverse order', () => {
    const outer = captureEvents();
    const inner = captureEvents();
    emit('inner');
    inner.restore();
    emit('outer');
    outer.restore();
    expect(inner.events.map((event) => event.name)).toEqual(['inner']);
    expect(outer.events.map((event) => event.name)).toEqual(['outer']);
    expect(findTracker()).toBeUndefined();
  });

  it('replaces only the named tracker when given a name', () => {
    const main = new Tracker();
    registerTracker(main);
    capture = captureEvents({ name: 'other' });
    expect(getTracker('other')).toBe(capture.tracker);
    expect(getTracker()).toBe(main);
    getTracker('other').emit('edx.other');
    expect(capture.getEvent().name).toBe('edx.other');
    capture.restore();
    expect(findTracker('other')).toBeUndefined();
    expect(getTracker()).toBe(main);
  });

  it('refuses a misspelled option, naming the right one, and registers nothing', () => {
    const main = new Tracker();
    registerTracker(main);
    expect(() => captureEvents({ clok: () => FROZEN_TIME } as never)).toThrow(
      new OptionsError('captureEvents', "unknown option 'clok'; did you mean 'clock'?"),
    );
    expect(() => captureEvents({ processor: [new LegacyFieldMappingProcessor()] } as never)).toThrow(
      "captureEvents: unknown option 'processor'; did you mean 'processors'?",
    );
    expect(getTracker()).toBe(main);
  });

  it('refuses an option of the wrong type, naming the expected one', () => {
    expect(() => captureEvents({ name: 42 } as never)).toThrow(
      "captureEvents: option 'name' must be a non-empty string, got 42 (a number)",
    );
    expect(() => captureEvents({ processors: new LegacyFieldMappingProcessor() } as never)).toThrow(
      /^captureEvents: option 'processors' must be an array of items that are each a processor/,
    );
    expect(findTracker()).toBeUndefined();
  });
});
