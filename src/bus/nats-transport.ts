import type { JetStreamClient, JetStreamManager, JsMsg, NatsConnection } from 'nats';
import { logFailure, toError } from '../core/errors';
import { OptionsError } from '../core/options';
import { ThrottledReporter } from '../core/throttled-reporter';
import type { ErrorReporter } from '../core/types';
import { NatsFeed } from './nats-feed';
import { natsJetStreamTransportOptions, type NatsJetStreamTransportOptions } from './nats-transport-options';
import { requireOptional } from './optional-require';
import type { BusMessage, BusRecord, BusTransport, DeadLetterInfo, ReadOptions } from './transport';

type NatsModule = typeof import('nats');

export type { NatsConnectionLike, NatsJetStreamTransportOptions } from './nats-transport-options';

/**
 * A {@link BusTransport} on NATS JetStream. A bus stream `S` is a JetStream stream
 * named `S` (so a name without `.`, `*`, `>` or spaces) holding the subjects `S.events`
 * (the events) and `S.dead` (the dead letters); a consumer group is a durable pull
 * consumer on `S.events` with explicit acks. Each event is published with its id as
 * `Nats-Msg-Id`, so JetStream drops a re-published copy within the duplicate window.
 * A failed message is nak'ed with a delay (JetStream redelivers it); a dead one is
 * published to `S.dead` with the reason in headers, then terminated. There is nothing
 * to claim: JetStream redelivers what a dead consumer left unacked once the group's
 * ack wait (the consumer's `claimIdleMs`) has passed.
 *
 * A message's size is bounded by the server's `max_payload` (1 MB by default); a body
 * over a read's `maxBodyBytes` is handed out `withheld`, never decoded.
 */
export class NatsJetStreamTransport implements BusTransport {
  readonly kind = 'nats';
  private readonly settings: NatsJetStreamTransportOptions;
  private readonly nats: NatsModule;
  private connecting?: Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }>;
  private readonly streams = new Map<string, Promise<void>>();
  private readonly feeds = new Map<string, NatsFeed>();
  private readonly held = new WeakMap<BusMessage, JsMsg>();
  private readonly reporter: ThrottledReporter;
  private report: ErrorReporter;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private closed = false;

  /** The options of a NatsJetStreamTransport; `createTracker` and `edxDefaults({ bus })` check configuration data with it. */
  static readonly options = natsJetStreamTransportOptions;

  constructor(given: NatsJetStreamTransportOptions = {}) {
    const options = natsJetStreamTransportOptions.check(given);
    const forOwnConnection = (['servers', 'connectionOptions'] as const).filter((key) => options[key] !== undefined);
    if (options.connection && forOwnConnection.length > 0) {
      throw new OptionsError('NatsJetStreamTransport', `give connection, or ${forOwnConnection.join(' and ')} for the connection this transport opens, not both`);
    }
    this.settings = options;
    this.nats = requireOptional<NatsModule>('nats', 'NatsJetStreamTransport');
    this.report = options.onError ?? logFailure;
    this.reporter = new ThrottledReporter(() => this.report, 5000);
  }

  /** Connection errors go to `report` from now on. */
  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
  }

  /** The subject events of `stream` are published on. */
  eventsSubject(stream: string): string {
    return `${stream}.events`;
  }

  /** The subject dead letters of `stream` are published on. */
  deadLetterSubject(stream: string): string {
    return `${stream}.dead`;
  }

  async publish(stream: string, records: readonly BusRecord[]): Promise<void> {
    const { js } = await this.ready();
    await this.ensureStream(stream);
    const subject = this.eventsSubject(stream);
    const timeout = this.settings.publishTimeout ?? 5000;
    await Promise.all(records.map((record) => js.publish(subject, this.encoder.encode(record.body), { msgID: record.id, timeout })));
  }

  async ensureGroup(stream: string, group: string, options: { idleMs?: number } = {}): Promise<void> {
    const { jsm } = await this.ready();
    await this.ensureStream(stream);
    const ackWait = this.nats.nanos(options.idleMs ?? 30000);
    try {
      const info = await jsm.consumers.info(stream, group);
      if (info.config.ack_wait !== ackWait) await jsm.consumers.update(stream, group, { ack_wait: ackWait });
    } catch (error) {
      if (!/not found/i.test(toError(error).message)) throw error;
      await jsm.consumers.add(stream, {
        durable_name: group,
        ack_policy: this.nats.AckPolicy.Explicit,
        deliver_policy: this.nats.DeliverPolicy.All,
        filter_subject: this.eventsSubject(stream),
        ack_wait: ackWait,
        max_deliver: -1,
        max_ack_pending: 20000,
      });
    }
  }

  async readOwnPending(): Promise<BusMessage[]> {
    return []; // JetStream redelivers unacked messages by itself after the ack wait
  }

  async read(stream: string, group: string, _consumer: string, options: ReadOptions): Promise<BusMessage[]> {
    const feed = await this.feed(stream, group, options.count);
    const batch = await feed.take(options.count, options.blockMs).catch((error: unknown) => {
      this.feeds.delete(`${stream}\u0000${group}`);
      throw error;
    });
    if (feed.ended) this.feeds.delete(`${stream}\u0000${group}`);
    return batch.map((msg) => {
      const bytes = msg.data.length;
      const withheld = options.maxBodyBytes !== undefined && bytes > options.maxBodyBytes;
      const message: BusMessage = {
        ref: String(msg.seq),
        id: msg.headers?.get('Nats-Msg-Id') ?? '',
        // A body over the limit is never decoded: its bytes stay as they came, for the dead letter.
        body: withheld ? null : this.decoder.decode(msg.data),
        bytes,
        withheld,
        deliveries: msg.info.deliveryCount,
      };
      this.held.set(message, msg);
      return message;
    });
  }

  async ack(_stream: string, _group: string, messages: readonly BusMessage[]): Promise<void> {
    const { nc } = await this.ready();
    for (const message of messages) this.held.get(message)?.ack();
    await nc.flush();
  }

  async claim(): Promise<BusMessage[]> {
    return []; // see the class comment: the ack wait does it
  }

  async release(_stream: string, _group: string, message: BusMessage, delayMs: number): Promise<boolean> {
    const msg = this.held.get(message);
    if (!msg) return false;
    msg.nak(delayMs);
    return true;
  }

  async deadLetter(stream: string, group: string, message: BusMessage, info: DeadLetterInfo): Promise<void> {
    const { js, nc } = await this.ready();
    const headers = this.nats.headers();
    headers.set('Eventtracking-Id', message.id);
    headers.set('Eventtracking-Reason', info.reason.replace(/[\r\n]+/g, ' '));
    headers.set('Eventtracking-Group', group);
    headers.set('Eventtracking-Consumer', info.consumer);
    headers.set('Eventtracking-Attempts', String(info.attempts));
    headers.set('Eventtracking-Delivered-To', info.deliveredTo.join(','));
    headers.set('Eventtracking-Source-Seq', message.ref);
    const body = this.held.get(message)?.data ?? this.encoder.encode(message.body ?? '');
    await js.publish(this.deadLetterSubject(stream), body, { headers, msgID: `${message.id || message.ref}:dead:${group}` });
    this.held.get(message)?.term();
    await nc.flush();
  }

  async lag(stream: string, group: string): Promise<number | undefined> {
    const { jsm } = await this.ready();
    const info = await jsm.consumers.info(stream, group);
    return info.num_pending + info.num_ack_pending;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reporter.flush();
    const feeds = [...this.feeds.values()];
    this.feeds.clear();
    // Messages fetched and never handed out go back at once, rather than after the ack wait.
    for (const feed of feeds) for (const msg of await feed.stop()) msg.nak();
    if (!this.connecting) return;
    const { nc } = await this.connecting.catch(() => ({ nc: undefined }));
    if (!nc || nc.isClosed()) return;
    await nc.flush().catch(() => undefined);
    if (!this.settings.connection) await nc.close();
  }

  private ready(): Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
    if (this.closed) return Promise.reject(new Error('the NATS transport is closed'));
    this.connecting ??= this.open().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  private async open(): Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
    const nc = (this.settings.connection as NatsConnection | undefined) ??
      (await this.nats.connect({
        servers: this.settings.servers ?? 'nats://127.0.0.1:4222',
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
        waitOnFirstConnect: true,
        ...this.settings.connectionOptions,
      }));
    void this.watch(nc);
    return { nc, js: nc.jetstream(), jsm: await nc.jetstreamManager() };
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      if (this.closed) return;
      if (status.type === 'disconnect' || status.type === 'error') {
        this.reporter.note('connection', () => new Error(`NATS connection: ${status.type} ${String(status.data)} (reconnecting)`), {
          stage: 'backend',
          component: 'bus:nats',
        });
      }
    }
  }

  private ensureStream(stream: string): Promise<void> {
    let ensured = this.streams.get(stream);
    if (!ensured) {
      ensured = this.createStream(stream).catch((error: unknown) => {
        this.streams.delete(stream);
        throw error;
      });
      this.streams.set(stream, ensured);
    }
    return ensured;
  }

  private async createStream(stream: string): Promise<void> {
    const { jsm } = await this.ready();
    try {
      await jsm.streams.info(stream);
    } catch (error) {
      if (!/not found/i.test(toError(error).message)) throw error;
      await jsm.streams.add({
        name: stream,
        subjects: [this.eventsSubject(stream), this.deadLetterSubject(stream)],
        storage: this.settings.storage === 'memory' ? this.nats.StorageType.Memory : this.nats.StorageType.File,
        retention: this.nats.RetentionPolicy.Limits,
        duplicate_window: this.nats.nanos(this.settings.duplicateWindow ?? 120000),
        ...this.settings.streamConfig,
      });
    }
  }

  private async feed(stream: string, group: string, count: number): Promise<NatsFeed> {
    const key = `${stream}\u0000${group}`;
    let feed = this.feeds.get(key);
    if (!feed) {
      const { js } = await this.ready();
      const consumer = await js.consumers.get(stream, group);
      const messages = await consumer.consume({ max_messages: Math.max(count * 2, 100) });
      feed = new NatsFeed(messages, Math.max(count * 2, 100));
      this.feeds.set(key, feed);
    }
    return feed;
  }
}
