import { isPlainObject } from '../encoding/objects';
import { EventBusBackend, type EventBusBackendOptions } from './event-bus-backend';
import { NatsJetStreamTransport, type NatsJetStreamTransportOptions } from './nats-transport';
import { RedisStreamTransport, type RedisStreamTransportOptions } from './redis-transport';
import type { BusTransport } from './transport';

/**
 * A transport as plain data: `{ redis: { url } }` (or `{ redis: 'redis://...' }`) for
 * {@link RedisStreamTransport}, `{ nats: { servers } }` (or `{ nats: 'nats://...' }`) for
 * {@link NatsJetStreamTransport}. Exactly one of the two.
 */
export interface BusTransportSpec {
  /** Options of a {@link RedisStreamTransport}, or its URL. Default: none. */
  redis?: RedisStreamTransportOptions | string;
  /** Options of a {@link NatsJetStreamTransport}, or its server URL(s). Default: none. */
  nats?: NatsJetStreamTransportOptions | string | string[];
}

/** Builds the transport a {@link BusTransportSpec} describes. Throws a TypeError naming the fix. */
export function createBusTransport(spec: BusTransportSpec, owner = 'bus transport'): BusTransport {
  const given = (['redis', 'nats'] as const).filter((key) => spec[key] !== undefined && spec[key] !== null);
  if (given.length !== 1) {
    throw new TypeError(`${owner}: give exactly one of redis: { url } and nats: { servers }${given.length ? ` (got ${given.join(' and ')})` : ''}`);
  }
  if (given[0] === 'redis') {
    const redis = spec.redis as RedisStreamTransportOptions | string;
    return new RedisStreamTransport(typeof redis === 'string' ? { url: redis } : redis);
  }
  const nats = spec.nats as NatsJetStreamTransportOptions | string | string[];
  return new NatsJetStreamTransport(typeof nats === 'string' || Array.isArray(nats) ? { servers: nats } : nats);
}

/** Options of the `EventBusBackend` engine: the backend's options, with the transport given as data or as an object. */
export type EventBusEngineOptions = Omit<EventBusBackendOptions, 'transport'> & BusTransportSpec & { transport?: BusTransport };

/**
 * The `EventBusBackend` engine of `createTracker` / `registerEngine`: builds the
 * transport from `redis` or `nats` (see {@link BusTransportSpec}) unless a
 * `transport` object is given, then the backend.
 *
 * @example createTracker({ backends: { bus: { engine: 'EventBusBackend', options: { redis: { url }, stream: 'edx:events' } } } })
 */
export function eventBusBackendEngine(options: Record<string, unknown>): EventBusBackend {
  const { redis, nats, transport, ...rest } = options as unknown as EventBusEngineOptions;
  if (transport !== undefined && (redis !== undefined || nats !== undefined)) {
    throw new TypeError('EventBusBackend: give transport, or redis / nats as data, not both');
  }
  let built: BusTransport;
  if (transport === undefined) built = createBusTransport({ redis, nats }, 'EventBusBackend');
  // `transport: { redis: ... }` as data works too.
  else if (isPlainObject(transport)) built = createBusTransport(transport as BusTransportSpec, 'EventBusBackend');
  else built = transport;
  return new EventBusBackend({ ...rest, transport: built } as EventBusBackendOptions);
}
