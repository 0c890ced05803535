import type { ContextFrame, HeldEvent } from '../core/context';

/**
 * A request's page-request event, built when the request came in and held in its
 * frame until the first of: another event emitted in the request (the tracker sends
 * this one first, so the order of events is kept), the response ending (the
 * adapter releases it), or one of our endpoints claiming the request (`/event`, the
 * Segment webhook: their own requests get no page event, wherever they are mounted).
 */
export class HeldPageEvent implements HeldEvent {
  private send: (() => void) | undefined;

  /** @param send - sends the prepared event (see `Tracker.prepareEmit`); called at most once. */
  constructor(send: () => void) {
    this.send = send;
  }

  /** Sends the page event unless it was sent or claimed already. Never throws. */
  release(): void {
    const send = this.send;
    this.send = undefined;
    send?.();
  }

  /** Drops the page event: the request is one of our endpoints'. */
  claim(): void {
    this.send = undefined;
  }
}

/**
 * Claims the caller's request for one of our endpoints: the page event held for it
 * is dropped, as Open edX ignores `/event` and `/segmentio/event`. Does nothing when
 * the page event was already sent (an event was emitted in the request before the
 * endpoint ran) or none is held.
 */
export function claimRequest(frame: ContextFrame): void {
  if (frame.held instanceof HeldPageEvent) frame.held.claim();
}
