import type { BusRecord } from '../bus/transport';
import type { DeadLetter } from './dead-letters';
import type { LrsClient } from './lrs-client';

/** What {@link StatementDelivery} tells its owner. */
export interface DeliveryEvents {
  /** The LRS refused this statement on its own (400 or 413): it will not be sent again. */
  onRejected(letter: DeadLetter, statementId: string): void;
}

/**
 * Delivers batches of statements (records: statement id + JSON text) to an LRS, in
 * the shape the bus's `BatchPublisher` calls a transport: `publish` resolves once
 * every statement of the batch has its verdict, and throws the `LrsRequestError` of
 * a failure to retry (the publisher retries the batch with backoff and `Retry-After`).
 *
 * A batch the LRS refuses as a whole — a 400 for one invalid statement, a 409 for one
 * id it holds with other content, a 413 — is split in halves, and those again, until
 * the statement at fault is alone: the others are stored, the lone one settled (a 409
 * counts as stored, as Open edX's event-routing-backends counts it; a 400 or 413 is
 * rejected and dead-lettered). A statement settled once is not sent again when a
 * later failure of its batch makes the publisher retry it.
 */
export class StatementDelivery {
  /** Statements the LRS stored. */
  stored = 0;
  /** Statements it held already (left out of a 200's ids, a 204, a 409 for one statement). */
  alreadyStored = 0;
  /** Statements it rejected on their own (400, 413). */
  rejected = 0;
  /** Requests made. */
  requests = 0;
  private readonly settled = new WeakSet<BusRecord>();

  constructor(
    private readonly client: LrsClient,
    private readonly events: DeliveryEvents,
  ) {}

  /** Whether `record` has its verdict (stored, held already, or rejected). */
  isSettled(record: BusRecord): boolean {
    return this.settled.has(record);
  }

  /** Delivers `records` (the stream argument of the bus transport interface is unused). */
  async publish(_stream: string, records: readonly BusRecord[]): Promise<void> {
    await this.deliver(records.filter((record) => !this.settled.has(record)));
  }

  private async deliver(records: readonly BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.requests++;
    const outcome = await this.client.post(records.map((record) => record.body));
    if (outcome.kind === 'stored') {
      const fresh = outcome.storedIds === undefined ? records.length : Math.min(records.length, outcome.storedIds.length);
      this.stored += fresh;
      this.alreadyStored += records.length - fresh;
      for (const record of records) this.settled.add(record);
      return;
    }
    if (records.length > 1) {
      const half = Math.ceil(records.length / 2);
      await this.deliver(records.slice(0, half));
      await this.deliver(records.slice(half));
      return;
    }
    const record = records[0] as BusRecord;
    this.settled.add(record);
    if (outcome.kind === 'conflict') {
      this.alreadyStored++;
      return;
    }
    this.rejected++;
    this.events.onRejected({ reason: 'rejected', detail: `${outcome.status}: ${outcome.detail}`, statement: record.body }, record.id);
  }
}
