// The engines createTracker knows by name: every built-in component, under its own
// name and the Python dotted paths of Open edX's settings. Each class's static
// `options` schema is registered with it, so configuration data is checked by name.
import { LoggerBackend } from '../backends/logger';
import { MemoryBackend } from '../backends/memory';
import type { OptionFields, OptionsSchema } from '../core/options';
import { RoutingBackend } from '../core/routing';
import { eventBusBackendEngine, eventBusEngineOptions } from '../bus/from-config';
import { NatsJetStreamTransport } from '../bus/nats-transport';
import { RedisStreamTransport } from '../bus/redis-transport';
import { PasswordCensorProcessor } from '../processors/censor-passwords';
import { GoogleAnalyticsProcessor } from '../processors/google-analytics';
import { LegacyFieldMappingProcessor } from '../processors/legacy-field-mapping';
import { NameWhitelistProcessor } from '../processors/name-whitelist';
import { PrefixedEventProcessor } from '../processors/prefixed-event';
import { RedactProcessor } from '../processors/redact';
import { RegexFilterProcessor } from '../processors/regex-filter';
import { SegmentBackend } from '../segment/segment-backend';
import { XapiBackend } from '../xapi/xapi-backend';
import { registerEngine } from './engine-registry';

/** A component class whose constructor takes its options object. */
interface ComponentClass {
  new (options: never): unknown;
  /** The schema of the options, where the class has one. */
  readonly options?: OptionsSchema<OptionFields>;
}

function registerComponent(name: string, Class: ComponentClass, aliases: string[] = []): void {
  registerEngine(name, (options) => new Class(options as never), { aliases, options: Class.options });
}

const SHIM = ['track.shim', 'common.djangoapps.track.shim'];
const shim = (name: string) => SHIM.map((module) => `${module}.${name}`);

registerComponent('RoutingBackend', RoutingBackend, ['eventtracking.backends.routing.RoutingBackend']);
registerComponent('LoggerBackend', LoggerBackend, ['eventtracking.backends.logger.LoggerBackend']);
registerComponent('MemoryBackend', MemoryBackend);
registerComponent('SegmentBackend', SegmentBackend, ['eventtracking.backends.segment.SegmentBackend']);
registerComponent('XapiBackend', XapiBackend);
registerComponent('LegacyFieldMappingProcessor', LegacyFieldMappingProcessor, shim('LegacyFieldMappingProcessor'));
registerComponent('PrefixedEventProcessor', PrefixedEventProcessor, shim('PrefixedEventProcessor'));
registerComponent('GoogleAnalyticsProcessor', GoogleAnalyticsProcessor, shim('GoogleAnalyticsProcessor'));
registerComponent('NameWhitelistProcessor', NameWhitelistProcessor, ['eventtracking.processors.whitelist.NameWhitelistProcessor']);
registerComponent('RegexFilterProcessor', RegexFilterProcessor, ['eventtracking.processors.regex_filter.RegexFilter']);
registerComponent('RedactProcessor', RedactProcessor);
registerComponent('PasswordCensorProcessor', PasswordCensorProcessor);

// The event bus. The transport is data ({ redis: { url } } or { nats: { servers } }), or a
// transport engine: { transport: { engine: 'RedisStreamTransport', options: { url } } }.
// The clients (redis, nats) are loaded only when such an engine is built.
registerEngine('EventBusBackend', eventBusBackendEngine, { options: eventBusEngineOptions });
registerComponent('RedisStreamTransport', RedisStreamTransport);
registerComponent('NatsJetStreamTransport', NatsJetStreamTransport);
