import os from 'node:os';
import { logFailure } from '../core/errors';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { backendsOption, processorsOption } from '../core/routing';
import type { Backend, ErrorReporter, Processor } from '../core/types';
import type { BusTransport } from './transport';

const COMPONENT = 'createEventBusConsumer';

/** The default of `maxMessageBytes`: 1 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;
const int = (min: number) => option.number({ min, integer: true });

/** The options of {@link createEventBusConsumer} (and of `new EventBusConsumer`). */
export const eventBusConsumerOptions = defineOptions(COMPONENT, {
  /** The broker: a {@link RedisStreamTransport}, a {@link NatsJetStreamTransport}, or your own. Required. */
  transport: option.instance<BusTransport>(
    'a bus transport (for example new RedisStreamTransport({ url }))',
    (value) => typeof (value as Partial<BusTransport> | null)?.read === 'function',
  ),
  /** The bus stream to read. Required. */
  stream: option.string({ nonEmpty: true }),
  /**
   * The consumer group. Each group gets every event once (its members share the work);
   * a group created by the consumer reads from the stream's start. Required.
   */
  group: option.string({ nonEmpty: true }),
  /**
   * This member's name in the group. Restarting under the same name picks up what the
   * previous run left unacked at once, one message at a time (Redis); another name claims
   * it after `claimIdleMs`.
   * Default: `<hostname>-<pid>`.
   */
  consumer: option.string({ nonEmpty: true }),
  /** The backends, by name; called in sorted-name order. Default: none. */
  backends: backendsOption,
  /** Processors run on each event before the backends, as in a RoutingBackend. Default: none. */
  processors: processorsOption,
  /** What a processor that throws does: as RoutingBackend's `failClosed`. Default: false. */
  failClosed: option.boolean(),
  /** The most messages read (and delivered, flushed, acked) as one batch. Default: 100. */
  batchSize: int(1),
  /** The longest wait, in ms, of one read for new messages (bounds how long `close()` waits for it). Default: 1000. */
  blockMs: int(1),
  /**
   * Delivery attempts before an event is moved to the dead-letter stream. A message the
   * broker has delivered more times than this (attempts that never ended, as when a
   * consumer died handling it) is moved there before it is handled again. Default: 5.
   */
  maxAttempts: int(1),
  /**
   * The largest message, in bytes of its body, the consumer decodes; a larger one is
   * moved to the dead-letter stream at once. Reads that do not block leave larger bodies
   * with the broker (Redis, by a script; NATS, undecoded), so a batch holds at most
   * `batchSize` × this. Default: 1048576 (1 MiB: NATS's default `max_payload`, twenty
   * times the longest line a LoggerBackend writes by default).
   */
  maxMessageBytes: int(1),
  /** The wait, in ms, before the first retry of a failed event; it doubles per attempt. Default: 500. */
  retryDelay: int(0),
  /** The longest wait, in ms, before a retry. Default: 10000. */
  maxRetryDelay: int(0),
  /**
   * A message delivered to a member and not acked for this long, in ms, is taken over
   * (Redis: claimed by `XAUTOCLAIM`; JetStream: the group's ack wait, after which it is
   * redelivered). It must be longer than the slowest batch takes. Default: 30000.
   */
  claimIdleMs: int(1),
  /** How often, in ms, to look for messages to claim. Default: half of `claimIdleMs`, at least 100. */
  claimInterval: int(1),
  /**
   * How many recent event ids are remembered to skip copies (the dedupe window, in
   * events; about 100 bytes each). Default: 100000.
   */
  dedupeWindow: int(0),
  /** How long, in ms, a backend's flush may take before its batch counts as failed. Default: 30000. */
  flushTimeout: int(1),
  /** Whether `close()` closes the backends. Default: true. */
  closeBackends: option.boolean(),
  /** Whether `close()` closes the transport. Default: true. */
  closeTransport: option.boolean(),
  /** The shortest time, in ms, between two reports of the same kind (read errors...). Default: 5000. */
  reportInterval: int(0),
  /** Receives every failure (backends', processors', the broker's). Default: one line on stderr. */
  onError: option.function<ErrorReporter>(),
});

/** Options of {@link createEventBusConsumer}: `transport`, `stream` and `group` are required. */
export type EventBusConsumerOptions = OptionsOf<typeof eventBusConsumerOptions.fields> & { transport: BusTransport; stream: string; group: string };

/** Counters of an {@link EventBusConsumer}. */
export interface EventBusConsumerStats {
  /** Messages read (claimed and retried ones included). */
  received: number;
  /** Events every backend accepted, then acked. */
  delivered: number;
  /** Events a processor dropped (`EventEmissionExit`), acked. */
  filtered: number;
  /** Copies of an event already delivered (or in hand), acked without delivery. */
  duplicates: number;
  /** Failed delivery attempts that were retried. */
  retried: number;
  /** Events moved to the dead-letter stream. */
  deadLettered: number;
  /** Messages taken over from another member (Redis). */
  claimed: number;
}

/** {@link EventBusConsumerOptions} checked, with their defaults. */
export type ConsumerSettings = Required<Omit<EventBusConsumerOptions, 'backends' | 'processors'>> & {
  backends: Record<string, Backend>;
  processors: Processor[];
};

/** Options already checked by {@link eventBusConsumerOptions}, with the defaults filled in; throws for a required one missing. */
export function consumerSettings(options: OptionsOf<typeof eventBusConsumerOptions.fields>): ConsumerSettings {
  const required = (name: string, what: string): never => {
    throw new OptionsError(COMPONENT, `option '${name}' is required: ${what}`);
  };
  const claimIdleMs = options.claimIdleMs ?? 30000;
  return {
    transport: options.transport ?? required('transport', 'the broker, for example new RedisStreamTransport({ url })'),
    stream: options.stream ?? required('stream', "the name of the bus stream, such as 'edx:events'"),
    group: options.group ?? required('group', "the name of the consumer group, such as 'central'"),
    consumer: options.consumer ?? `${os.hostname()}-${process.pid}`,
    backends: options.backends ?? {},
    processors: options.processors ?? [],
    failClosed: options.failClosed ?? false,
    batchSize: options.batchSize ?? 100,
    blockMs: options.blockMs ?? 1000,
    maxAttempts: options.maxAttempts ?? 5,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    retryDelay: options.retryDelay ?? 500,
    maxRetryDelay: options.maxRetryDelay ?? 10000,
    claimIdleMs,
    claimInterval: options.claimInterval ?? Math.max(100, Math.floor(claimIdleMs / 2)),
    dedupeWindow: options.dedupeWindow ?? 100000,
    flushTimeout: options.flushTimeout ?? 30000,
    closeBackends: options.closeBackends ?? true,
    closeTransport: options.closeTransport ?? true,
    reportInterval: options.reportInterval ?? 5000,
    onError: options.onError ?? logFailure,
  };
}
