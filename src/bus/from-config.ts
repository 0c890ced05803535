import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import { EventBusBackend, eventBusBackendFields, isBusTransport, type EventBusBackendOptions } from './event-bus-backend';
import { NatsJetStreamTransport } from './nats-transport';
import { RedisStreamTransport } from './redis-transport';
import type { BusTransport } from './transport';

const transportSpecFields = {
  /**
   * A {@link RedisStreamTransport}: its options (snake_case names accepted), or its URL
   * alone. `null` stands for none. Default: none.
   */
  redis: option.nullable(option.anyOf(RedisStreamTransport.options.fields.url, option.object(RedisStreamTransport.options.fields))),
  /**
   * A {@link NatsJetStreamTransport}: its options (snake_case names accepted), or its
   * server URL(s) alone. `null` stands for none. Default: none.
   */
  nats: option.nullable(option.anyOf(NatsJetStreamTransport.options.fields.servers, option.object(NatsJetStreamTransport.options.fields))),
} as const;

const busTransportOptions = defineOptions('createBusTransport', transportSpecFields);

const given = (value: unknown): boolean => value !== undefined && value !== null;

/**
 * A transport as plain data: `{ redis: { url } }` (or `{ redis: 'redis://...' }`) for
 * {@link RedisStreamTransport}, `{ nats: { servers } }` (or `{ nats: 'nats://...' }`) for
 * {@link NatsJetStreamTransport}. Exactly one of the two.
 */
export type BusTransportSpec = OptionsOf<typeof transportSpecFields>;

/**
 * Builds the transport a {@link BusTransportSpec} describes. Every option is checked,
 * snake_case names accepted: a mistake throws an {@link OptionsError} naming it.
 */
export function createBusTransport(spec: BusTransportSpec): BusTransport {
  return buildTransport(busTransportOptions.checkData(spec), 'createBusTransport', '');
}

/** Builds the transport of a checked spec; `path` is where the spec sits in `component`'s options. */
function buildTransport(spec: BusTransportSpec, component: string, path: string): BusTransport {
  const keys = (['redis', 'nats'] as const).filter((key) => given(spec[key]));
  if (keys.length !== 1) {
    const got = keys.length ? ` (got ${keys.map((key) => path + key).join(' and ')})` : '';
    throw new OptionsError(component, `give exactly one of ${path}redis: { url } and ${path}nats: { servers }${got}`);
  }
  const key = keys[0] as 'redis' | 'nats';
  try {
    if (key === 'redis') {
      const redis = spec.redis as NonNullable<BusTransportSpec['redis']>;
      return new RedisStreamTransport(typeof redis === 'string' ? { url: redis } : redis);
    }
    const nats = spec.nats as NonNullable<BusTransportSpec['nats']>;
    return new NatsJetStreamTransport(typeof nats === 'string' || Array.isArray(nats) ? { servers: nats } : nats);
  } catch (error) {
    // What the spec's check cannot see: a rule between two of the transport's options.
    if (error instanceof OptionsError) throw new OptionsError(component, `${path}${key}: ${error.detail}`);
    throw error;
  }
}

/**
 * The options of the `EventBusBackend` engine (and of `edxDefaults({ bus })`): the
 * backend's options, with the broker given as data — `redis` or `nats` — or as a
 * `transport` object.
 */
export const eventBusEngineOptions = defineOptions('EventBusBackend', {
  ...transportSpecFields,
  /** A transport object, or a transport as data (`{ redis: ... }`). Default: built from `redis` or `nats`. */
  transport: option.anyOf(option.instance<BusTransport>('a bus transport', isBusTransport), option.object(transportSpecFields)),
  ...eventBusBackendFields,
});

/** Options of the `EventBusBackend` engine: the backend's options, with the transport given as data or as an object. */
export type EventBusEngineOptions = OptionsOf<typeof eventBusEngineOptions.fields>;

/**
 * The `EventBusBackend` engine of `createTracker` / `registerEngine`: builds the
 * transport from `redis` or `nats` (see {@link BusTransportSpec}) unless a
 * `transport` object is given, then the backend. The options are configuration
 * data: snake_case names are accepted at every level.
 *
 * @example createTracker({ backends: { bus: { engine: 'EventBusBackend', options: { redis: { url }, stream: 'edx:events' } } } })
 */
export function eventBusBackendEngine(options: Record<string, unknown>): EventBusBackend {
  const { redis, nats, transport, ...rest } = eventBusEngineOptions.checkData(options);
  if (transport !== undefined && (given(redis) || given(nats))) {
    throw new OptionsError('EventBusBackend', 'give transport, or redis / nats as data, not both');
  }
  let built: BusTransport;
  if (transport === undefined) built = buildTransport({ redis, nats }, 'EventBusBackend', '');
  else if (isBusTransport(transport)) built = transport;
  else built = buildTransport(transport, 'EventBusBackend', 'transport.'); // `transport: { redis: ... }` as data
  return new EventBusBackend({ ...rest, transport: built } as EventBusBackendOptions);
}
