import type { TrackParams } from '@segment/analytics-node';
import { SegmentBackend, type SegmentBackendOptions } from './segment-backend';
import { asyncContextLocator } from '../core/context';
import { describeValue, OptionsError } from '../core/options';
import { findTracker } from '../core/registry';
import { RoutingBackend } from '../core/routing';
import type { Backend, Context } from '../core/types';
import type { Tracker } from '../core/tracker';
import { buildSegmentContext } from './context';

/*
 * Open edX's `common.djangoapps.track.segment`: calls made straight to Segment, not
 * through the tracker, enriched with the request context. They go through one
 * module-level SegmentBackend (set with configureSegment), so they share its
 * pending bound, counters and error reporting — and, if you pass the tracker's own
 * SegmentBackend, its client.
 */

let configured: SegmentBackend | undefined;

/** SegmentBackend's options, checked under the name the caller used. */
const configureSegmentOptions = SegmentBackend.options.extend('configureSegment', {});

/**
 * Sets the Segment backend that {@link segment}`.track` and `.identify` send
 * through, and returns it (call its `close()` at shutdown if you created it here).
 *
 * - a {@link SegmentBackend}: shares it (for example the tracker's, found with
 *   {@link findSegmentBackend}), its client, bound and `onError`;
 * - {@link SegmentBackendOptions}: creates a backend of its own. As Open edX does
 *   with an unset `LMS_SEGMENT_KEY`, options with neither a (non-empty) `writeKey`
 *   nor `analytics` turn the helpers off, so `{ writeKey: process.env.SEGMENT_KEY }`
 *   is safe when the variable is unset. The options are checked as SegmentBackend
 *   checks them (a `null` one counts as not given): an unknown name or a wrong type
 *   throws an {@link OptionsError}, even when the helpers would be off;
 * - `null` or `undefined`: turns the helpers off.
 *
 * Anything else throws an {@link OptionsError}. Until it is called the helpers do nothing.
 */
export function configureSegment(target: SegmentBackend | SegmentBackendOptions | null | undefined): SegmentBackend | undefined {
  if (target instanceof SegmentBackend || target === null || target === undefined) {
    configured = target ?? undefined;
    return configured;
  }
  if (!isOptionsObject(target)) {
    throw new OptionsError('configureSegment', `give a SegmentBackend, SegmentBackend options or null, got ${describeValue(target)}`);
  }
  const options = configureSegmentOptions.check(Object.fromEntries(Object.entries(target).filter(([, value]) => value !== null)));
  configured = options.analytics || options.writeKey ? new SegmentBackend(options) : undefined;
  return configured;
}

function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The backend the direct helpers send through, or undefined when they are off. */
export function configuredSegment(): SegmentBackend | undefined {
  return configured;
}

/**
 * The first {@link SegmentBackend} among a tracker's backends, searching nested
 * routers in order (in {@link edxDefaults}'s configuration, the one of the
 * `segmentio` branch), or undefined.
 */
export function findSegmentBackend(tracker: Tracker): SegmentBackend | undefined {
  const search = (backends: Iterable<Backend>): SegmentBackend | undefined => {
    for (const backend of backends) {
      if (backend instanceof SegmentBackend) return backend;
      const nested = backend instanceof RoutingBackend ? search(backend.backends.values()) : undefined;
      if (nested) return nested;
    }
    return undefined;
  };
  return search(tracker.backends.values());
}

/** The caller's merged tracking context: the default tracker's, else the async frame's. */
function currentTrackingContext(): Context {
  const tracker = findTracker();
  return tracker ? tracker.resolveContext() : { ...asyncContextLocator.current().merge() };
}

const idOf = (userId: unknown): string | undefined => (userId === null || userId === undefined ? undefined : String(userId));

/**
 * Sends a Segment `track` call straight away (Open edX's `track.segment.track`).
 * Does nothing when the helpers are off or `eventName` is null/undefined.
 * `context` is the Segment context; what it lacks of `ip`,
 * `Google Analytics.clientId`, `userAgent` and `page.path`/`referrer`/`url` is
 * filled from the current request's tracking context (with the
 * `https://host/path` synthesis), never overriding what it has. Never throws:
 * failures go to the backend's `onError`.
 *
 * @param userId - the user's id; a number is sent as a string (Segment ids are strings).
 * @param eventName - the Segment event name.
 * @param properties - the event's properties. Default: `{}`.
 * @param context - the Segment context. Default: `{}`.
 */
function track(
  userId: unknown,
  eventName: string | null | undefined,
  properties?: Record<string, unknown> | null,
  context?: Record<string, unknown> | null,
): void {
  const backend = configured;
  if (!backend || eventName === null || eventName === undefined) return;
  const segmentContext = buildSegmentContext(currentTrackingContext(), context ?? undefined);
  backend.track({
    userId: idOf(userId),
    event: String(eventName),
    properties: properties || {},
    context: segmentContext as TrackParams['context'],
  } as TrackParams);
}

/**
 * Sends a Segment `identify` call (Open edX's `track.segment.identify`): the
 * user's traits, with `context` as given (the request context is not merged, as in
 * Open edX). Does nothing when the helpers are off. Never throws.
 *
 * @param userId - the user's id; a number is sent as a string.
 * @param traits - what is known about the user (email, name...). Default: `{}`.
 * @param context - the Segment context. Default: `{}`.
 */
function identify(userId: unknown, traits?: Record<string, unknown> | null, context?: Record<string, unknown> | null): void {
  const backend = configured;
  if (!backend) return;
  backend.identify({ userId: idOf(userId) as string, traits: traits || {}, context: { ...context } });
}

/**
 * The direct Segment helpers, as one object: `segment.track(userId, eventName,
 * properties?, context?)`, `segment.identify(userId, traits?, context?)` and
 * `segment.configure(...)` (= {@link configureSegment}).
 */
export const segment = { track, identify, configure: configureSegment } as const;
