import type { LoggerBackendOptions } from './backends/logger';
import type { EngineSpec, TrackerConfig } from './config';

/** Options of {@link edxDefaults}. */
export interface EdxDefaultsOptions {
  /**
   * The `tracking_logs` branch's logger: a file name, or {@link LoggerBackendOptions}.
   * Default: `./tracking.log`, compact JSON, lines over 50000 characters dropped.
   */
  trackingLog?: string | LoggerBackendOptions;
}

/**
 * The LMS production configuration (`EVENT_TRACKING_BACKENDS`) as data for
 * {@link createTracker}: the `tracking_logs` branch runs the legacy shim and the
 * `PrefixedEventProcessor`, and writes
 * `tracking.log` through a {@link LoggerBackend}, after the legacy transformers.
 *
 * @example registerTracker(createTracker(edxDefaults({ trackingLog: '/var/log/tracking.log' })))
 */
export function edxDefaults(options: EdxDefaultsOptions = {}): TrackerConfig {
  const trackingLog = typeof options.trackingLog === 'string' ? { filename: options.trackingLog } : options.trackingLog;
  const logger: EngineSpec = { engine: 'LoggerBackend', options: { maxEventSize: 50000, ...trackingLog } };
  return {
    backends: {
      tracking_logs: {
        engine: 'RoutingBackend',
        options: {
          backends: { logger },
          processors: [{ engine: 'LegacyFieldMappingProcessor' }, { engine: 'PrefixedEventProcessor' }],
        },
      },
    },
    processors: [],
  };
}
