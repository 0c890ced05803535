import { logFailure } from '../core/errors';
import { OptionsError } from '../core/options';
import { ThrottledReporter } from '../core/throttled-reporter';
import type { ErrorReporter } from '../core/types';
import { requireOptional } from './optional-require';
import { closeClient, openedxProducer, redisStreamTransportOptions, type RedisClientLike, type RedisStreamTransportOptions } from './redis-transport-options';
import { autoclaimReply, compareStreamIds, errorText, groupInfo, pairsOf, pendingCounts, readReply, type EntryReader } from './redis-replies';
import { BOUNDED_READ, DEAD_LETTER_ENTRY, DEAD_LETTER_IN_PLACE, refusesScripts, type RedisScript } from './redis-scripts';
import { envelopeBatch, openedxBatch } from './redis-batches';
import { AS_BYTES, openedxEntriesToMessages } from './openedx-entries';
import type { OpenedxSource } from './openedx-format';
import type { BusMessage, BusRecord, BusTransport, ClaimOptions, DeadLetterInfo, PendingReadOptions, ReadOptions } from './transport';

export type { RedisClientLike, RedisStreamTransportOptions } from './redis-transport-options';

/**
 * A {@link BusTransport} on Redis streams (Redis 6.2 or later): one entry per event,
 * with the event id in the entry (`id`, `body` fields), a batch added by one Lua script
 * that `XADD`s each event (or a pipeline of `XADD`s), `XREADGROUP ... BLOCK` on a connection of its
 * own, `XACK`, `XAUTOCLAIM` to take over what a dead consumer left pending, and a
 * dead-letter stream `<stream>:dead` written and acked in one `MULTI`. Groups are
 * created with `MKSTREAM` from the stream's start (`0`), and re-created if the stream
 * vanished (a Redis restarted without persistence).
 *
 * Reads asked for a `maxBodyBytes` that do not block (a consumer's reads while it has
 * work, its own pending entries, claims) run in a Lua script that leaves every larger
 * body with the server: such an entry comes back `withheld`, and its dead letter is
 * copied server-side. A blocking read, after an idle spell, asks for one entry, which
 * comes whole whatever its size. Servers that refuse scripts get plain commands.
 *
 * In its own format it never trims with `MAXLEN`: under a slow consumer that deletes events no group has
 * read. Trim with {@link RedisStreamTransport.trimAcked} (only entries every group has
 * acked), or leave retention to operators.
 *
 * With `format: 'openedx'` it reads and writes event-bus-redis's entries instead (see
 * the option): it publishes what the LMS publishes, trimmed as the LMS trims, and its
 * reads turn each entry into an envelope for the consumer, or mark it `unusable`.
 * Reads then come whole (no body is left with the server), and a dead letter copies
 * the entry's own fields.
 */
export class RedisStreamTransport implements BusTransport {
  readonly kind = 'redis';
  /** The dead-letter stream of `stream`. */
  readonly deadLetterStream: (stream: string) => string;
  private readonly client: RedisClientLike;
  private reader?: RedisClientLike;
  private readonly ownsClient: boolean;
  private readonly connecting = new Map<RedisClientLike, Promise<void>>();
  private readonly cursors = new Map<string, string>();
  private readonly reporter: ThrottledReporter;
  private report: ErrorReporter;
  private closed = false;
  private publishWith: 'script' | 'pipeline';
  /** Whether reads can run in scripts (false once the server has refused one). */
  private readInScripts = true;
  /** With format 'openedx': the producer the header fields name. */
  private readonly openedx?: OpenedxSource;
  /** With format 'openedx': `MAXLEN ~` of each add ('0': none). */
  private readonly maxLength: string;
  private readonly toMessages?: EntryReader;

  /** The options of a RedisStreamTransport; `createTracker` and `edxDefaults({ bus })` check configuration data with it. */
  static readonly options = redisStreamTransportOptions;

  constructor(given: RedisStreamTransportOptions = {}) {
    const options = redisStreamTransportOptions.check(given);
    const forOwnClient = (['url', 'clientOptions', 'maxReconnectDelay'] as const).filter((key) => options[key] !== undefined);
    if (options.client && forOwnClient.length > 0) {
      throw new OptionsError('RedisStreamTransport', `give client, or ${forOwnClient.join(' and ')} for the client this transport creates, not both`);
    }
    this.openedx = openedxProducer(options);
    if (this.openedx) this.toMessages = openedxEntriesToMessages;
    this.maxLength = String(options.maxLength ?? 10000);
    this.publishWith = options.publishWith ?? 'script';
    const suffix = options.deadLetterSuffix ?? ':dead';
    this.deadLetterStream = (stream) => `${stream}${suffix}`;
    this.report = options.onError ?? logFailure;
    this.reporter = new ThrottledReporter(() => this.report, options.reportInterval ?? 5000);
    this.ownsClient = options.client === undefined;
    if (options.client) {
      this.client = options.client;
    } else {
      const redis = requireOptional<{ createClient(options: Record<string, unknown>): RedisClientLike }>('redis', 'RedisStreamTransport');
      const maxDelay = options.maxReconnectDelay ?? 2000;
      const { socket, ...rest } = options.clientOptions ?? {};
      this.client = redis.createClient({
        url: options.url ?? 'redis://127.0.0.1:6379',
        ...rest,
        socket: { reconnectStrategy: (retries: number) => Math.min((retries + 1) * 50, maxDelay), ...(socket as object) },
      });
    }
    this.watch(this.client);
  }

  /** Connection errors go to `report` from now on. */
  bindErrorReporter(report: ErrorReporter): void {
    this.report = report;
  }

  async publish(stream: string, records: readonly BusRecord[]): Promise<void> {
    if (records.length === 0) return;
    const client = await this.ready(this.client);
    const batch = this.openedx ? openedxBatch(stream, records, this.openedx, this.maxLength) : envelopeBatch(stream, records);
    if (this.publishWith === 'script') {
      try {
        await this.runScript(client, batch.script, [stream], batch.scriptArgs);
        return;
      } catch (error) {
        // A server (or ACL) that refuses scripts: use plain XADDs from now on.
        if (!refusesScripts(errorText(error))) throw error;
        this.publishWith = 'pipeline';
      }
    }
    // One pipeline (not a transaction): several times cheaper in node-redis than a command per promise.
    const pipeline = client.multi();
    for (const command of batch.commands()) pipeline.addCommand(command);
    await pipeline.execAsPipeline();
  }

  async ensureGroup(stream: string, group: string): Promise<void> {
    const client = await this.ready(this.client);
    try {
      await client.sendCommand(['XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM']);
    } catch (error) {
      if (!errorText(error).startsWith('BUSYGROUP')) throw error;
    }
  }

  async readOwnPending(stream: string, group: string, consumer: string, count: number, options: PendingReadOptions = {}): Promise<BusMessage[]> {
    const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(count), 'STREAMS', stream, options.after ?? '0'];
    const messages = await this.groupCommand(this.client, stream, group, args, options.maxBodyBytes);
    return this.withDeliveryCounts(stream, group, consumer, messages);
  }

  async read(stream: string, group: string, consumer: string, options: ReadOptions): Promise<BusMessage[]> {
    const args = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(options.count), 'STREAMS', stream, '>'];
    const first = await this.groupCommand(this.client, stream, group, args, options.maxBodyBytes);
    if (first.length > 0 || options.blockMs <= 0) return first.map((message) => ({ ...message, deliveries: 1 }));
    // Nothing yet: wait for the next entry. A script cannot block, so this read is a plain
    // command, for one entry when bodies are bounded. A blocked read holds its connection,
    // so it gets one of its own. (BLOCK 0 would wait forever: blockMs is at least 1 here.)
    const count = options.maxBodyBytes === undefined ? options.count : 1;
    const blocking = ['XREADGROUP', 'GROUP', group, consumer, 'COUNT', String(count), 'BLOCK', String(options.blockMs), 'STREAMS', stream, '>'];
    const messages = await this.groupCommand((this.reader ??= this.watch(this.client.duplicate())), stream, group, blocking);
    return messages.map((message) => ({ ...message, deliveries: 1 }));
  }

  async ack(stream: string, group: string, messages: readonly BusMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const client = await this.ready(this.client);
    await client.sendCommand(['XACK', stream, group, ...messages.map((message) => message.ref)]);
  }

  async claim(stream: string, group: string, consumer: string, options: ClaimOptions): Promise<BusMessage[]> {
    const client = await this.ready(this.client);
    const key = `${stream}\u0000${group}`;
    const cursor = this.cursors.get(key) ?? '0-0';
    const args = ['XAUTOCLAIM', stream, group, consumer, String(options.minIdleMs), cursor, 'COUNT', String(options.count)];
    const reply = autoclaimReply(await this.boundedRead(client, stream, args, options.maxBodyBytes), this.toMessages);
    this.cursors.set(key, reply.cursor);
    return this.withDeliveryCounts(stream, group, consumer, reply.messages);
  }

  async release(): Promise<boolean> {
    return false; // a pending entry comes back only through a claim: the consumer retries it itself
  }

  async deadLetter(stream: string, group: string, message: BusMessage, info: DeadLetterInfo): Promise<void> {
    const client = await this.ready(this.client);
    const fields = [
      'reason', info.reason,
      'stream', stream,
      'group', group,
      'consumer', info.consumer,
      'attempts', String(info.attempts),
      'delivered_to', info.deliveredTo.join(','),
      'source_ref', message.ref,
      'at', new Date().toISOString(),
    ]; // prettier-ignore
    if (this.openedx) return this.deadLetterEntry(client, stream, group, message.ref, fields);
    if (message.withheld) {
      // The client never had the body: the server copies it.
      await this.runScript(client, DEAD_LETTER_IN_PLACE, [stream, this.deadLetterStream(stream)], [message.ref, group, message.id, ...fields]);
      return;
    }
    const multi = client.multi();
    multi.addCommand(['XADD', this.deadLetterStream(stream), '*', 'id', message.id, 'body', message.body ?? '', ...fields]);
    multi.addCommand(['XACK', stream, group, message.ref]);
    await multi.exec();
  }

  /** Dead-letters an entry as the producer wrote it (binary event_data included), then why it is there. */
  private async deadLetterEntry(client: RedisClientLike, stream: string, group: string, ref: string, fields: string[]): Promise<void> {
    try {
      await this.runScript(client, DEAD_LETTER_ENTRY, [stream, this.deadLetterStream(stream)], [ref, group, ...fields]);
    } catch (error) {
      if (!refusesScripts(errorText(error))) throw error;
      // No scripts: the entry's fields come to the client as bytes and go back in one MULTI.
      const entry = ((await client.sendCommand(['XRANGE', stream, ref, ref], AS_BYTES)) as [unknown, Buffer[]][])[0];
      const multi = client.multi();
      multi.addCommand(['XADD', this.deadLetterStream(stream), '*', ...(entry?.[1] ?? []), ...fields]);
      multi.addCommand(['XACK', stream, group, ref]);
      await multi.exec();
    }
  }

  async lag(stream: string, group: string): Promise<number | undefined> {
    const client = await this.ready(this.client);
    const info = groupInfo(await client.sendCommand(['XINFO', 'GROUPS', stream]), group);
    if (!info) return undefined;
    const lag = info.lag === null || info.lag === undefined ? undefined : Number(info.lag);
    return lag === undefined || Number.isNaN(lag) ? undefined : lag + Number(info.pending ?? 0);
  }

  /**
   * Deletes the entries of `stream` that every consumer group has acked (`XTRIM ...
   * MINID`, up to the oldest entry some group still has pending or has not read yet).
   * Does nothing when the stream has no group. Resolves the number of entries deleted.
   * Run it from a timer or a cron job; nothing in the bus calls it.
   */
  async trimAcked(stream: string): Promise<number> {
    const client = await this.ready(this.client);
    const groups = (await client.sendCommand(['XINFO', 'GROUPS', stream])) as unknown[];
    if (!Array.isArray(groups) || groups.length === 0) return 0;
    let keepFrom: string | undefined;
    for (const row of groups) {
      const fields = Object.fromEntries(pairsOf(row));
      let oldest = String(fields['last-delivered-id'] ?? '0-0');
      if (Number(fields.pending ?? 0) > 0) {
        const summary = (await client.sendCommand(['XPENDING', stream, String(fields.name)])) as unknown[];
        if (Array.isArray(summary) && summary[1] !== null && summary[1] !== undefined) oldest = String(summary[1]);
      }
      if (keepFrom === undefined || compareStreamIds(oldest, keepFrom) < 0) keepFrom = oldest;
    }
    if (keepFrom === undefined || keepFrom === '0-0') return 0;
    return Number(await client.sendCommand(['XTRIM', stream, 'MINID', keepFrom]));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reporter.flush();
    const reader = this.reader;
    if (reader) await closeClient(reader, true);
    if (this.ownsClient) await closeClient(this.client, false);
  }

  /**
   * Runs an XREADGROUP, in {@link BOUNDED_READ} when `maxBodyBytes` is given; re-creates
   * the group once if it is gone (NOGROUP).
   */
  private async groupCommand(connection: RedisClientLike, stream: string, group: string, args: string[], maxBodyBytes?: number): Promise<BusMessage[]> {
    const client = await this.ready(connection);
    try {
      return readReply(await this.boundedRead(client, stream, args, maxBodyBytes), stream, this.toMessages);
    } catch (error) {
      if (!errorText(error).includes('NOGROUP')) throw error;
      await this.ensureGroup(stream, group);
      return readReply(await this.boundedRead(client, stream, args, maxBodyBytes), stream, this.toMessages);
    }
  }

  /** Runs a read that does not block, leaving bodies over `maxBodyBytes` with the server when scripts are allowed. */
  private async boundedRead(client: RedisClientLike, stream: string, args: string[], maxBodyBytes?: number): Promise<unknown> {
    if (this.openedx) return client.sendCommand(args, AS_BYTES); // binary fields: no script reads them
    if (maxBodyBytes === undefined || !this.readInScripts) return client.sendCommand(args);
    try {
      return await this.runScript(client, BOUNDED_READ, [stream], [String(maxBodyBytes), ...args]);
    } catch (error) {
      if (!refusesScripts(errorText(error))) throw error;
      this.readInScripts = false; // the consumer still measures each body before it decodes one
      return client.sendCommand(args);
    }
  }

  /** EVALSHA, or EVAL when the server does not have the script yet. */
  private async runScript(client: RedisClientLike, script: RedisScript, keys: string[], args: (string | Buffer)[]): Promise<unknown> {
    try {
      return await client.sendCommand(['EVALSHA', script.sha, String(keys.length), ...keys, ...args]);
    } catch (error) {
      if (!errorText(error).startsWith('NOSCRIPT')) throw error;
      return client.sendCommand(['EVAL', script.text, String(keys.length), ...keys, ...args]);
    }
  }

  /** Fills in the delivery counts of messages this consumer now holds (one XPENDING over their range). */
  private async withDeliveryCounts(stream: string, group: string, consumer: string, messages: BusMessage[]): Promise<BusMessage[]> {
    const live = messages.filter((message) => message.body !== null || message.withheld);
    if (live.length === 0) return messages;
    const refs = live.map((message) => message.ref).sort(compareStreamIds);
    const args = ['XPENDING', stream, group, refs[0] as string, refs[refs.length - 1] as string, String(messages.length * 2 + 10), consumer];
    const counts = pendingCounts(await this.client.sendCommand(args));
    return messages.map((message) => ({ ...message, deliveries: counts.get(message.ref) ?? 0 }));
  }

  private async ready(client: RedisClientLike): Promise<RedisClientLike> {
    if (this.closed) throw new Error('the Redis transport is closed');
    let connecting = this.connecting.get(client);
    if (!connecting) {
      // node-redis sets isOpen as connect() starts: await our own connect() rather than trust it,
      // so that the first batch is not overtaken by the second.
      if (client.isOpen) return client;
      connecting = client.connect().then(
        () => undefined,
        (error: unknown) => {
          this.connecting.delete(client);
          throw error;
        },
      );
      this.connecting.set(client, connecting);
    }
    await connecting;
    return client;
  }

  private watch(client: RedisClientLike): RedisClientLike {
    client.on('error', (error: Error) => {
      if (this.closed) return;
      this.reporter.note('connection', () => new Error(`Redis connection: ${error.message} (reconnecting)`), {
        stage: 'backend',
        component: 'bus:redis',
      });
    });
    return client;
  }
}
