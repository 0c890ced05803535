import type { ConsumerMessages, JsMsg } from 'nats';

/**
 * Turns a JetStream pull consumer's `consume()` iterator into batches on demand: a
 * background loop moves messages into a local queue of at most `limit`, pausing the
 * iterator (and with it the client's pull requests, which it issues as it is
 * iterated) while the queue is full, so no more than about `limit` messages wait
 * here unacknowledged.
 */
export class NatsFeed {
  private readonly queue: JsMsg[] = [];
  private wake?: () => void;
  private space?: () => void;
  private stopped = false;
  /** The error that ended the iterator, if one did. */
  failure?: Error;
  /** Whether the iterator has ended (stopped, or failed): a new feed is needed. */
  ended = false;
  readonly done: Promise<void>;

  constructor(
    private readonly messages: ConsumerMessages,
    private readonly limit: number,
  ) {
    this.done = this.pump();
  }

  /** Up to `count` messages, waiting up to `blockMs` for the first. */
  async take(count: number, blockMs: number): Promise<JsMsg[]> {
    if (this.queue.length === 0 && blockMs > 0 && !this.stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, blockMs);
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = undefined;
    }
    if (this.failure && this.queue.length === 0) throw this.failure;
    const batch = this.queue.splice(0, count);
    this.space?.();
    return batch;
  }

  /** Stops the iterator and hands back what was queued and not taken (the caller naks it). */
  async stop(): Promise<JsMsg[]> {
    this.stopped = true;
    this.wake?.();
    this.space?.();
    await this.messages.close().catch(() => undefined);
    await this.done;
    return this.queue.splice(0);
  }

  private async pump(): Promise<void> {
    try {
      for await (const message of this.messages) {
        this.queue.push(message);
        this.wake?.();
        while (this.queue.length >= this.limit && !this.stopped) {
          await new Promise<void>((resolve) => (this.space = resolve));
          this.space = undefined;
        }
        if (this.stopped) break;
      }
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
    } finally {
      this.ended = true;
      this.stopped = true;
      this.wake?.();
    }
  }
}
