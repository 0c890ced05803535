import { toError } from '../core/errors';
import { ThrottledReporter } from '../core/throttled-reporter';
import type { ErrorReporter, FailureInfo } from '../core/types';
import { refusalOf } from './admission';
import { backoffDelay, sleep } from './backoff';
import { consumerSettings, eventBusConsumerOptions, type ConsumerSettings, type EventBusConsumerOptions, type EventBusConsumerStats } from './consumer-options';
import { deliverBatch, labelProcessors, type DeliveryItem, type LabelledProcessor } from './delivery';
import { decodeEnvelope } from './envelope';
import { RecentIds } from './recent-ids';
import { Settler } from './settler';
import type { BusMessage } from './transport';
import { WatchedBackend } from './watched-backend';

export type { EventBusConsumerOptions, EventBusConsumerStats } from './consumer-options';

interface Held {
  attempts: number;
  done: Set<string>;
}

/**
 * Reads a bus stream as one member of a consumer group and routes each event into
 * its own backends; see {@link createEventBusConsumer}.
 */
export class EventBusConsumer {
  readonly stats: EventBusConsumerStats = { received: 0, delivered: 0, filtered: 0, duplicates: 0, retried: 0, deadLettered: 0, claimed: 0 };
  readonly settings: ConsumerSettings;
  private readonly backends: WatchedBackend[];
  private readonly processors: LabelledProcessor[];
  private readonly recent: RecentIds;
  private readonly reporter: ThrottledReporter;
  /** Delivery state of events that failed an attempt, by id (bounded). */
  private readonly held = new Map<string, Held>();
  private readonly settler: Settler;
  private running?: Promise<void>;
  private closing?: Promise<void>;
  private stopping = false;
  private lastClaim = 0;

  /** The options of an EventBusConsumer (and of {@link createEventBusConsumer}). */
  static readonly options = eventBusConsumerOptions;

  constructor(given: EventBusConsumerOptions) {
    const options = eventBusConsumerOptions.check(given);
    this.settings = consumerSettings(options);
    const report = this.report;
    const names = Object.keys(this.settings.backends).sort();
    this.backends = names.map((name) => new WatchedBackend(name, this.settings.backends[name]!, report, this.settings.flushTimeout));
    this.processors = labelProcessors(this.settings.processors);
    this.recent = new RecentIds(this.settings.dedupeWindow);
    this.reporter = new ThrottledReporter(() => this.settings.onError, this.settings.reportInterval);
    this.settler = new Settler(this.settings, this.stats, this.reporter);
    (this.settings.transport as { bindErrorReporter?: (r: ErrorReporter) => void }).bindErrorReporter?.(report);
  }

  /** Starts the read loop (once); resolves when the group exists and reading has begun. */
  start(): Promise<void> {
    if (!this.running) {
      let started!: () => void;
      const ready = new Promise<void>((resolve) => (started = resolve));
      this.running = this.loop(started);
      return Promise.race([ready, this.running]);
    }
    return Promise.resolve();
  }

  /** Messages of the stream this group has not acked yet, when the broker tells cheaply. */
  lag(): Promise<number | undefined> {
    return this.settings.transport.lag(this.settings.stream, this.settings.group).catch(() => undefined);
  }

  /** Events this consumer holds for a later retry. */
  get retryBacklog(): number {
    return this.settler.retrying.size;
  }

  /**
   * Stops reading, finishes the batch in hand (delivers, flushes, acks it), then closes
   * the backends and the transport (as configured). Events waiting for a retry stay
   * pending in the group: redelivered to this consumer name on restart, or claimed.
   */
  close(): Promise<void> {
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    this.stopping = true;
    await this.running;
    if (this.settings.closeBackends) {
      await Promise.all(
        this.backends.map((watched) =>
          Promise.resolve(watched.backend.close?.()).catch((error: unknown) => this.report(toError(error), { stage: 'close', component: watched.name })),
        ),
      );
    }
    this.reporter.flush();
    if (this.settings.closeTransport) {
      await this.settings.transport.close().catch((error: unknown) => this.report(toError(error), { stage: 'close', component: 'bus' }));
    }
  }

  private async loop(started: () => void): Promise<void> {
    const { transport, stream, group, consumer, batchSize, blockMs, claimIdleMs, claimInterval, maxMessageBytes: maxBodyBytes } = this.settings;
    let failures = 0;
    let ownPending = true;
    let pendingCursor: string | undefined;
    let claimMore = false;
    let ensured = false;
    // The next batch is read while this one is delivered (a read-ahead of one batch).
    let ahead: Promise<BusMessage[]> | undefined;
    while (!this.stopping || ahead) {
      try {
        if (!ensured) {
          await transport.ensureGroup(stream, group, { idleMs: claimIdleMs });
          ensured = true;
          started();
        }
        if (ownPending && !this.stopping) {
          // What this member left unacked before a restart is handled one message at a time: if
          // one of them kills the process again, the others' delivery counts do not rise with it.
          const pending = await transport.readOwnPending(stream, group, consumer, 1, { maxBodyBytes, after: pendingCursor });
          failures = 0;
          if (pending.length > 0) {
            pendingCursor = pending[0]!.ref;
            await this.handle(pending);
            continue;
          }
          ownPending = false;
        }
        const batch: BusMessage[] = [];
        const now = Date.now();
        batch.push(...this.settler.takeDue(now, batchSize - batch.length));
        if (!this.stopping && batch.length < batchSize && (claimMore || now - this.lastClaim >= claimInterval)) {
          this.lastClaim = now;
          const claimed = await transport.claim(stream, group, consumer, { minIdleMs: claimIdleMs, count: batchSize - batch.length, maxBodyBytes });
          claimMore = claimed.length >= batchSize - batch.length;
          // Our own messages waiting for a retry can come back as "idle": they are in hand already.
          const taken = claimed.filter((message) => !this.settler.retrying.has(message.ref));
          this.stats.claimed += taken.length;
          batch.push(...taken);
        }
        if (ahead) {
          const read = ahead;
          ahead = undefined;
          batch.push(...(await read));
        } else if (batch.length < batchSize && !this.stopping) {
          const wait = batch.length > 0 ? 0 : Math.min(blockMs, this.settler.nextRetryIn(now));
          batch.push(...(await transport.read(stream, group, consumer, { count: batchSize - batch.length, blockMs: wait, maxBodyBytes })));
        }
        failures = 0;
        if (batch.length === 0) continue;
        if (!this.stopping) {
          // Without a wait: if nothing is there yet, the next turn waits (no longer than the next retry).
          ahead = transport.read(stream, group, consumer, { count: batchSize, blockMs: 0, maxBodyBytes });
          ahead.catch(() => undefined); // awaited (and its error handled) on the next turn
        }
        await this.handle(batch);
      } catch (error) {
        failures++;
        const delay = backoffDelay(failures, { initial: 100, max: 5000 });
        this.reporter.note('read', () => new Error(`reading '${stream}' failed (retrying in ${delay} ms): ${toError(error).message}`), {
          stage: 'backend',
          component: `bus:${transport.kind}`,
        });
        if (!this.stopping) await sleep(delay);
      }
    }
    await this.settler.acked();
  }

  /** Delivers one batch, then acks, dead-letters or schedules a retry for each message. */
  private async handle(batch: BusMessage[]): Promise<void> {
    this.stats.received += batch.length;
    const toAck: BusMessage[] = [];
    const items: (DeliveryItem & { message: BusMessage; id: string; attempts: number; held: Held })[] = [];
    const inBatch = new Set<string>();
    for (const message of batch) {
      if (message.body === null && !message.withheld) {
        toAck.push(message); // deleted from the stream while pending: nothing to deliver
        continue;
      }
      // What cannot be delivered goes to the dead-letter stream at once: retrying it would change nothing.
      const refusal = message.unusable ?? refusalOf(message, this.settings);
      if (refusal !== undefined) {
        await this.settler.deadLetter(message, refusal, message.deliveries, []);
        continue;
      }
      let decoded;
      try {
        decoded = decodeEnvelope(message.body as string);
      } catch (error) {
        await this.settler.deadLetter(message, `cannot decode the message: ${toError(error).message}`, message.deliveries, []);
        continue;
      }
      const { id, event } = decoded;
      if (this.recent.has(id) || inBatch.has(id)) {
        this.stats.duplicates++;
        toAck.push(message);
        continue;
      }
      inBatch.add(id);
      const held = this.held.get(id) ?? { attempts: 0, done: new Set<string>() };
      const attempts = Math.max(held.attempts, message.deliveries - 1) + 1;
      items.push({ message, id, event, attempts, held, done: held.done });
    }
    await deliverBatch(items, this.backends, this.processors, this.report, this.settings.failClosed);
    for (const item of items) {
      const failures = item.failures;
      if (item.filtered || failures === undefined || failures.size === 0) {
        if (item.filtered) this.stats.filtered++;
        else this.stats.delivered++;
        this.recent.add(item.id);
        this.held.delete(item.id);
        toAck.push(item.message);
        continue;
      }
      const reason = [...failures].map(([name, error]) => `${name}: ${error.message}`).join('; ');
      if (item.attempts >= this.settings.maxAttempts) {
        this.held.delete(item.id);
        await this.settler.deadLetter(item.message, reason, item.attempts, [...item.done].sort(), item.event);
      } else {
        this.stats.retried++;
        item.held.attempts = item.attempts;
        this.hold(item.id, item.held);
        await this.settler.retryLater(item.message, item.attempts, reason, item.event);
      }
    }
    this.settler.ack(toAck);
  }

  private hold(id: string, held: Held): void {
    this.held.delete(id);
    this.held.set(id, held);
    if (this.held.size > 10000) this.held.delete(this.held.keys().next().value as string);
  }

  private readonly report: ErrorReporter = (error: Error, info: FailureInfo): void => {
    try {
      this.settings.onError(error, info);
    } catch {
      // onError must not throw
    }
  };
}

/**
 * Starts a consumer: it reads `stream` as member `consumer` of `group`, runs each event
 * through `processors`, hands it to every backend, and acks it only once every
 * backend has accepted it — sent without a failure, and flushed (see
 * {@link WatchedBackend} for what counts as a failure). Per read batch: send all,
 * flush the backends that received events, ack the events every backend accepted.
 * A failed event is retried with backoff (only on the backends that failed it);
 * after `maxAttempts` it goes to the dead-letter stream with the reason, and is
 * acked. Messages a dead member left pending are claimed after `claimIdleMs`.
 * Copies of an event (same bus id) within the dedupe window are acked and skipped.
 *
 * @returns the consumer, already reading; `await consumer.start()` to wait for its group.
 */
export function createEventBusConsumer(options: EventBusConsumerOptions): EventBusConsumer {
  const consumer = new EventBusConsumer(options);
  void consumer.start();
  return consumer;
}
