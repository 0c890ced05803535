import { defineOptions, option, type OptionsOf } from '../core/options';
import type { ErrorReporter } from '../core/types';
import { isPlainObject } from '../encoding/objects';

/** The part of a `nats` connection this transport uses (a `NatsConnection` of the `nats` package, v2.29). */
export interface NatsConnectionLike {
  jetstream(): unknown;
  jetstreamManager(): Promise<unknown>;
  flush(): Promise<void>;
  close(): Promise<void>;
  isClosed(): boolean;
}

function isNatsConnection(value: unknown): value is NatsConnectionLike {
  const connection = value as Record<string, unknown> | null;
  return (
    typeof connection === 'object' &&
    connection !== null &&
    ['jetstream', 'jetstreamManager', 'flush', 'close', 'isClosed'].every((name) => typeof connection[name] === 'function')
  );
}

const server = option.string({ nonEmpty: true });

/** The options of a {@link NatsJetStreamTransport}. */
export const natsJetStreamTransportOptions = defineOptions('NatsJetStreamTransport', {
  /** The server(s), such as `'nats://127.0.0.1:4222'`. Default: `'nats://127.0.0.1:4222'`. */
  servers: option.anyOf(server, option.arrayOf(server)),
  /**
   * Your own connection; it is not closed by `close()`. `servers` and
   * `connectionOptions` are for the connection this transport opens: they are refused
   * beside it. Default: one this transport opens.
   */
  connection: option.instance<NatsConnectionLike>('a NATS connection (connect() of the nats package)', isNatsConnection),
  /** More `connect()` options for the connection this transport opens, passed as they are. Default: none. */
  connectionOptions: option.instance<Record<string, unknown>>('an object of connect() options', isPlainObject),
  /**
   * How long, in ms, JetStream remembers a `Nats-Msg-Id` to drop a re-published copy
   * (the stream's `duplicate_window`, set when this transport creates the stream).
   * Default: 120000 (JetStream's own default).
   */
  duplicateWindow: option.number({ min: 1, integer: true }),
  /** Where a stream this transport creates keeps its messages. Default: `'file'`. */
  storage: option.oneOf(['file', 'memory'] as const),
  /**
   * More settings for a stream this transport creates, under JetStream's own names
   * (`max_age`, `max_bytes`, `num_replicas`...), passed as they are. Default: none.
   */
  streamConfig: option.instance<Record<string, unknown>>('an object of JetStream stream settings', isPlainObject),
  /** How long, in ms, a publish waits for JetStream's acknowledgement. Default: 5000. */
  publishTimeout: option.number({ min: 1, integer: true }),
  /** Receives connection errors (throttled) until a bus component binds its own reporter. Default: one line on stderr per report. */
  onError: option.function<ErrorReporter>(),
});

/** Options of {@link NatsJetStreamTransport}. */
export type NatsJetStreamTransportOptions = OptionsOf<typeof natsJetStreamTransportOptions.fields>;
