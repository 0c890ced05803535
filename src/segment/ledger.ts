interface Waiter {
  remaining: Set<number>;
  resolve: () => void;
}

/**
 * Keeps count of the calls handed to the Segment client and not yet delivered or
 * failed, so that a backend can bound them and wait for them. Each call gets a
 * ticket when it is handed over and is settled once, when the client's callback
 * says how it ended.
 */
export class DeliveryLedger {
  /** Calls handed to the client. */
  sent = 0;
  /** Calls the endpoint accepted. */
  delivered = 0;
  /** Calls the client gave up on (after its retries, on a 4xx, on a timeout). */
  failed = 0;
  private nextTicket = 0;
  private readonly open = new Set<number>();
  private waiters: Waiter[] = [];

  /** Calls handed to the client and not settled yet. */
  get pending(): number {
    return this.open.size;
  }

  /** Records a call handed to the client; returns its ticket. */
  take(): number {
    const ticket = this.nextTicket++;
    this.open.add(ticket);
    this.sent++;
    return ticket;
  }

  /** Records how the call of `ticket` ended. Returns false if it had already ended. */
  settle(ticket: number, delivered: boolean): boolean {
    if (!this.open.delete(ticket)) return false;
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
    return new Promise((resolve) => this.waiters.push({ remaining: new Set(this.open), resolve }));
  }
}
