import { AssertionError } from 'node:assert';
import { MemoryBackend } from '../backends/memory';
import { defineOptions, option, type OptionsOf } from '../core/options';
import { DEFAULT_TRACKER_NAME, findTracker, registerTracker, unregisterTracker } from '../core/registry';
import { processorsOption } from '../core/routing';
import { Tracker } from '../core/tracker';
import type { TrackedEvent } from '../core/types';
import { describeProblems, type EventProblem } from '../events/report';
import { EventRegistry } from '../events/registry';

/**
 * Open edX's frozen test time, `2013-10-03T08:24:55+00:00` (`FROZEN_TIME` of
 * `EventTrackingTestCase`). Pass `clock: () => FROZEN_TIME` to {@link captureEvents}
 * to give every event this timestamp. Do not mutate it.
 */
export const FROZEN_TIME: Date = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));

const captureEventsOptions = defineOptions('captureEvents', {
  /**
   * Processors the capturing tracker runs before its memory backend, e.g.
   * `[new LegacyFieldMappingProcessor()]` to capture `tracking.log`-shaped events.
   * Default: none, so the captured events are raw (`name`, `timestamp`, `data`, `context`).
   */
  processors: processorsOption,
  /** The clock for event timestamps; `() => FROZEN_TIME` freezes it. Default: the system clock. */
  clock: option.function<() => Date>(),
  /** The registry name the capturing tracker replaces. Default: `'default'` (the tracker `emit` uses). */
  name: option.string({ nonEmpty: true }),
  /**
   * Checks every event emitted during the capture against its definition in this
   * registry (undeclared names too when the registry is strict), whatever the registry's
   * own validation mode: the problems gather in {@link EventCapture.definitionProblems},
   * and {@link EventCapture.restore} throws an `AssertionError` listing them, so a test
   * fails when the code drifts from the declared events. Default: no check.
   */
  validateWith: option.instance<EventRegistry>('an EventRegistry (from registerEvents)', (value) => value instanceof EventRegistry),
});

/** Options of {@link captureEvents}. */
export type CaptureEventsOptions = OptionsOf<typeof captureEventsOptions.fields>;

/**
 * Events captured by {@link captureEvents}: the counterpart of Open edX's
 * `EventTrackingTestCase`.
 */
export interface EventCapture {
  /** The capturing tracker, registered under the capture's name until {@link EventCapture.restore}. */
  readonly tracker: Tracker;
  /** The memory backend, registered in {@link EventCapture.tracker} as `'mem'`. */
  readonly backend: MemoryBackend;
  /** The events captured so far, oldest first; the backend's own array, so it stays current. */
  readonly events: TrackedEvent[];
  /**
   * The event at `index` (negative counts from the end, as in Python). Throws a
   * `RangeError` saying how many events were captured when there is no such event.
   *
   * @param index - Default: 0, the first event.
   */
  getEvent(index?: number): TrackedEvent;
  /** Throws an `AssertionError` (naming the events) when any event was captured. */
  assertNoEventsEmitted(): void;
  /** Throws an `AssertionError` when no event was captured. */
  assertEventsEmitted(): void;
  /** The problems of the events captured so far against their definitions (with the option `validateWith`). */
  readonly definitionProblems: EventProblem[];
  /** Forgets the events captured so far, and their definition problems. */
  reset(): void;
  /**
   * Puts back the tracker that was registered under the capture's name before (or
   * unregisters the name when there was none). Calling it again does nothing. Restore
   * nested captures in reverse order. With the option `validateWith`, then throws an
   * `AssertionError` listing every definition problem found since the last `reset()`.
   */
  restore(): void;
}

/**
 * Registers a fresh {@link Tracker} whose only backend is a {@link MemoryBackend}
 * named `'mem'`, so that everything emitted through the registry (`emit(...)`) is
 * captured, and returns the capture. Call {@link EventCapture.restore} when done
 * (typically in `afterEach`). An unknown option or a wrong type throws an
 * `OptionsError`, and nothing is registered.
 *
 * @example
 * ```ts
 * const capture = captureEvents({ clock: () => FROZEN_TIME });
 * try {
 *   emit('edx.test', { a: 1 });
 *   assertEventMatches({ name: 'edx.test', data: { a: 1 } }, capture.getEvent());
 * } finally {
 *   capture.restore();
 * }
 * ```
 */
export function captureEvents(options: CaptureEventsOptions = {}): EventCapture {
  return new MemoryCapture(captureEventsOptions.check(options));
}

class MemoryCapture implements EventCapture {
  readonly tracker: Tracker;
  readonly backend = new MemoryBackend();
  readonly definitionProblems: EventProblem[] = [];
  private readonly name: string;
  private readonly previous: Tracker | undefined;
  private restored = false;

  constructor(options: CaptureEventsOptions) {
    this.name = options.name ?? DEFAULT_TRACKER_NAME;
    const registry = options.validateWith;
    // The check runs first, on the event as emitted, before the capture's own processors reshape it.
    const check = registry ? [(event: TrackedEvent) => void this.definitionProblems.push(...registry.check(event))] : [];
    this.tracker = new Tracker({ backends: { mem: this.backend }, processors: [...check, ...(options.processors ?? [])], clock: options.clock });
    this.previous = findTracker(this.name);
    registerTracker(this.tracker, this.name);
  }

  get events(): TrackedEvent[] {
    return this.backend.events;
  }

  getEvent(index = 0): TrackedEvent {
    const count = this.events.length;
    const event = Number.isInteger(index) ? this.events[index < 0 ? count + index : index] : undefined;
    if (event === undefined) {
      throw new RangeError(`No captured event at index ${index}: ${describeCount(count)} captured`);
    }
    return event;
  }

  assertNoEventsEmitted(): void {
    const count = this.events.length;
    if (count > 0) {
      const names = this.events.map((event) => JSON.stringify(event.name) ?? String(event.name)).join(', ');
      throw new AssertionError({ message: `Expected no events to be emitted, but ${describeCount(count)} captured: ${names}` });
    }
  }

  assertEventsEmitted(): void {
    if (this.events.length === 0) {
      throw new AssertionError({ message: 'Expected at least one event to be emitted, but none was captured' });
    }
  }

  reset(): void {
    this.backend.reset();
    this.definitionProblems.length = 0;
  }

  restore(): void {
    if (this.restored) return;
    this.restored = true;
    if (this.previous) registerTracker(this.previous, this.name);
    else unregisterTracker(this.name);
    if (this.definitionProblems.length > 0) {
      throw new AssertionError({ message: `Events emitted during the capture do not match their definitions:\n${describeProblems(this.definitionProblems)}` });
    }
  }
}

function describeCount(count: number): string {
  return count === 0 ? 'no event was' : count === 1 ? '1 event was' : `${count} events were`;
}
