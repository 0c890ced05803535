import { toError } from '../core/errors';
import type { ThrottledReporter } from '../core/throttled-reporter';
import type { TrackedEvent } from '../core/types';
import { backoffDelay, sleep } from './backoff';
import type { ConsumerSettings, EventBusConsumerStats } from './consumer-options';
import type { BusMessage } from './transport';

/**
 * What a consumer does with a message once its delivery attempt is over: acks it (in
 * the background), schedules a retry, or moves it to the dead-letter stream.
 */
export class Settler {
  /** Messages the consumer retries itself (the broker cannot redeliver them), by ref. */
  readonly retrying = new Map<string, { message: BusMessage; due: number }>();
  private acking: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: ConsumerSettings,
    private readonly stats: EventBusConsumerStats,
    private readonly reporter: ThrottledReporter,
  ) {}

  /** Up to `max` messages whose retry is due, taken out of the retry list. */
  takeDue(now: number, max: number): BusMessage[] {
    const due: BusMessage[] = [];
    for (const [ref, entry] of this.retrying) {
      if (due.length >= max) break;
      if (entry.due > now) continue;
      this.retrying.delete(ref);
      due.push(entry.message);
    }
    return due;
  }

  /** Ms until the next retry is due (at least 1; Infinity when none is waiting). */
  nextRetryIn(now: number): number {
    let soonest = Infinity;
    for (const entry of this.retrying.values()) soonest = Math.min(soonest, entry.due - now);
    return Math.max(1, soonest);
  }

  /**
   * Schedules attempt `attempts + 1` after a backoff: the broker redelivers the message
   * (JetStream's nak with a delay), or the consumer keeps it for later (Redis) — then
   * at most half of `claimIdleMs` later, so that no other member claims it as idle.
   */
  async retryLater(message: BusMessage, attempts: number, reason?: string, event?: TrackedEvent): Promise<void> {
    const { transport, stream, group, retryDelay, maxRetryDelay, claimIdleMs, maxAttempts } = this.settings;
    const delay = backoffDelay(attempts, { initial: retryDelay, max: maxRetryDelay });
    if (reason !== undefined) {
      const eventName = typeof event?.name === 'string' ? event.name : undefined;
      const what = `event ${message.id || message.ref} failed (attempt ${attempts} of ${maxAttempts}), retrying in ${delay} ms: ${reason}`;
      this.reporter.note('retry', () => new Error(what), { stage: 'backend', component: 'bus', eventName });
    }
    const released = await transport.release(stream, group, message, delay).catch(() => false);
    if (!released) this.retrying.set(message.ref, { message, due: Date.now() + Math.min(delay, Math.floor(claimIdleMs / 2)) });
  }

  /** Moves a message to the dead-letter stream (which acks it); on failure, tries again later. */
  async deadLetter(message: BusMessage, reason: string, attempts: number, deliveredTo: string[], event?: TrackedEvent): Promise<void> {
    const { transport, stream, group, consumer } = this.settings;
    try {
      await transport.deadLetter(stream, group, message, { reason, attempts, consumer, deliveredTo });
      this.stats.deadLettered++;
      const eventName = typeof event?.name === 'string' ? event.name : undefined;
      this.reporter.note('dead-letter', () => new Error(`event ${message.id || message.ref} moved to the dead-letter stream after ${attempts} attempt(s): ${reason}`), {
        stage: 'backend',
        component: 'bus',
        eventName,
      });
    } catch (error) {
      this.reporter.note('dead-letter-failed', () => new Error(`could not dead-letter event ${message.id || message.ref}, will try again: ${toError(error).message}`), {
        stage: 'backend',
        component: 'bus',
      });
      await this.retryLater(message, attempts);
    }
  }

  /**
   * Acks in the background, one ack at a time and in order, so that the next batch is
   * delivered meanwhile; retried a few times (an event delivered and never acked comes
   * back, and is skipped as a copy). {@link Settler.acked} waits for the last one.
   */
  ack(messages: BusMessage[]): void {
    if (messages.length === 0) return;
    const { transport, stream, group } = this.settings;
    this.acking = this.acking.then(async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await transport.ack(stream, group, messages);
          return;
        } catch (error) {
          if (attempt >= 5) {
            const what = `could not ack ${messages.length} delivered events; they will come back and be skipped as copies: ${toError(error).message}`;
            this.reporter.note('ack', () => new Error(what), { stage: 'backend', component: 'bus' });
            return;
          }
          await sleep(backoffDelay(attempt, { initial: 100, max: 2000 }));
        }
      }
    });
  }

  /** Resolves when every ack started so far has ended. */
  acked(): Promise<void> {
    return this.acking;
  }
}
