import { Analytics, type IdentifyParams, type TrackParams } from '@segment/analytics-node';
import { logFailure, toError } from '../errors';
import { isPlainObject } from '../objects';
import { buildSegmentContext } from '../segment/context';
import { DeliveryLedger } from '../segment/ledger';
import { validateSegmentOptions, type SegmentBackendOptions } from '../segment/options';
import { ThrottledReporter } from '../segment/throttled-reporter';
import type { Backend, ErrorReporter, FailureInfo, TrackedEvent } from '../types';

export type { SegmentBackendOptions, SegmentClientOptions } from '../segment/options';

const COMPONENT = 'segment';
const given = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * Forwards events to Segment with `@segment/analytics-node` (Open edX's
 * `eventtracking.backends.segment.SegmentBackend`): each event becomes a `track`
 * call with `userId = context.user_id`, the event name, the whole processed event
 * as `properties`, the Segment context built from the tracking context (ip,
 * userAgent, Google Analytics client id, page) and the event's timestamp.
 *
 * Events without a name, and events of anonymous users unless `anonymousId` is
 * given, are skipped (counted in `skipped`). At most `maxPending` events wait for
 * the endpoint; more are dropped and reported. Delivery failures are reported
 * through the tracker's `onError` (stage `'backend'`, component `'segment'`) and
 * never reach the caller of `emit`; reports of one kind are sent at most once per
 * `reportInterval`, the rest summed up.
 */
export class SegmentBackend implements Backend {
  /** The Segment client events go through. */
  readonly analytics: Analytics;
  readonly maxPending: number;
  readonly closeTimeout: number;
  /** Events skipped as Open edX skips them: no name, or an anonymous user without `anonymousId`. */
  skipped = 0;
  /** Events not handed to the client: over `maxPending`, not encodable as JSON, or after `close()`. */
  dropped = 0;
  private readonly ledger = new DeliveryLedger();
  private readonly ownsClient: boolean;
  private readonly anonymousId?: (event: TrackedEvent) => string | null | undefined;
  private readonly reporter: ThrottledReporter;
  private report: ErrorReporter;
  private closing?: Promise<void>;
  private closed = false;
  private kick?: Promise<void>;
  private calling = false;
  private refusedByClient = false;
  /** Set once close() has reported what it could not deliver. */
  private quiet = false;

  constructor(options: SegmentBackendOptions) {
    const settings = validateSegmentOptions(options);
    this.maxPending = settings.maxPending;
    this.closeTimeout = settings.closeTimeout;
    this.anonymousId = settings.anonymousId;
    this.report = settings.onError ?? logFailure;
    this.reporter = new ThrottledReporter(() => this.report, settings.reportInterval);
    this.ownsClient = settings.analytics === undefined;
    this.analytics = settings.analytics ?? new Analytics(settings.client!);
    this.analytics.on('call_after_close', this.onCallAfterClose);
    this.analytics.on('error', this.onClientError);
  }

  /** Events handed to the Segment client. */
  get sent(): number {
    return this.ledger.sent;
  }

  /** Events the Segment endpoint accepted. */
  get delivered(): number {
    return this.ledger.delivered;
  }

  /** Events the client gave up on: retries exhausted, a 4xx such as a bad write key, a timeout. */
  get failed(): number {
    return this.ledger.failed;
  }

  /** Events handed to the client and not yet delivered or failed. */
  get pending(): number {
    return this.ledger.pending;
  }

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
    const timestamp = event.timestamp instanceof Date || typeof event.timestamp === 'string' ? event.timestamp : undefined;
    this.track({ ...identity, event: eventName, properties: event, context: buildSegmentContext(context) as TrackParams['context'], timestamp });
  }

  /**
   * Hands a `track` call to the client under the same bound, counters and error
   * reporting as {@link SegmentBackend.send} (the direct helpers use it). The call
   * is copied through JSON first, so it cannot change afterwards and anything JSON
   * cannot encode is refused here rather than failing a whole batch later.
   * Returns whether the call was accepted.
   */
  track(params: TrackParams): boolean {
    return this.hand('track', params, params.event);
  }

  /** Hands an `identify` call to the client, as {@link SegmentBackend.track} does. */
  identify(params: IdentifyParams): boolean {
    return this.hand('identify', params, undefined);
  }

  /**
   * Resolves when every event accepted so far has been delivered or has failed
   * (the client's retries included: with an unreachable endpoint, that can take
   * minutes; `close()` is the bounded one).
   */
  async flush(): Promise<void> {
    if (this.ledger.pending === 0) return;
    const settled = this.ledger.settled();
    this.kickClient();
    await settled;
  }

  /**
   * Stops accepting events and waits, at most `closeTimeout` ms, for those accepted
   * to be delivered: a client this backend created is closed with
   * `closeAndFlush({ timeout })`; your own `analytics` is flushed, not closed. What
   * is still undelivered at the deadline is reported. Never takes (much) longer
   * than `closeTimeout`, whatever the endpoint does.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.closeTimeout)));
    const remaining = (): number => Math.max(0, this.closeTimeout - (Date.now() - started));
    const flushed = (async () => {
      // The client refuses overlapping flushes: let one we started end first.
      if (this.kick) await this.kick;
      if (this.ownsClient) await this.analytics.closeAndFlush({ timeout: remaining() });
      else this.kickClient();
      await this.ledger.settled();
    })().catch((error: unknown) => this.report(toError(error), { stage: 'close', component: COMPONENT }));
    const outcome = await Promise.race([flushed, deadline]);
    clearTimeout(timer);
    const left = this.ledger.pending;
    this.reporter.flush();
    this.quiet = true;
    if (outcome === 'late' && left > 0) {
      const events = left === 1 ? '1 event was' : `${left} events were`;
      this.report(new Error(`${events} not delivered to Segment within closeTimeout (${this.closeTimeout} ms); they are lost`), {
        stage: 'close',
        component: COMPONENT,
      });
    }
    if (!this.ownsClient) {
      this.analytics.off('call_after_close', this.onCallAfterClose);
      this.analytics.off('error', this.onClientError);
    }
  }

  /** The identity of the event's user, or undefined to skip the event. */
  private identityOf(event: TrackedEvent, userId: unknown, eventName: string): { userId: string } | { anonymousId: string } | undefined {
    if (given(userId)) return { userId: String(userId) };
    if (!this.anonymousId) return undefined;
    try {
      const anonymousId = this.anonymousId(event);
      return given(anonymousId) ? { anonymousId: String(anonymousId) } : undefined;
    } catch (error) {
      this.report(new Error(`anonymousId(event) threw: ${toError(error).message}`), { stage: 'backend', component: COMPONENT, eventName });
      return undefined;
    }
  }

  private hand(kind: 'track' | 'identify', params: TrackParams | IdentifyParams, eventName: string | undefined): boolean {
    const info: FailureInfo = { stage: 'drop', component: COMPONENT, eventName };
    if (this.closed) return this.drop(new Error('event not sent: the Segment backend is closed'), info);
    if (this.ledger.pending >= this.maxPending) {
      const message = `event dropped: ${this.ledger.pending} events are already waiting for the Segment endpoint (maxPending ${this.maxPending}); is it reachable?`;
      return this.drop(new Error(message), info);
    }
    let copy: TrackParams & IdentifyParams;
    try {
      copy = JSON.parse(JSON.stringify(params)) as TrackParams & IdentifyParams;
    } catch (error) {
      return this.drop(new Error(`event not sent, it cannot be encoded as JSON: ${toError(error).message}`), { ...info, stage: 'serialize' });
    }
    const ticket = this.ledger.take();
    const callback = (error?: unknown): void => this.settle(ticket, error, eventName);
    this.calling = true;
    this.refusedByClient = false;
    try {
      if (kind === 'track') this.analytics.track(copy, callback);
      else this.analytics.identify(copy, callback);
      if (this.refusedByClient) this.settle(ticket, new Error('the Segment client is closed'), eventName);
    } catch (error) {
      this.settle(ticket, error, eventName);
    } finally {
      this.calling = false;
    }
    return true;
  }

  private drop(error: Error, info: FailureInfo): false {
    this.dropped++;
    this.reporter.note(info.stage, error, info);
    return false;
  }

  private settle(ticket: number, error: unknown, eventName: string | undefined): void {
    if (!this.ledger.settle(ticket, error === undefined || error === null)) return;
    // Once close() has reported what is left, later failures are counted, not reported.
    if (error === undefined || error === null || this.quiet) return;
    const reason = toError(error).message;
    this.reporter.note('delivery', new Error(`event not delivered to Segment: ${reason}`), { stage: 'backend', component: COMPONENT, eventName });
  }

  /** Starts the client's flush of its partial batch, unless one we started is still going. */
  private kickClient(): void {
    if (this.kick) return;
    this.kick = this.analytics
      .flush()
      .catch((error: unknown) => this.report(toError(error), { stage: 'flush', component: COMPONENT }))
      .finally(() => (this.kick = undefined));
  }

  private readonly onCallAfterClose = (): void => {
    if (this.calling) this.refusedByClient = true;
  };

  private readonly onClientError = (error: { code: string; reason?: unknown }): void => {
    // Delivery failures arrive through each call's callback; report only the rest.
    if (error.code === 'delivery_failure') return;
    this.reporter.note('client', new Error(`Segment client error (${error.code}): ${toError(error.reason).message}`), {
      stage: 'backend',
      component: COMPONENT,
    });
  };
}
