import { toError } from '../core/errors';
import { retryDelay, type BackoffSettings } from './backoff';
import type { BusRecord, BusTransport } from './transport';

/** Settings of a {@link BatchPublisher} (validated by the backend). */
export interface BatchPublisherSettings {
  stream: string;
  batchSize: number;
  batchDelay: number;
  maxBuffer: number;
  maxBufferBytes: number;
  maxInFlight: number;
  retry: BackoffSettings;
}

/** What {@link BatchPublisher.push} did with a record: took it, or which bound refused it. */
export type PushResult = 'accepted' | 'maxBuffer' | 'maxBufferBytes' | 'stopped';

/** What a {@link BatchPublisher} tells its owner. */
export interface BatchPublisherEvents {
  /** A publish attempt failed; it will be retried after `delayMs`. */
  onPublishFailure(error: Error, batchSize: number, delayMs: number): void;
}

/**
 * The producer's buffer: records wait here, in order, until the broker has
 * acknowledged them. Batches of up to `batchSize` records are published, up to
 * `maxInFlight` at a time: a full batch goes out as soon as a slot is free; a partial
 * one `batchDelay` ms after the first record of an idle spell arrived (a timer, not
 * the next event, triggers it), or as soon as the batches in flight have all
 * returned. A failed batch is retried with backoff (or after the `retryAfterMs` the
 * error carries, when longer) until it succeeds (or `stop()`):
 * a record leaves the buffer only once the broker has acknowledged it. (A retried
 * batch may land after batches sent later: order is kept only while nothing fails.)
 */
export class BatchPublisher {
  /** Records that entered the buffer. */
  accepted = 0;
  /** Records the broker acknowledged. */
  published = 0;
  /** Failed publish attempts (each retried). */
  failedAttempts = 0;
  /** Records given up by `stop()`. */
  abandoned = 0;
  /** Buffered records; `records[i]` is record number `base + i` (numbered from 0 in acceptance order). */
  private records: BusRecord[] = [];
  /** `sizes[i]`: the UTF-8 bytes of `records[i]`'s body. */
  private sizes: number[] = [];
  private bytes = 0;
  private base = 0;
  /** The number of the first record not handed to a batch yet. */
  private nextUnsent = 0;
  private readonly inFlight: Batch[] = [];
  /** The batchDelay timer of the oldest unsent record. */
  private timer?: NodeJS.Timeout;
  /** A launch scheduled for the next turn (a full batch is waiting, or a flush asked). */
  private soon?: NodeJS.Immediate;
  private readonly retryWakers = new Set<() => void>();
  private stopped = false;
  private waiters: { target: number; resolve: () => void }[] = [];

  constructor(
    private readonly transport: Pick<BusTransport, 'publish'>,
    private readonly settings: BatchPublisherSettings,
    private readonly events: BatchPublisherEvents,
  ) {}

  /** Records waiting for the broker's acknowledgement (in flight included). */
  get buffered(): number {
    return this.records.length;
  }

  /** The bytes of the bodies waiting for the broker's acknowledgement (in flight included). */
  get bufferedBytes(): number {
    return this.bytes;
  }

  /** The records waiting for the broker's acknowledgement (in flight included), oldest first. */
  get heldRecords(): readonly BusRecord[] {
    return this.records;
  }

  /** Adds a record, unless the buffer is full in records or in bytes (the caller counts the drop). Never waits. */
  push(record: BusRecord): PushResult {
    if (this.stopped) return 'stopped';
    if (this.records.length >= this.settings.maxBuffer) return 'maxBuffer';
    const size = Buffer.byteLength(record.body, 'utf8');
    if (this.bytes + size > this.settings.maxBufferBytes) return 'maxBufferBytes';
    this.records.push(record);
    this.sizes.push(size);
    this.bytes += size;
    this.accepted++;
    if (this.unsent() >= this.settings.batchSize) {
      if (this.inFlight.length < this.settings.maxInFlight) this.launchSoon();
    } else {
      this.timer ??= setTimeout(() => this.launch(true), this.settings.batchDelay);
    }
    return 'accepted';
  }

  /** Resolves once every record accepted so far has been published (or abandoned by `stop()`). */
  flush(): Promise<void> {
    const target = this.accepted;
    if (this.base >= target) return Promise.resolve();
    this.launchSoon();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  /** Stops publishing: the records still buffered are abandoned (counted). Returns that number. */
  stop(): number {
    if (this.stopped) return 0;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = this.soon = undefined;
    for (const wake of this.retryWakers) wake();
    const left = this.records.length;
    this.abandoned += left;
    this.base += left;
    this.records = [];
    this.sizes = [];
    this.bytes = 0;
    this.settle();
    return left;
  }

  private unsent(): number {
    return this.base + this.records.length - this.nextUnsent;
  }

  /** Launches on the next turn (after the caller's synchronous burst of sends), once. */
  private launchSoon(): void {
    this.soon ??= setImmediate(() => this.launch(true));
  }

  /** Starts batches while slots are free: full ones, and a partial one when `partial` is allowed. */
  private launch(partial: boolean): void {
    this.soon = undefined;
    if (partial && this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const { batchSize, maxInFlight } = this.settings;
    while (!this.stopped && this.inFlight.length < maxInFlight) {
      const unsent = this.unsent();
      if (unsent === 0 || (unsent < batchSize && !partial)) break;
      const size = Math.min(batchSize, unsent);
      const from = this.nextUnsent - this.base;
      const batch: Batch = { start: this.nextUnsent, records: this.records.slice(from, from + size), done: false };
      this.nextUnsent += size;
      this.inFlight.push(batch);
      void this.publish(batch);
    }
    if (!this.stopped && this.unsent() > 0 && !this.timer && this.inFlight.length < maxInFlight) {
      this.timer = setTimeout(() => this.launch(true), this.settings.batchDelay);
    }
  }

  private async publish(batch: Batch): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.transport.publish(this.settings.stream, batch.records);
        break;
      } catch (thrown) {
        if (this.stopped) return;
        failures++;
        this.failedAttempts++;
        const delay = retryDelay(thrown, failures, this.settings.retry);
        this.events.onPublishFailure(toError(thrown), batch.records.length, delay);
        await new Promise<void>((resolve) => {
          const wake = (): void => {
            clearTimeout(timer);
            this.retryWakers.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, delay);
          this.retryWakers.add(wake);
        });
      }
    }
    if (this.stopped) return;
    batch.done = true;
    this.published += batch.records.length;
    // Records leave the buffer in order, once every batch before them is acknowledged too.
    while (this.inFlight[0]?.done) {
      const first = this.inFlight.shift() as Batch;
      this.records.splice(0, first.records.length);
      for (const size of this.sizes.splice(0, first.records.length)) this.bytes -= size;
      this.base += first.records.length;
    }
    this.settle();
    // Whatever arrived meanwhile goes out now if nothing else is in flight (a partial batch), else when full.
    this.launch(this.inFlight.length === 0 || this.waiters.length > 0);
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (this.base >= waiter.target) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}

interface Batch {
  /** The number of its first record. */
  start: number;
  records: BusRecord[];
  done: boolean;
}
