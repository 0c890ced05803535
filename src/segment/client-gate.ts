import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Analytics, IdentifyParams, TrackParams } from '@segment/analytics-node';
import { toError } from '../core/errors';
import type { ErrorReporter, FailureInfo } from '../core/types';
import { DeliveryLedger } from './ledger';
import { ThrottledReporter } from '../core/throttled-reporter';

const COMPONENT = 'segment';

/** Settings of a {@link SegmentClientGate}. */
export interface SegmentClientGateSettings {
  /** Whether the gate created the client (and so closes it). */
  ownsClient: boolean;
  maxPending: number;
  maxPendingBytes: number;
  closeTimeout: number;
  reportInterval: number;
}

/**
 * The one way calls reach a Segment client: it bounds the calls waiting for the
 * endpoint (dropping past `maxPending` calls or `maxPendingBytes` bytes of their
 * JSON), counts how each ends through the client's
 * callbacks, reports failures sparingly, and knows how to flush and to close the
 * client within a deadline. The client itself queues without limit and reports
 * through callbacks and events; this keeps both in check.
 */
export class SegmentClientGate {
  /** Calls not handed to the client: over `maxPending` or `maxPendingBytes`, not encodable as JSON, or after `close()`. */
  dropped = 0;
  private readonly ledger = new DeliveryLedger();
  private readonly reporter: ThrottledReporter;
  private closing?: Promise<void>;
  private closed = false;
  /** Set once close() has reported what it could not deliver: later failures are counted only. */
  private quiet = false;
  private kick?: Promise<void>;
  private calling = false;
  private refusedByClient = false;

  constructor(
    private readonly analytics: Analytics,
    private readonly settings: SegmentClientGateSettings,
    private readonly report: () => ErrorReporter,
  ) {
    this.reporter = new ThrottledReporter(report, settings.reportInterval);
    analytics.on('call_after_close', this.onCallAfterClose);
    analytics.on('error', this.onClientError);
  }

  /** The ledger's counters: sent, delivered, failed, pending, pendingBytes. */
  get counts(): Readonly<Pick<DeliveryLedger, 'sent' | 'delivered' | 'failed' | 'pending' | 'pendingBytes'>> {
    return this.ledger;
  }

  /** Whether one more call may be handed over; if not, counts and reports the drop. Cheap either way. */
  admit(eventName: string | undefined): boolean {
    const info: FailureInfo = { stage: 'drop', component: COMPONENT, eventName };
    if (this.closed) return this.drop(() => new Error('event not sent: the Segment backend is closed'), info);
    const pending = this.ledger.pending;
    if (pending < this.settings.maxPending) return true;
    const { maxPending } = this.settings;
    const describe = (): Error =>
      new Error(`event dropped: ${pending} events are already waiting for the Segment endpoint (maxPending ${maxPending}); is it reachable?`);
    return this.drop(describe, info);
  }

  /**
   * Hands a call to the client (call {@link admit} first). The call is copied
   * through JSON: it cannot change afterwards, and what JSON cannot encode is
   * refused here rather than failing a whole batch later. A call whose JSON would
   * take the bytes waiting past `maxPendingBytes` is dropped. Returns whether it was handed over.
   */
  hand(kind: 'track' | 'identify', params: TrackParams | IdentifyParams, eventName: string | undefined): boolean {
    let json: string;
    try {
      json = JSON.stringify(params);
    } catch (error) {
      const reason = toError(error).message;
      return this.drop(() => new Error(`event not sent, it cannot be encoded as JSON: ${reason}`), {
        stage: 'serialize',
        component: COMPONENT,
        eventName,
      });
    }
    const bytes = Buffer.byteLength(json, 'utf8');
    const pendingBytes = this.ledger.pendingBytes;
    const { maxPendingBytes } = this.settings;
    if (pendingBytes + bytes > maxPendingBytes) {
      const describe = (): Error =>
        new Error(
          `event dropped: ${pendingBytes} bytes of events are already waiting for the Segment endpoint and this one has ${bytes} ` +
            `(maxPendingBytes ${maxPendingBytes}); is it reachable?`,
        );
      return this.drop(describe, { stage: 'drop', component: COMPONENT, eventName });
    }
    const copy = JSON.parse(json) as TrackParams & IdentifyParams;
    const ticket = this.ledger.take(bytes);
    const callback = (error?: unknown): void => this.settle(ticket, error, eventName);
    this.calling = true;
    this.refusedByClient = false;
    try {
      if (kind === 'track') this.analytics.track(copy, callback);
      else this.analytics.identify(copy, callback);
      // A closed client drops the call silently, with no callback: settle it here.
      if (this.refusedByClient) this.settle(ticket, new Error('the Segment client is closed'), eventName);
    } catch (error) {
      // The client validates synchronously (a missing userId, for instance).
      this.settle(ticket, error, eventName);
    } finally {
      this.calling = false;
    }
    return true;
  }

  /** Resolves when every call handed over so far is delivered or has failed. */
  async flush(): Promise<void> {
    if (this.ledger.pending === 0) return;
    const settled = this.ledger.settled();
    this.kickClient();
    await settled;
    // The client's own flush ends a few ticks after the last callback, when it has
    // drained: give it a turn, so that a flush or close right after this one is not
    // refused as overlapping. (Under continuous traffic it may not drain; no wait then.)
    if (this.kick) await Promise.race([this.kick, nextTurn()]);
  }

  /** Stops accepting calls, flushes (closing the client if it owns it) within closeTimeout, reports the rest. */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.closed = true;
    const { closeTimeout, ownsClient } = this.settings;
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), closeTimeout)));
    const flushed = (async () => {
      // The client refuses overlapping flushes: let one we started end first.
      if (this.kick) await this.kick;
      if (ownsClient) {
        await this.analytics.closeAndFlush({ timeout: Math.max(0, closeTimeout - (Date.now() - started)) });
        await this.ledger.settled();
      } else {
        await this.flush();
      }
    })().catch((error: unknown) => this.report()(toError(error), { stage: 'close', component: COMPONENT }));
    const outcome = await Promise.race([flushed, deadline]);
    clearTimeout(timer);
    const left = this.ledger.pending;
    this.reporter.flush();
    this.quiet = true;
    if (outcome === 'late' && left > 0) {
      const events = left === 1 ? '1 event was' : `${left} events were`;
      this.report()(new Error(`${events} not delivered to Segment within closeTimeout (${closeTimeout} ms); they are lost`), {
        stage: 'close',
        component: COMPONENT,
      });
    }
    if (!ownsClient) {
      this.analytics.off('call_after_close', this.onCallAfterClose);
      this.analytics.off('error', this.onClientError);
    }
  }

  private drop(describe: () => Error, info: FailureInfo): false {
    this.dropped++;
    this.reporter.note(info.stage, describe, info);
    return false;
  }

  private settle(ticket: number, error: unknown, eventName: string | undefined): void {
    const delivered = error === undefined || error === null;
    if (!this.ledger.settle(ticket, delivered) || delivered || this.quiet) return;
    this.reporter.note('delivery', () => new Error(`event not delivered to Segment: ${toError(error).message}`), {
      stage: 'backend',
      component: COMPONENT,
      eventName,
    });
  }

  /** Starts the client's flush of its partial batch, unless one we started is still going. */
  private kickClient(): void {
    if (this.kick) return;
    this.kick = this.analytics
      .flush()
      .catch((error: unknown) => this.report()(toError(error), { stage: 'flush', component: COMPONENT }))
      .finally(() => (this.kick = undefined));
  }

  private readonly onCallAfterClose = (): void => {
    if (this.calling) this.refusedByClient = true;
  };

  private readonly onClientError = (error: { code: string; reason?: unknown }): void => {
    // Delivery failures arrive through each call's callback; report only the rest.
    if (error.code === 'delivery_failure') return;
    this.reporter.note('client', () => new Error(`Segment client error (${error.code}): ${toError(error.reason).message}`), {
      stage: 'backend',
      component: COMPONENT,
    });
  };
}
