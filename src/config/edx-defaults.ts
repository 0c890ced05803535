import type { LoggerBackendOptions } from '../backends/logger';
import type { SegmentBackendOptions } from '../segment/segment-backend';
import type { EventBusBackendOptions } from '../bus/event-bus-backend';
import type { BusTransportSpec } from '../bus/from-config';
import type { EngineSpec, TrackerConfig } from './create-tracker';

/** The `segment` option of {@link edxDefaults}: the {@link SegmentBackend}'s options and the whitelist. */
export interface EdxSegmentOptions extends SegmentBackendOptions {
  /**
   * The event names forwarded to Segment, matched exactly (the LMS's
   * `EVENT_TRACKING_SEGMENTIO_EMIT_WHITELIST`). Default: none, so nothing is forwarded.
   */
  whitelist?: string[];
}

/**
 * The `bus` option of {@link edxDefaults}: where the raw events go — `redis: { url }` or
 * `nats: { servers }` (see {@link BusTransportSpec}) — the `stream`, and any other
 * {@link EventBusBackendOptions} (`batchSize`, `maxBuffer`...).
 */
export type EdxBusOptions = Omit<EventBusBackendOptions, 'transport'> & BusTransportSpec;

/** Options of {@link edxDefaults}. */
export interface EdxDefaultsOptions {
  /**
   * The `tracking_logs` branch's logger: a file name, or {@link LoggerBackendOptions}.
   * Default: `./tracking.log`, compact JSON, lines over 50000 characters dropped.
   */
  trackingLog?: string | LoggerBackendOptions;
  /**
   * Adds the LMS `segmentio` branch: `NameWhitelistProcessor` (`whitelist`), then
   * `GoogleAnalyticsProcessor`, then a `SegmentBackend` with the other options.
   * Without a `writeKey` (or `analytics`) the branch is left out, as an LMS with
   * `LMS_SEGMENT_KEY` unset sends nothing. Default: none (no Segment branch).
   */
  segment?: EdxSegmentOptions;
  /**
   * Puts `PasswordCensorProcessor` first on each branch, so that the value of a
   * password key (`password`, `new_password1`, ... and bracketed names such as
   * `user[password]`) in any event's payload or context — a browser event from
   * `/event`, a mobile event, a server event — reaches no backend. Open edX
   * censors page events only. Default: true.
   */
  censorPasswords?: boolean;
  /**
   * Adds a `bus` branch: an `EventBusBackend` publishing every event raw — only
   * `PasswordCensorProcessor` runs first (unless `censorPasswords: false`); the
   * consumers run the legacy shim themselves, as `eventtracking consume` does — to a
   * Redis stream or a JetStream stream, for a central tracking.log and other consumers
   * past this machine. The local `tracking_logs` branch stays. Default: none (no bus branch).
   */
  bus?: EdxBusOptions;
}

/**
 * The LMS production configuration (`EVENT_TRACKING_BACKENDS`) as data for
 * {@link createTracker}: the `tracking_logs` branch runs the legacy shim and the
 * `PrefixedEventProcessor`, and writes `tracking.log` through a `LoggerBackend`;
 * with `segment` options, the `segmentio` branch forwards whitelisted events to Segment;
 * with `bus` options, the `bus` branch publishes the raw events to an event bus.
 *
 * @example registerTracker(createTracker(edxDefaults({ trackingLog: '/var/log/tracking.log' })))
 */
export function edxDefaults(options: EdxDefaultsOptions = {}): TrackerConfig {
  const trackingLog = typeof options.trackingLog === 'string' ? { filename: options.trackingLog } : options.trackingLog;
  // On each branch rather than at the root: the branches copy events anyway, a root processor would cost one more copy.
  const censor: EngineSpec[] = options.censorPasswords === false ? [] : [{ engine: 'PasswordCensorProcessor' }];
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
  return { backends, processors: [] };
}
