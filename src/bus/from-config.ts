import { isPlainObject } from '../encoding/objects';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { EventBusBackend, eventBusBackendFields, isBusTransport, type EventBusBackendOptions } from './event-bus-backend';
import { NatsJetStreamTransport, type NatsJetStreamTransportOptions } from './nats-transport';
import { RedisStreamTransport, type RedisStreamTransportOptions } from './redis-transport';
import type { BusTransport } from './transport';

const transportSpecFields = {
  /** Options of a {@link RedisStreamTransport}, or its URL. Default: none. */
  redis: option.anyOf(
    option.string({ nonEmpty: true }),
    option.instance<RedisStreamTransportOptions>('an object of RedisStreamTransport options', isPlainObject),
  ),
  /** Options of a {@link NatsJetStreamTransport}, or its server URL(s). Default: none. */
  nats: option.anyOf(
    option.string({ nonEmpty: true }),
    option.arrayOf(option.string({ nonEmpty: true })),
    option.instance<NatsJetStreamTransportOptions>('an object of NatsJetStreamTransport options', isPlainObject),
  ),
} as const;

/**
 * A transport as plain data: `{ redis: { url } }` (or `{ redis: 'redis://...' }`) for
 * {@link RedisStreamTransport}, `{ nats: { servers } }` (or `{ nats: 'nats://...' }`) for
 * {@link NatsJetStreamTransport}. Exactly one of the two.
 */
export type BusTransportSpec = OptionsOf<typeof transportSpecFields>;

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


/**
 * The options of the `EventBusBackend` engine (and of `edxDefaults({ bus })`): the
 * backend's options, with the broker given as data — `redis` or `nats` — or as a
 * `transport` object.
 */
export const eventBusEngineOptions = defineOptions('EventBusBackend', {
  ...transportSpecFields,
  /** A transport object, or a transport as data (`{ redis: ... }`). Default: built from `redis` or `nats`. */
  transport: option.anyOf(
    option.instance<BusTransport>('a bus transport', isBusTransport),
    option.object(transportSpecFields),
  ),
  ...eventBusBackendFields,
});

/** Options of the `EventBusBackend` engine: the backend's options, with the transport given as data or as an object. */
export type EventBusEngineOptions = OptionsOf<typeof eventBusEngineOptions.fields>;

/**
 * The `EventBusBackend` engine of `createTracker` / `registerEngine`: builds the
 * transport from `redis` or `nats` (see {@link BusTransportSpec}) unless a
 * `transport` object is given, then the backend.
 *
 * @example createTracker({ backends: { bus: { engine: 'EventBusBackend', options: { redis: { url }, stream: 'edx:events' } } } })
 */
export function eventBusBackendEngine(options: Record<string, unknown>): EventBusBackend {
  const { redis, nats, transport, ...rest } = eventBusEngineOptions.check(options);
  if (transport !== undefined && (redis !== undefined || nats !== undefined)) {
    throw new OptionsError('EventBusBackend', 'give transport, or redis / nats as data, not both');
  }
  let built: BusTransport;
  if (transport === undefined) built = createBusTransport({ redis, nats }, 'EventBusBackend');
  // `transport: { redis: ... }` as data works too.
  else if (isPlainObject(transport)) built = createBusTransport(transport as BusTransportSpec, 'EventBusBackend');
  else built = transport;
  return new EventBusBackend({ ...rest, transport: built } as EventBusBackendOptions);
}
