import { logFailure, toError } from './errors';
import type { Tracker } from './tracker';
import type { Context } from './types';

/** The name the default tracker is registered under. */
export const DEFAULT_TRACKER_NAME = 'default';

const trackers = new Map<string, Tracker>();

/** Registers `tracker` under `name` (replacing any tracker of that name). Default name: `'default'`. */
export function registerTracker(tracker: Tracker, name: string = DEFAULT_TRACKER_NAME): void {
  trackers.set(name, tracker);
}

/** Removes the tracker registered under `name`, if any (tests restoring state use this). */
export function unregisterTracker(name: string = DEFAULT_TRACKER_NAME): void {
  trackers.delete(name);
}

/** The tracker registered under `name`, or `undefined`. */
export function findTracker(name: string = DEFAULT_TRACKER_NAME): Tracker | undefined {
  return trackers.get(name);
}

/** The tracker registered under `name` (default `'default'`); throws, naming the fix, when there is none. */
export function getTracker(name: string = DEFAULT_TRACKER_NAME): Tracker {
  const tracker = trackers.get(name);
  if (!tracker) throw new Error(missingTrackerMessage(name));
  return tracker;
}

function missingTrackerMessage(name: string): string {
  const call = name === DEFAULT_TRACKER_NAME ? 'registerTracker(tracker)' : `registerTracker(tracker, '${name}')`;
  return (
    `No tracker is registered as '${name}'. At startup, call ${call} with a Tracker, ` +
    `e.g. registerTracker(createTracker(edxDefaults())) to write ./tracking.log.`
  );
}

/**
 * Emits through the default tracker. Never throws: with no default tracker
 * registered, the event is lost and the mistake reported on stderr.
 */
export function emit(name?: string | null, data?: unknown): void {
  withDefaultTracker('emit', name ?? undefined, (tracker) => tracker.emit(name, data));
}

/**
 * Runs `use` with the default tracker, for helpers that must never throw: without
 * a default tracker the mistake is reported on stderr; a throw from `use` is
 * reported to the tracker's `onError`.
 */
export function withDefaultTracker(caller: string, eventName: string | undefined, use: (tracker: Tracker) => void): void {
  const tracker = trackers.get(DEFAULT_TRACKER_NAME);
  if (!tracker) {
    logFailure(new Error(`${caller}: ${missingTrackerMessage(DEFAULT_TRACKER_NAME)}`), { stage: 'emit', eventName });
    return;
  }
  try {
    use(tracker);
  } catch (error) {
    tracker.reportFailure(toError(error), { stage: 'emit', component: caller, eventName });
  }
}

/**
 * The module-level API of Open edX's `eventtracking.tracker` as one object, and the
 * default tracker's context methods, so that `tracker.context(...)` works on the
 * imported `tracker` as it does in Python. Except `emit` (which never throws), each
 * method throws, naming the fix, when no default tracker is registered.
 */
export interface DefaultTrackerApi {
  /** Emits through the default tracker; see {@link Tracker.emit}. Never throws. */
  emit(name?: string | null, data?: unknown): void;
  /** The tracker registered under `name` (default `'default'`). */
  getTracker(name?: string): Tracker;
  /** Registers `tracker` under `name` (default `'default'`). */
  registerTracker(tracker: Tracker, name?: string): void;
  /** Runs `fn` with the context layer `name` entered; see {@link Tracker.context}. */
  context<T>(name: string, context: Context, fn: () => T): T;
  /** Enters the context layer `name` in the caller's frame; see {@link Tracker.enterContext}. */
  enterContext(name: string, context: Context): void;
  /** Exits the context layer `name`; see {@link Tracker.exitContext}. */
  exitContext(name: string): void;
  /** The merged context of the caller's frame; see {@link Tracker.resolveContext}. */
  resolveContext(): Context;
  /** Resolves when every event emitted so far is delivered; see {@link Tracker.flush}. */
  flush(): Promise<void>;
  /** Delivers everything accepted, then closes every backend; see {@link Tracker.close}. */
  close(): Promise<void>;
  /** Rejects, explaining the fix, when a backend cannot write where it should; see {@link Tracker.ready}. */
  ready(): Promise<void>;
  /** Has every file-writing backend open its path anew (after a rotation); see {@link Tracker.reopen}. */
  reopen(): Promise<void>;
}

/** The default tracker's API as one object: see {@link DefaultTrackerApi}. */
export const tracker: DefaultTrackerApi = Object.freeze({
  emit,
  getTracker,
  registerTracker,
  context: <T>(name: string, context: Context, fn: () => T): T => getTracker().context(name, context, fn),
  enterContext: (name: string, context: Context) => getTracker().enterContext(name, context),
  exitContext: (name: string) => getTracker().exitContext(name),
  resolveContext: () => getTracker().resolveContext(),
  flush: () => defaultTrackerAsync((t) => t.flush()),
  close: () => defaultTrackerAsync((t) => t.close()),
  ready: () => defaultTrackerAsync((t) => t.ready()),
  reopen: () => defaultTrackerAsync((t) => t.reopen()),
});

/** `use(getTracker())`, with a missing default tracker as a rejection rather than a throw. */
function defaultTrackerAsync(use: (tracker: Tracker) => Promise<void>): Promise<void> {
  try {
    return use(getTracker());
  } catch (error) {
    return Promise.reject(error);
  }
}
