import { randomUUID } from 'node:crypto';
import { logFailure, toError } from '../core/errors';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { ThrottledReporter } from '../core/throttled-reporter';
import type { Backend, ErrorReporter, TrackedEvent } from '../core/types';
import { BatchPublisher } from './batch-publisher';
import { encodeEnvelope } from './envelope';
import type { BusTransport } from './transport';

const int = (min: number) => option.number({ min, integer: true });

/** The options of an {@link EventBusBackend} other than its transport (shared with the engine's data form). */
export const eventBusBackendFields = {
  /** The bus stream events are published to. Required. */
  stream: option.string({ nonEmpty: true }),
  /** The most events published in one batch; a full batch goes out at once. Default: 100. */
  batchSize: int(1),
  /** The longest time, in ms, an event waits for its batch to fill before it is sent anyway. Default: 50. */
  batchDelay: int(0),
  /**
   * The most events held in memory waiting for the broker (in flight included). Past
   * it, new events are dropped, counted in `dropped` and reported (throttled). Default: 10000.
   */
  maxBuffer: int(1),
  /**
   * The most bytes of events (their envelopes, as UTF-8) held in memory waiting for the
   * broker (in flight included). Past it, new events are dropped, counted in `dropped`
   * and reported, as past `maxBuffer`: large events cost memory in proportion to their
   * size, which a count alone does not bound (10,000 events of 50 KB are 500 MB). An
   * event larger than it is never published. Default: 33554432 (32 MiB).
   */
  maxBufferBytes: int(1),
  /**
   * The most batches waiting for the broker's acknowledgement at once. More keeps a
   * fast producer's buffer short; 1 keeps the stream's order even across failures. Default: 4.
   */
  maxInFlight: int(1),
  /** The first wait, in ms, before a failed batch is published again; it doubles per failure. Default: 100. */
  retryDelay: int(1),
  /** The longest wait, in ms, between two attempts to publish a failed batch. Default: 5000. */
  maxRetryDelay: int(1),
  /**
   * How long, in ms, `close()` keeps trying to publish what it holds; what is left then
   * is reported as lost (counted in `lost`). Default: 10000.
   */
  closeTimeout: int(0),
  /** The shortest time, in ms, between two reports of the same kind (drops, publish failures). Default: 5000. */
  reportInterval: int(0),
  /**
   * The bus id of an event: give one to make ids deterministic (an event published
   * again with the same id is one event to consumers). A falsy result falls back to
   * the default. Default: a random UUID (`crypto.randomUUID()`).
   */
  eventId: option.function<(event: TrackedEvent) => string | null | undefined>(),
  /** Whether `close()` also closes the transport. Default: true. */
  closeTransport: option.boolean(),
  /** Receives failures until a tracker binds its own `onError`. Default: one line on stderr per report. */
  onError: option.function<ErrorReporter>(),
} as const;

/** Whether `value` can serve as a bus transport. */
export function isBusTransport(value: unknown): value is BusTransport {
  return typeof (value as Partial<BusTransport> | null)?.publish === 'function';
}

const eventBusBackendOptions = defineOptions('EventBusBackend', {
  /** The broker: a {@link RedisStreamTransport}, a {@link NatsJetStreamTransport}, or your own. Required. */
  transport: option.instance<BusTransport>('a bus transport (for example new RedisStreamTransport({ url }))', isBusTransport),
  ...eventBusBackendFields,
});

/** Options of {@link EventBusBackend}: `transport` and `stream` are required. */
export type EventBusBackendOptions = OptionsOf<typeof eventBusBackendOptions.fields> & { transport: BusTransport; stream: string };

const COMPONENT = 'bus';

/** The default of `maxBufferBytes`: 32 MiB. */
const DEFAULT_MAX_BUFFER_BYTES = 32 * 1024 * 1024;

/**
 * Publishes each event it receives to a bus stream (Redis streams, NATS JetStream...),
 * for {@link createEventBusConsumer}s elsewhere to route into their own backends.
 *
 * `send` gives the event a bus id, encodes it (JSON in a small envelope that keeps its
 * dates, see `encodeEnvelope`) and buffers it; it never waits on the network and
 * never throws. Batches go out by size or by time (see {@link BatchPublisher}); a
 * batch leaves the buffer only once the broker has acknowledged it, and a failed
 * one is retried with backoff while the client reconnects. The buffer is bounded in
 * events (`maxBuffer`) and in bytes (`maxBufferBytes`): past either, events are
 * dropped, counted and reported.
 *
 * Delivery is at-least-once: a batch whose acknowledgement was lost is published
 * again with the same ids, and consumers (and JetStream, within its duplicate window)
 * drop the copies by id.
 *
 * @example new EventBusBackend({ transport: new RedisStreamTransport({ url }), stream: 'edx:events' })
 */
export class EventBusBackend implements Backend {
  readonly transport: BusTransport;
  readonly stream: string;
  readonly closeTimeout: number;
  /** The bound of the buffer in bytes (`maxBufferBytes`). */
  readonly maxBufferBytes: number;
  /** Events not published: buffer full (in events or bytes), not encodable as JSON, or sent after `close()`. */
  dropped = 0;
  /** Events still buffered when `close()` gave up (they may or may not have reached the broker). */
  lost = 0;
  private readonly publisher: BatchPublisher;
  private readonly reporter: ThrottledReporter;
  private readonly eventId?: (event: TrackedEvent) => string | null | undefined;
  private readonly closeTransport: boolean;
  private report: ErrorReporter;
  private closing?: Promise<void>;

  /** The options of an EventBusBackend. */
  static readonly options = eventBusBackendOptions;

  constructor(given: EventBusBackendOptions) {
    const options = eventBusBackendOptions.check(given);
    const required = (name: string, what: string): never => {
      throw new OptionsError('EventBusBackend', `option '${name}' is required: ${what}`);
    };
    this.transport = options.transport ?? required('transport', 'the broker, for example new RedisStreamTransport({ url })');
    this.stream = options.stream ?? required('stream', "the name of the bus stream, such as 'edx:events'");
    this.eventId = options.eventId;
    this.closeTransport = options.closeTransport ?? true;
    this.closeTimeout = options.closeTimeout ?? 10000;
    this.report = options.onError ?? logFailure;
    this.reporter = new ThrottledReporter(() => this.report, options.reportInterval ?? 5000);
    this.maxBufferBytes = options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    const settings = {
      stream: this.stream,
      batchSize: options.batchSize ?? 100,
      batchDelay: options.batchDelay ?? 50,
      maxBuffer: options.maxBuffer ?? 10000,
      maxBufferBytes: this.maxBufferBytes,
      maxInFlight: options.maxInFlight ?? 4,
      retry: { initial: options.retryDelay ?? 100, max: options.maxRetryDelay ?? 5000 },
    };
    this.publisher = new BatchPublisher(this.transport, settings, {
      onPublishFailure: (error, size, delay) =>
        this.reporter.note('publish', () => new Error(`publishing ${size} events to '${this.stream}' failed (retrying in ${delay} ms): ${error.message}`), {
          stage: 'backend',
          component: COMPONENT,
        }),
    });
    (this.transport as { bindErrorReporter?: (report: ErrorReporter) => void }).bindErrorReporter?.((error, info) => this.report(error, info));
  }

  /** Events accepted into the buffer. */
  get accepted(): number {
    return this.publisher.accepted;
  }

  /** Events the broker acknowledged. */
  get published(): number {
    return this.publisher.published;
  }

  /** Events waiting for the broker (in flight included). */
  get buffered(): number {
    return this.publisher.buffered;
  }

  /** Bytes of the events waiting for the broker (their envelopes, as `maxBufferBytes` counts them). */
  get bufferedBytes(): number {
    return this.publisher.bufferedBytes;
  }

  /** Failed publish attempts, each retried. */
  get retries(): number {
    return this.publisher.failedAttempts;
  }

  /** Reports go to `report` from now on (the router the backend is registered with calls this). */
  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
  }

  /** Buffers one event for publishing. Never waits, never throws. */
  send(event: TrackedEvent): void {
    const eventName = typeof event.name === 'string' ? event.name : undefined;
    if (this.closing) {
      this.drop('closed', () => new Error('event not published: the bus backend is closed'), eventName);
      return;
    }
    let id: string;
    let body: string;
    try {
      id = this.eventId?.(event) || randomUUID();
      body = encodeEnvelope(id, event);
    } catch (error) {
      this.dropped++;
      this.report(new Error(`event not published, it cannot be encoded: ${toError(error).message}`), { stage: 'serialize', component: COMPONENT, eventName });
      return;
    }
    const pushed = this.publisher.push({ id, body });
    if (pushed === 'accepted') return;
    const { buffered, bufferedBytes } = this.publisher;
    const bound = pushed === 'maxBufferBytes' ? `${buffered} events (${bufferedBytes} bytes)` : `${buffered} events`;
    const setting = pushed === 'maxBufferBytes' ? `maxBufferBytes: ${this.maxBufferBytes}` : 'maxBuffer';
    this.drop('drop', () => new Error(`event dropped: ${bound} are already waiting for the broker (${setting}); is it reachable?`), eventName);
  }

  /** Resolves when every event accepted so far has been published (acknowledged by the broker). */
  flush(): Promise<void> {
    return this.publisher.flush();
  }

  /**
   * Stops accepting events, publishes what it holds for at most `closeTimeout` ms,
   * reports what is left as lost, then closes the transport (unless `closeTransport`
   * is false). Resolves at the deadline whatever the broker does.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.closeTimeout)));
    await Promise.race([this.publisher.flush(), deadline]);
    clearTimeout(timer);
    const left = this.publisher.stop();
    this.lost += left;
    this.reporter.flush();
    if (left > 0) {
      const events = left === 1 ? '1 event was' : `${left} events were`;
      this.report(new Error(`${events} not confirmed published to '${this.stream}' within closeTimeout (${this.closeTimeout} ms); they may be lost`), {
        stage: 'close',
        component: COMPONENT,
      });
    }
    if (this.closeTransport) {
      await this.transport.close().catch((error: unknown) => this.report(toError(error), { stage: 'close', component: COMPONENT }));
    }
  }

  private drop(channel: string, describe: () => Error, eventName: string | undefined): void {
    this.dropped++;
    this.reporter.note(channel, describe, { stage: 'drop', component: COMPONENT, eventName });
  }
}
