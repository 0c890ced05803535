import type { BatchOptions } from './options';
import type { EventRequest } from './wire';

/** Sends one request: with `fetch()`, or with `sendBeacon` when `beacon` is true. */
export type Sender = (request: EventRequest, beacon: boolean) => Promise<Response>;

interface Queued {
  request: EventRequest;
  resolve: (response: Response) => void;
}

/**
 * The batching queue: holds events until `delay` passes after the first one, `size`
 * events wait, or {@link SendQueue.flush} is called; then sends each queued event
 * as its own request, in the order logged.
 */
export class SendQueue {
  private items: Queued[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: Sender) {}

  /** How many events wait. */
  get length(): number {
    return this.items.length;
  }

  /** Queues `request`; the promise settles when it is sent and answered. */
  push(request: EventRequest, settings: Required<BatchOptions>): Promise<Response> {
    const sent = new Promise<Response>((resolve) => this.items.push({ request, resolve }));
    if (this.items.length >= settings.size) void this.flush(false);
    else if (this.timer === undefined) this.timer = setTimeout(() => void this.flush(false), settings.delay);
    return sent;
  }

  /** Sends every queued event now: with `fetch()`, or with `sendBeacon` when `beacon` (the page is going away). */
  flush(beacon: boolean): Promise<Response[]> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.items;
    this.items = [];
    return Promise.all(
      items.map((item) => {
        const sent = this.send(item.request, beacon);
        void sent.then(item.resolve);
        return sent;
      }),
    );
  }
}
