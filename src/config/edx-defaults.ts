import { LoggerBackend } from '../backends/logger';
import { eventBusEngineOptions } from '../bus/from-config';
import { defineOptions, option, type OptionsOf } from '../core/options';
import { PasswordCensorProcessor } from '../processors/censor-passwords';
import { SegmentBackend } from '../segment/segment-backend';
import { XapiBackend } from '../xapi/xapi-backend';
import type { EngineSpec, TrackerConfig } from './create-tracker';

const edxDefaultsOptions = defineOptions('edxDefaults', {
  /**
   * The `tracking_logs` branch's logger: a file name, or `LoggerBackend` options.
   * Default: `./tracking.log`, compact JSON, lines over 50000 characters dropped.
   */
  trackingLog: option.anyOf(option.string({ nonEmpty: true }), option.object(LoggerBackend.options.fields)),
  /**
   * Adds the LMS `segmentio` branch: `NameWhitelistProcessor` (`whitelist`), then
   * `GoogleAnalyticsProcessor`, then a `SegmentBackend` with the other options.
   * Without a `writeKey` (or `analytics`) the branch is left out, as an LMS with
   * `LMS_SEGMENT_KEY` unset sends nothing. Default: none (no Segment branch).
   */
  segment: option.object({
    ...SegmentBackend.options.fields,
    /**
     * The event names forwarded to Segment, matched exactly (the LMS's
     * `EVENT_TRACKING_SEGMENTIO_EMIT_WHITELIST`). Default: none, so nothing is forwarded.
     */
    whitelist: option.arrayOf(option.string()),
  }),
  /**
   * Puts `PasswordCensorProcessor` first on each branch, so that the value of a
   * sensitive name (a password, token, key or secret: `password`, `Password`,
   * `api_key`, `token`, `key`, ..., and bracketed names such as `user[password]`) in
   * any event — a page event's GET/POST, a browser event from `/event`, a mobile
   * event, a server event, in objects or in texts such as `a=1&password=x` — reaches
   * no backend. `true` censors the default names; `PasswordCensorProcessor` options
   * (`{ keys }` to replace them, `{ extraKeys }` to add to them) censor those; `false`
   * leaves only the page event's own censoring, Open edX's. Default: true.
   */
  censorPasswords: option.anyOf(option.boolean(), option.object(PasswordCensorProcessor.options.fields)),
  /**
   * Adds a `bus` branch: an `EventBusBackend` publishing every event raw — only
   * `PasswordCensorProcessor` runs first (unless `censorPasswords: false`); the
   * consumers run the legacy shim themselves, as `eventtracking consume` does — to a
   * Redis stream or a JetStream stream, for a central tracking.log and other consumers
   * past this machine: `redis: { url }` or `nats: { servers }`, the `stream`, and any
   * other `EventBusBackend` option (`batchSize`, `maxBuffer`...). The local
   * `tracking_logs` branch stays. Default: none (no bus branch).
   */
  bus: option.object(eventBusEngineOptions.fields),
  /**
   * Adds an `xapi` branch: an `XapiBackend` that turns the events into xAPI statements
   * and sends them to a learning record store (Open edX Aspects' Ralph, say), with its
   * options: `url`, `lmsRootUrl`, auth, `match`, batching... Only
   * `PasswordCensorProcessor` runs first (unless `censorPasswords: false`): the
   * transformer reads the raw events. Default: none (no xAPI branch).
   */
  xapi: option.object(XapiBackend.options.fields),
});

/** Options of {@link edxDefaults}. As configuration data, snake_case names are accepted too. */
export type EdxDefaultsOptions = OptionsOf<typeof edxDefaultsOptions.fields>;
/** The `segment` option of {@link edxDefaults}: the `SegmentBackend`'s options and the whitelist. */
export type EdxSegmentOptions = NonNullable<EdxDefaultsOptions['segment']>;
/** The `bus` option of {@link edxDefaults}: the broker as data, the `stream`, and the `EventBusBackend`'s options. */
export type EdxBusOptions = NonNullable<EdxDefaultsOptions['bus']>;
/** The `xapi` option of {@link edxDefaults}: the `XapiBackend`'s options. */
export type EdxXapiOptions = NonNullable<EdxDefaultsOptions['xapi']>;

/**
 * The LMS production configuration (`EVENT_TRACKING_BACKENDS`) as data for
 * {@link createTracker}: the `tracking_logs` branch runs the legacy shim and the
 * `PrefixedEventProcessor`, and writes `tracking.log` through a `LoggerBackend`;
 * with `segment` options, the `segmentio` branch forwards whitelisted events to Segment;
 * with `bus` options, the `bus` branch publishes the raw events to an event bus;
 * with `xapi` options, the `xapi` branch sends them to an LRS as xAPI statements.
 * Every option is checked now, snake_case names included (`{ segment: { write_key } }`):
 * a misspelled one is refused with the nearest valid name.
 *
 * @example registerTracker(createTracker(edxDefaults({ trackingLog: '/var/log/tracking.log' })))
 */
export function edxDefaults(given: EdxDefaultsOptions = {}): TrackerConfig {
  const options = edxDefaultsOptions.checkData(withoutNullSegmentOptions(given));
  const trackingLog = typeof options.trackingLog === 'string' ? { filename: options.trackingLog } : options.trackingLog;
  // On each branch rather than at the root: the branches copy events anyway, a root processor would cost one more copy.
  const { censorPasswords = true } = options;
  const censor: EngineSpec[] =
    censorPasswords === false ? [] : [{ engine: 'PasswordCensorProcessor', ...(censorPasswords === true ? {} : { options: { ...censorPasswords } }) }];
  const backends: Record<string, EngineSpec> = {
    tracking_logs: {
      engine: 'RoutingBackend',
      options: {
        backends: { logger: { engine: 'LoggerBackend', options: { maxEventSize: 50000, ...trackingLog } } },
        processors: [...censor, { engine: 'LegacyFieldMappingProcessor' }, { engine: 'PrefixedEventProcessor' }],
      },
    },
  };
  const { whitelist = [], ...segment } = options.segment ?? {};
  if (options.segment && !segment.writeKey && !segment.analytics) {
    console.warn(
      'eventtracking: edxDefaults({ segment }) has no writeKey, so no event is forwarded to Segment (as an LMS with LMS_SEGMENT_KEY unset); ' +
        'the other segment options are unused.',
    );
  }
  if (segment.writeKey || segment.analytics) {
    backends.segmentio = {
      engine: 'RoutingBackend',
      options: {
        backends: { segment: { engine: 'SegmentBackend', options: { ...segment } } },
        processors: [{ engine: 'NameWhitelistProcessor', options: { whitelist } }, ...censor, { engine: 'GoogleAnalyticsProcessor' }],
      },
    };
  }
  if (options.bus) {
    backends.bus = {
      engine: 'RoutingBackend',
      options: { backends: { bus: { engine: 'EventBusBackend', options: { ...options.bus } } }, processors: [...censor] },
    };
  }
  if (options.xapi) {
    backends.xapi = {
      engine: 'RoutingBackend',
      options: { backends: { xapi: { engine: 'XapiBackend', options: { ...options.xapi } } }, processors: [...censor] },
    };
  }
  return { backends, processors: [] };
}

/** A `segment` option that is `null` counts as not given (Python's `None`, `LMS_SEGMENT_KEY = None`), as SegmentBackend takes it. */
function withoutNullSegmentOptions(given: EdxDefaultsOptions): EdxDefaultsOptions {
  const segment: unknown = given?.segment;
  if (typeof segment !== 'object' || segment === null || Array.isArray(segment)) return given;
  return { ...given, segment: Object.fromEntries(Object.entries(segment).filter(([, value]) => value !== null)) };
}
