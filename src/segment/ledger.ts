interface Waiter {
  remaining: Set<number>;
  resolve: () => void;
}

/**
 * Keeps count of the calls handed to the Segment client and not yet delivered or
 * failed, and of their size, so that a backend can bound them and wait for them.
 * Each call gets a ticket when it is handed over and is settled once, when the
 * client's callback says how it ended.
 */
export class DeliveryLedger {
  /** Calls handed to the client. */
  sent = 0;
  /** Calls the endpoint accepted. */
  delivered = 0;
  /** Calls the client gave up on (after its retries, on a 4xx, on a timeout). */
  failed = 0;
  /** The bytes of the calls handed to the client and not settled yet. */
  pendingBytes = 0;
  private nextTicket = 0;
  /** The open tickets, each with its call's size in bytes. */
  private readonly open = new Map<number, number>();
  private waiters: Waiter[] = [];

  /** Calls handed to the client and not settled yet. */
  get pending(): number {
    return this.open.size;
  }

  /** Records a call of `bytes` bytes handed to the client; returns its ticket. */
  take(bytes: number): number {
    const ticket = this.nextTicket++;
    this.open.set(ticket, bytes);
    this.pendingBytes += bytes;
    this.sent++;
    return ticket;
  }

  /** Records how the call of `ticket` ended. Returns false if it had already ended. */
  settle(ticket: number, delivered: boolean): boolean {
    const bytes = this.open.get(ticket);
    if (bytes === undefined) return false;
    this.open.delete(ticket);
    this.pendingBytes -= bytes;
    if (delivered) this.delivered++;
    else this.failed++;
    if (this.waiters.length > 0) {
      this.waiters = this.waiters.filter((waiter) => {
        waiter.remaining.delete(ticket);
        if (waiter.remaining.size > 0) return true;
        waiter.resolve();
        return false;
      });
    }
    return true;
  }

  /** Resolves when every call handed over so far has been settled (later calls are not waited for). */
  settled(): Promise<void> {
    if (this.open.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ remaining: new Set(this.open.keys()), resolve }));
  }
}
