import { LoggerBackend, type LoggerBackendOptions } from '../backends/logger';
import { SegmentBackend, type SegmentBackendOptions } from '../segment/segment-backend';
import { MemoryBackend } from '../backends/memory';
import { eventBusBackendEngine } from '../bus/from-config';
import { NatsJetStreamTransport, type NatsJetStreamTransportOptions } from '../bus/nats-transport';
import { RedisStreamTransport, type RedisStreamTransportOptions } from '../bus/redis-transport';
import { isPlainObject } from '../encoding/objects';
import { GoogleAnalyticsProcessor } from '../processors/google-analytics';
import { LegacyFieldMappingProcessor } from '../processors/legacy-field-mapping';
import { NameWhitelistProcessor } from '../processors/name-whitelist';
import { PasswordCensorProcessor, type PasswordCensorOptions } from '../processors/censor-passwords';
import { RedactProcessor, type RedactProcessorOptions } from '../processors/redact';
import { PrefixedEventProcessor, type PrefixedEventProcessorOptions } from '../processors/prefixed-event';
import { RegexFilterProcessor } from '../processors/regex-filter';
import { RoutingBackend } from '../core/routing';
import { Tracker, type TrackerOptions } from '../core/tracker';
import type { Backend, Processor } from '../core/types';

/**
 * One configured component, as data: an engine name and its options (Open edX's
 * `{'ENGINE': ..., 'OPTIONS': {...}}`; the upper-case keys are accepted too). Any
 * option value that is itself such an object, or an array of them, is built first,
 * to any depth. Option names may be camelCase or Python's snake_case.
 */
export interface EngineSpec {
  engine?: string;
  options?: Record<string, unknown>;
  ENGINE?: string;
  OPTIONS?: Record<string, unknown>;
}

/** A tracker as data, shaped like `EVENT_TRACKING_BACKENDS` and `EVENT_TRACKING_PROCESSORS`. */
export interface TrackerConfig extends Omit<TrackerOptions, 'backends' | 'processors'> {
  backends?: Record<string, EngineSpec | Backend>;
  processors?: (EngineSpec | Processor)[];
}

/** Builds a component from its (already built) options. */
export type EngineFactory = (options: Record<string, unknown>) => unknown;

const engines = new Map<string, EngineFactory>();

/**
 * Makes `factory` available as the engine `name` (and under each alias, such as
 * the Python dotted path it stands for). Replaces an engine of the same name.
 */
export function registerEngine(name: string, factory: EngineFactory, aliases: string[] = []): void {
  for (const key of [name, ...aliases]) engines.set(key, factory);
}

/** The names of every registered engine. */
export function engineNames(): string[] {
  return [...engines.keys()].sort();
}

registerEngine('RoutingBackend', (o) => new RoutingBackend(o), ['eventtracking.backends.routing.RoutingBackend']);
registerEngine('LoggerBackend', (o) => new LoggerBackend(o as LoggerBackendOptions), [
  'eventtracking.backends.logger.LoggerBackend',
]);
registerEngine('MemoryBackend', () => new MemoryBackend());
registerEngine('LegacyFieldMappingProcessor', () => new LegacyFieldMappingProcessor(), [
  'track.shim.LegacyFieldMappingProcessor',
  'common.djangoapps.track.shim.LegacyFieldMappingProcessor',
]);
registerEngine('PrefixedEventProcessor', (o) => new PrefixedEventProcessor(o as PrefixedEventProcessorOptions), [
  'track.shim.PrefixedEventProcessor',
  'common.djangoapps.track.shim.PrefixedEventProcessor',
]);
registerEngine('NameWhitelistProcessor', (o) => new NameWhitelistProcessor(o), [
  'eventtracking.processors.whitelist.NameWhitelistProcessor',
]);
registerEngine('RegexFilterProcessor', (o) => new RegexFilterProcessor(o as never), [
  'eventtracking.processors.regex_filter.RegexFilter',
]);

registerEngine('SegmentBackend', (o) => new SegmentBackend(o as SegmentBackendOptions), [
  'eventtracking.backends.segment.SegmentBackend',
]);
registerEngine('GoogleAnalyticsProcessor', () => new GoogleAnalyticsProcessor(), [
  'track.shim.GoogleAnalyticsProcessor',
  'common.djangoapps.track.shim.GoogleAnalyticsProcessor',
]);

registerEngine('RedactProcessor', (o) => new RedactProcessor(o as unknown as RedactProcessorOptions));
registerEngine('PasswordCensorProcessor', (o) => new PasswordCensorProcessor(o as PasswordCensorOptions));

// The event bus. The transport is data ({ redis: { url } } or { nats: { servers } }), or a
// transport engine: { transport: { engine: 'RedisStreamTransport', options: { url } } }.
// The clients (redis, nats) are loaded only when such an engine is built.
registerEngine('EventBusBackend', eventBusBackendEngine);
registerEngine('RedisStreamTransport', (o) => new RedisStreamTransport(o as RedisStreamTransportOptions));
registerEngine('NatsJetStreamTransport', (o) => new NatsJetStreamTransport(o as NatsJetStreamTransportOptions));

/** Builds a {@link Tracker} from configuration data (see {@link TrackerConfig}). */
export function createTracker(config: TrackerConfig = {}): Tracker {
  const { backends = {}, processors = [], ...options } = config;
  return new Tracker({
    ...options,
    backends: Object.fromEntries(
      Object.entries(backends).map(([name, spec]) => [name, build(spec, `backends.${name}`) as Backend]),
    ),
    processors: processors.map((spec, i) => build(spec, `processors[${i}]`) as Processor),
  });
}

/** Builds `value` if it is an engine spec; builds what it holds if it is an array or plain object. */
function build(value: unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((item, i) => build(item, `${path}[${i}]`));
  if (!isPlainObject(value)) return value;
  const engine = value.engine ?? value.ENGINE;
  if (engine === undefined) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, build(item, `${path}.${key}`)]));
  }
  const factory = typeof engine === 'string' ? engines.get(engine) : undefined;
  if (!factory) {
    throw new Error(`${path}: unknown engine ${JSON.stringify(engine)}; known engines: ${engineNames().join(', ')}`);
  }
  const rawOptions = value.options ?? value.OPTIONS ?? {};
  if (!isPlainObject(rawOptions)) throw new TypeError(`${path}: options must be an object`);
  const options = Object.fromEntries(
    Object.entries(rawOptions).map(([key, item]) => [camelCase(key), build(item, `${path}.options.${key}`)]),
  );
  try {
    return factory(options);
  } catch (error) {
    throw new Error(`${path} (${engine}): ${(error as Error).message}`);
  }
}

function camelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}
