import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import type { ErrorReporter } from '../core/types';
import { isPlainObject } from '../encoding/objects';
import { checkOpenedxFormatAvailable, defaultOpenedxSource, type OpenedxSource } from './openedx-format';

/** The part of a node-redis (v5 or later) client this transport uses. */
export interface RedisClientLike {
  readonly isOpen: boolean;
  connect(): Promise<unknown>;
  sendCommand(args: (string | Buffer)[], options?: { typeMapping?: Record<number, unknown> }): Promise<unknown>;
  multi(): { addCommand(args: (string | Buffer)[]): unknown; exec(): Promise<unknown>; execAsPipeline(): Promise<unknown> };
  duplicate(): RedisClientLike;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close?(): Promise<void>;
  quit?(): Promise<unknown>;
  destroy?(): void;
}

function isRedisClient(value: unknown): value is RedisClientLike {
  const client = value as Record<string, unknown> | null;
  return typeof client === 'object' && client !== null && ['connect', 'sendCommand', 'multi', 'duplicate', 'on'].every((name) => typeof client[name] === 'function');
}

/** The options of a {@link RedisStreamTransport}. */
export const redisStreamTransportOptions = defineOptions('RedisStreamTransport', {
  /** The server, as a `redis://` (or `rediss://`, TLS) URL. Default: `'redis://127.0.0.1:6379'`. */
  url: option.instance<string>("a URL such as 'redis://127.0.0.1:6379'", (value) => typeof value === 'string' && /^rediss?:\/\/./.test(value)),
  /**
   * Your own node-redis client (connected or not). It is not closed by `close()`.
   * `url`, `clientOptions` and `maxReconnectDelay` are for the client this transport
   * creates: they are refused beside it. Default: a client this transport creates.
   */
  client: option.instance<RedisClientLike>('a node-redis client (createClient() of the redis package, v5 or later)', isRedisClient),
  /**
   * More `createClient` options for the client this transport creates, passed as they
   * are (node-redis's own names). Default: none.
   */
  clientOptions: option.instance<Record<string, unknown>>('an object of createClient options', isPlainObject),
  /**
   * The longest wait, in ms, between two reconnection attempts (they start at 50 ms and
   * grow by 50 ms per attempt). Commands issued while disconnected wait in node-redis's
   * offline queue and go out on reconnection. Default: 2000.
   */
  maxReconnectDelay: option.number({ min: 1, integer: true }),
  /** Appended to a stream's name to name its dead-letter stream. Default: `':dead'`. */
  deadLetterSuffix: option.string({ nonEmpty: true }),
  /**
   * How a batch is added: `'script'` runs one Lua script (`EVALSHA`) that `XADD`s every
   * event of the batch, atomically; `'pipeline'` sends one `XADD` per event in a
   * pipeline (for servers where scripts are not allowed; several times the client CPU).
   * `'script'` falls back to `'pipeline'` by itself if the server refuses scripts.
   * Default: `'script'`.
   */
  publishWith: option.oneOf(['script', 'pipeline'] as const),
  /**
   * The wire format of the stream entries. `'envelope'`: ours, one `id` and one `body`
   * (the JSON envelope) per entry, read only by this package's consumer. `'openedx'`:
   * openedx/event-bus-redis's, as the LMS writes tracking events with
   * `EVENT_BUS_PRODUCER` set: the headers `type`, `id`, `source`, `time`,
   * `minorversion`, `sourcehost`, `sourcelib` and `event_data`, the schemaless Avro of
   * the `org.openedx.analytics.tracking.event.emitted.v1` signal's `TrackingLogData`
   * (needs the `avsc` package). Its stream is `<EVENT_BUS_TOPIC_PREFIX>-analytics` (see
   * `openedxStreamName`). Default: `'envelope'`.
   */
  format: option.oneOf(['envelope', 'openedx'] as const),
  /**
   * With format `'openedx'`: each add trims the stream to about this many entries
   * (`XADD ... MAXLEN ~`), as event-bus-redis does with `EVENT_BUS_REDIS_STREAM_MAX_LEN`;
   * 0 never trims. Entries no group has read yet are trimmed too. Default: 10000.
   */
  maxLength: option.number({ min: 0, integer: true }),
  /** With format `'openedx'`: the `source` header, `openedx/<service>/web` in Open edX. Default: `'openedx/eventtracking/web'`. */
  source: option.string({ nonEmpty: true }),
  /** Receives connection errors (throttled) until a bus component binds its own reporter. Default: one line on stderr per report. */
  onError: option.function<ErrorReporter>(),
  /** The shortest time, in ms, between two connection-error reports. Default: 5000. */
  reportInterval: option.number({ min: 0, integer: true }),
});

/** Options of {@link RedisStreamTransport}. */
export type RedisStreamTransportOptions = OptionsOf<typeof redisStreamTransportOptions.fields>;

/**
 * With format `'openedx'`, the producer its header fields name (avsc loaded now: a missing
 * package is a construction error); otherwise undefined, and the format's own options
 * are refused.
 */
export function openedxProducer(options: RedisStreamTransportOptions): OpenedxSource | undefined {
  if (options.format !== 'openedx') {
    const given = (['maxLength', 'source'] as const).filter((key) => options[key] !== undefined);
    if (given.length > 0) {
      const [verb, pronoun] = given.length > 1 ? ['belong', 'them'] : ['belongs', 'it'];
      throw new OptionsError('RedisStreamTransport', `${given.join(' and ')} ${verb} to format 'openedx': give format: 'openedx' too, or leave ${pronoun} out`);
    }
    return undefined;
  }
  checkOpenedxFormatAvailable();
  return { ...defaultOpenedxSource(), ...(options.source === undefined ? {} : { source: options.source }) };
}

/** Closes a client: at once (`force`, a blocked reader) or after its replies. */
export async function closeClient(client: RedisClientLike, force: boolean): Promise<void> {
  if (!client.isOpen) return;
  try {
    if (force && client.destroy) client.destroy();
    else if (client.close) await client.close();
    else if (client.quit) await client.quit();
    else client.destroy?.();
  } catch {
    client.destroy?.();
  }
}
