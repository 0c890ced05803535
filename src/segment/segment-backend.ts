import { Analytics, type IdentifyParams, type TrackParams } from '@segment/analytics-node';
import { logFailure, toError } from '../core/errors';
import { isPlainObject } from '../encoding/objects';
import { SegmentClientGate } from './client-gate';
import { buildSegmentContext } from './context';
import { segmentBackendOptions, validateSegmentOptions, type SegmentBackendOptions } from './options';
import type { Backend, ErrorReporter, TrackedEvent } from '../core/types';

export type { SegmentBackendOptions, SegmentClientOptions } from './options';

const given = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * Forwards events to Segment with `@segment/analytics-node` (Open edX's
 * `eventtracking.backends.segment.SegmentBackend`): each event becomes a `track`
 * call with `userId = context.user_id` (as a string), the event name, the whole
 * processed event as `properties`, the Segment context built from the tracking
 * context (ip, userAgent, Google Analytics client id, page; see
 * {@link buildSegmentContext}) and the event's timestamp.
 *
 * Events without a name, and events of anonymous users unless `anonymousId` is
 * given, are skipped (counted in `skipped`). At most `maxPending` events, and
 * `maxPendingBytes` bytes of them, wait for the endpoint; more are dropped, counted
 * and reported. Delivery failures (after
 * the client's retries) are reported through the tracker's `onError` (stage
 * `'backend'`, component `'segment'`) and never reach the caller of `emit`;
 * reports of one kind go out at most once per `reportInterval`, the rest summed up.
 *
 * @example new SegmentBackend({ writeKey: process.env.SEGMENT_KEY })
 */
export class SegmentBackend implements Backend {
  /** The Segment client events go through. */
  readonly analytics: Analytics;
  readonly maxPending: number;
  readonly maxPendingBytes: number;
  readonly closeTimeout: number;
  /** Events skipped as Open edX skips them: no name, or an anonymous user without `anonymousId`. */
  skipped = 0;
  private readonly gate: SegmentClientGate;
  private readonly anonymousId?: (event: TrackedEvent) => string | null | undefined;
  private report: ErrorReporter;

  /** The options of a SegmentBackend; `createTracker` and `edxDefaults` check configuration data with them. */
  static readonly options = segmentBackendOptions;

  constructor(options: SegmentBackendOptions) {
    const settings = validateSegmentOptions(options);
    this.maxPending = settings.maxPending;
    this.maxPendingBytes = settings.maxPendingBytes;
    this.closeTimeout = settings.closeTimeout;
    this.anonymousId = settings.anonymousId;
    this.report = settings.onError ?? logFailure;
    this.analytics = settings.analytics ?? new Analytics(settings.client!);
    const { maxPending, maxPendingBytes, closeTimeout, reportInterval } = settings;
    const ownsClient = settings.analytics === undefined;
    this.gate = new SegmentClientGate(this.analytics, { ownsClient, maxPending, maxPendingBytes, closeTimeout, reportInterval }, () => this.report);
  }

  /** Events handed to the Segment client. */
  get sent(): number {
    return this.gate.counts.sent;
  }

  /** Events the Segment endpoint accepted. */
  get delivered(): number {
    return this.gate.counts.delivered;
  }

  /** Events the client gave up on: retries exhausted, a 4xx such as a bad write key, a timeout. */
  get failed(): number {
    return this.gate.counts.failed;
  }

  /** Events handed to the client and not yet delivered or failed. */
  get pending(): number {
    return this.gate.counts.pending;
  }

  /** The bytes of the events handed to the client and not yet delivered or failed (their JSON, as `maxPendingBytes` counts it). */
  get pendingBytes(): number {
    return this.gate.counts.pendingBytes;
  }

  /** Events not handed to the client: over `maxPending` or `maxPendingBytes`, not encodable as JSON, or after `close()`. */
  get dropped(): number {
    return this.gate.dropped;
  }

  /** Reports go to `report` from now on (the router the backend is registered with calls this). */
  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
  }

  /** Sends one processed event as a Segment `track` call. Never throws. */
  send(event: TrackedEvent): void {
    if (!given(event.name)) {
      this.skipped++;
      return;
    }
    const eventName = String(event.name);
    const context = isPlainObject(event.context) ? event.context : {};
    const identity = this.identityOf(event, context.user_id, eventName);
    if (identity === undefined) {
      this.skipped++;
      return;
    }
    if (!this.gate.admit(eventName)) return;
    const timestamp = event.timestamp instanceof Date || typeof event.timestamp === 'string' ? event.timestamp : undefined;
    const segmentContext = buildSegmentContext(context) as TrackParams['context'];
    this.gate.hand('track', { ...identity, event: eventName, properties: event, context: segmentContext, timestamp }, eventName);
  }

  /**
   * Hands a raw `track` call to the client under the same bound, counters and
   * error reporting as {@link SegmentBackend.send} (the direct helpers use it).
   * The call is copied through JSON first: it cannot change afterwards, and what
   * JSON cannot encode is refused (and reported) here rather than failing a whole
   * batch later. Returns whether the call was accepted. Never throws.
   */
  track(params: TrackParams): boolean {
    return this.gate.admit(params.event) && this.gate.hand('track', params, params.event);
  }

  /** Hands a raw `identify` call to the client, as {@link SegmentBackend.track} does. */
  identify(params: IdentifyParams): boolean {
    return this.gate.admit(undefined) && this.gate.hand('identify', params, undefined);
  }

  /**
   * Resolves when every event accepted so far has been delivered or has failed,
   * sending a partial batch at once. The client's retries count: with an
   * unreachable endpoint this can take minutes; `close()` is the bounded one.
   */
  flush(): Promise<void> {
    return this.gate.flush();
  }

  /**
   * Stops accepting events and waits at most `closeTimeout` ms for those accepted
   * to be delivered: a client this backend created is closed with
   * `closeAndFlush({ timeout })`; your own `analytics` is flushed, not closed.
   * What is still undelivered at the deadline is reported as lost. Whatever the
   * endpoint does, it resolves at the deadline (as soon as the event loop is free
   * to run the timer).
   */
  close(): Promise<void> {
    return this.gate.close();
  }

  /** The identity of the event's user, or undefined to skip the event. */
  private identityOf(
    event: TrackedEvent,
    userId: unknown,
    eventName: string,
  ): { userId: string } | { anonymousId: string } | undefined {
    if (given(userId)) return { userId: String(userId) };
    if (!this.anonymousId) return undefined;
    try {
      const anonymousId = this.anonymousId(event);
      return given(anonymousId) ? { anonymousId: String(anonymousId) } : undefined;
    } catch (error) {
      const message = `anonymousId(event) threw: ${toError(error).message}`;
      this.report(new Error(message), { stage: 'backend', component: 'segment', eventName });
      return undefined;
    }
  }
}
