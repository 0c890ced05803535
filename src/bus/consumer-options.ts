import os from 'node:os';
import { logFailure } from '../core/errors';
import type { Backend, ErrorReporter, Processor } from '../core/types';
import { integerOption } from './backoff';
import type { BusTransport } from './transport';

/** Options of {@link createEventBusConsumer}. */
export interface EventBusConsumerOptions {
  /** The broker: a {@link RedisStreamTransport}, a {@link NatsJetStreamTransport}, or your own. Required. */
  transport: BusTransport;
  /** The bus stream to read. Required. */
  stream: string;
  /**
   * The consumer group. Each group gets every event once (its members share the work);
   * a group created by the consumer reads from the stream's start. Required.
   */
  group: string;
  /**
   * This member's name in the group. Restarting under the same name picks up what the
   * previous run left unacked at once (Redis); another name claims it after `claimIdleMs`.
   * Default: `<hostname>-<pid>`.
   */
  consumer?: string;
  /** The backends, by name; called in sorted-name order. Default: none. */
  backends?: Record<string, Backend>;
  /** Processors run on each event before the backends, as in a RoutingBackend. Default: none. */
  processors?: Processor[];
  /** What a processor that throws does: as RoutingBackend's `failClosed`. Default: false. */
  failClosed?: boolean;
  /** The most messages read (and delivered, flushed, acked) as one batch. Default: 100. */
  batchSize?: number;
  /** The longest wait, in ms, of one read for new messages (bounds how long `close()` waits for it). Default: 1000. */
  blockMs?: number;
  /** Delivery attempts before an event is moved to the dead-letter stream. Default: 5. */
  maxAttempts?: number;
  /** The wait, in ms, before the first retry of a failed event; it doubles per attempt. Default: 500. */
  retryDelay?: number;
  /** The longest wait, in ms, before a retry. Default: 10000. */
  maxRetryDelay?: number;
  /**
   * A message delivered to a member and not acked for this long, in ms, is taken over
   * (Redis: claimed by `XAUTOCLAIM`; JetStream: the group's ack wait, after which it is
   * redelivered). It must be longer than the slowest batch takes. Default: 30000.
   */
  claimIdleMs?: number;
  /** How often, in ms, to look for messages to claim. Default: half of `claimIdleMs`, at least 100. */
  claimInterval?: number;
  /**
   * How many recent event ids are remembered to skip copies (the dedupe window, in
   * events; about 100 bytes each). Default: 100000.
   */
  dedupeWindow?: number;
  /** How long, in ms, a backend's flush may take before its batch counts as failed. Default: 30000. */
  flushTimeout?: number;
  /** Whether `close()` closes the backends. Default: true. */
  closeBackends?: boolean;
  /** Whether `close()` closes the transport. Default: true. */
  closeTransport?: boolean;
  /** The shortest time, in ms, between two reports of the same kind (read errors...). Default: 5000. */
  reportInterval?: number;
  /** Receives every failure (backends', processors', the broker's). Default: one line on stderr. */
  onError?: ErrorReporter;
}

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

/** Checks the options; throws a TypeError naming the option and the fix. */
export function consumerSettings(options: EventBusConsumerOptions): ConsumerSettings {
  const owner = 'createEventBusConsumer';
  if (!options || typeof options.transport?.read !== 'function') {
    throw new TypeError(`${owner}: transport is required (for example new RedisStreamTransport({ url }))`);
  }
  for (const key of ['stream', 'group'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '') throw new TypeError(`${owner}: ${key} is required (a non-empty string)`);
  }
  if (options.consumer !== undefined && (typeof options.consumer !== 'string' || options.consumer === '')) {
    throw new TypeError(`${owner}: consumer must be a non-empty string`);
  }
  const claimIdleMs = integerOption(owner, 'claimIdleMs', options.claimIdleMs, 30000, 1);
  return {
    transport: options.transport,
    stream: options.stream,
    group: options.group,
    consumer: options.consumer ?? `${os.hostname()}-${process.pid}`,
    backends: options.backends ?? {},
    processors: options.processors ?? [],
    failClosed: options.failClosed ?? false,
    batchSize: integerOption(owner, 'batchSize', options.batchSize, 100, 1),
    blockMs: integerOption(owner, 'blockMs', options.blockMs, 1000, 1),
    maxAttempts: integerOption(owner, 'maxAttempts', options.maxAttempts, 5, 1),
    retryDelay: integerOption(owner, 'retryDelay', options.retryDelay, 500, 0),
    maxRetryDelay: integerOption(owner, 'maxRetryDelay', options.maxRetryDelay, 10000, 0),
    claimIdleMs,
    claimInterval: integerOption(owner, 'claimInterval', options.claimInterval, Math.max(100, Math.floor(claimIdleMs / 2)), 1),
    dedupeWindow: integerOption(owner, 'dedupeWindow', options.dedupeWindow, 100000, 0),
    flushTimeout: integerOption(owner, 'flushTimeout', options.flushTimeout, 30000, 1),
    closeBackends: options.closeBackends ?? true,
    closeTransport: options.closeTransport ?? true,
    reportInterval: integerOption(owner, 'reportInterval', options.reportInterval, 5000, 0),
    onError: options.onError ?? logFailure,
  };
}
