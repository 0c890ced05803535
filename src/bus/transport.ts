/**
 * The one small interface between the event bus (its producer, {@link EventBusBackend},
 * and its consumer, {@link EventBusConsumer}) and a broker. Redis streams and NATS
 * JetStream implement it in a file each; a Kafka transport would be a third file.
 *
 * The bus hands a transport opaque records (`id` + `body`, the body being the JSON
 * envelope of `envelope.ts`); a transport never looks inside a body.
 */

/** One event to publish: its bus id and its encoded envelope. */
export interface BusRecord {
  /** The event's bus id (a UUID unless the producer chose otherwise). */
  readonly id: string;
  /** The encoded envelope (JSON text). */
  readonly body: string;
}

/** One message read from a consumer group. */
export interface BusMessage {
  /** The broker's handle of this delivery: a Redis entry id, a JetStream stream sequence. */
  readonly ref: string;
  /** The event's bus id, as the transport stored it beside the body (may be empty if absent). */
  readonly id: string;
  /**
   * The encoded envelope, or `null`: when the broker holds no body any more (a trimmed
   * entry), or when the transport left it out for its size (`withheld`).
   */
  readonly body: string | null;
  /** The body's size in bytes, when the transport knows it without measuring. */
  readonly bytes?: number;
  /**
   * True when the body was larger than the read's `maxBodyBytes` and the transport left
   * it with the broker: `body` is null, `bytes` says how large it is, and
   * {@link BusTransport.deadLetter} still moves the whole body.
   */
  readonly withheld?: boolean;
  /**
   * How many times the broker has delivered this message, this delivery included (1 on
   * the first), or 0 when the transport cannot tell cheaply.
   */
  readonly deliveries: number;
  /**
   * Why the transport could not make an envelope of what the broker holds (a message
   * of another format or signal): the consumer dead-letters it with this reason, at
   * once, without decoding `body`.
   */
  readonly unusable?: string;
}

/** What {@link BusTransport.read} is asked for. */
export interface ReadOptions {
  /** At most this many messages. */
  count: number;
  /** Wait at most this long, in ms, for the first message; 0 returns at once. */
  blockMs: number;
  /** Bodies larger than this, in bytes, may be left with the broker (see {@link BusMessage.withheld}). */
  maxBodyBytes?: number;
}

/** What {@link BusTransport.readOwnPending} is asked for besides its count. */
export interface PendingReadOptions {
  /** Only messages after this one (its `ref`); default: from the oldest. */
  after?: string;
  /** Bodies larger than this, in bytes, may be left with the broker (see {@link BusMessage.withheld}). */
  maxBodyBytes?: number;
}

/** What {@link BusTransport.claim} is asked for. */
export interface ClaimOptions {
  /** Claim only messages delivered to some consumer and not acked for at least this long, in ms. */
  minIdleMs: number;
  /** At most this many messages. */
  count: number;
  /** Bodies larger than this, in bytes, may be left with the broker (see {@link BusMessage.withheld}). */
  maxBodyBytes?: number;
}

/** Why a message is dead-lettered, written beside it in the dead-letter stream. */
export interface DeadLetterInfo {
  /** The reason, in one line. */
  reason: string;
  /** Delivery attempts made. */
  attempts: number;
  /** The consumer that gave up. */
  consumer: string;
  /** The backends that had accepted the event before the others failed it for good. */
  deliveredTo: string[];
}

/**
 * A broker as the bus sees it. Every method may be called before the transport has
 * connected (it connects on first use) and rejects on a broker error; callers retry.
 * `stream` is the bus stream's name; `group` a consumer group (a durable consumer in
 * JetStream); `consumer` one member of the group.
 */
export interface BusTransport {
  /** A short name for reports and progress lines: `'redis'`, `'nats'`. */
  readonly kind: string;
  /**
   * Publishes `records` and resolves once the broker has acknowledged (stored) every
   * one of them; rejects otherwise (then any of them may or may not be stored: the
   * caller publishes the batch again, and the ids make the copies one event).
   */
  publish(stream: string, records: readonly BusRecord[]): Promise<void>;
  /**
   * Creates the stream and the group if missing (the group reads from the stream's
   * start). `idleMs` is the consumer's `claimIdleMs`, for brokers that redeliver
   * unacked messages by themselves after a set time (JetStream's ack wait).
   */
  ensureGroup(stream: string, group: string, options?: { idleMs?: number }): Promise<void>;
  /**
   * Messages this consumer has been given before and not acked (after a restart under
   * the same consumer name). Transports whose broker redelivers such messages by itself
   * return none.
   */
  readOwnPending(stream: string, group: string, consumer: string, count: number, options?: PendingReadOptions): Promise<BusMessage[]>;
  /** New messages for `consumer`, waiting up to `blockMs` for the first. */
  read(stream: string, group: string, consumer: string, options: ReadOptions): Promise<BusMessage[]>;
  /** Acknowledges messages: the group is done with them. */
  ack(stream: string, group: string, messages: readonly BusMessage[]): Promise<void>;
  /**
   * Takes over messages delivered to another consumer (presumably dead) and left
   * unacked for at least `minIdleMs`. Transports whose broker redelivers such messages
   * by itself (JetStream's ack wait) return none.
   */
  claim(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<BusMessage[]>;
  /**
   * Asks the broker to deliver `message` again after `delayMs` (JetStream's nak with a
   * delay). Resolves `false` when the broker cannot (Redis): the caller keeps the
   * message and retries it itself.
   */
  release(stream: string, group: string, message: BusMessage, delayMs: number): Promise<boolean>;
  /**
   * Writes `message` to the stream's dead-letter stream with `info`, then acknowledges
   * (terminates) it: it is never delivered to this group again.
   */
  deadLetter(stream: string, group: string, message: BusMessage, info: DeadLetterInfo): Promise<void>;
  /** Messages of the stream the group has not acked yet (undelivered + pending), if cheaply known. */
  lag(stream: string, group: string): Promise<number | undefined>;
  /** Releases the connections this transport opened. */
  close(): Promise<void>;
}
