import type { Analytics, AnalyticsSettings } from '@segment/analytics-node';
import type { ErrorReporter, TrackedEvent } from '../core/types';

/**
 * Options of the Segment client that {@link SegmentBackend} creates (ignored, and
 * refused, when you give your own `analytics`). Each is passed to
 * `new Analytics(...)` of `@segment/analytics-node` as is.
 */
export interface SegmentClientOptions {
  /** Your Segment source's write key. Default: none; required unless `analytics` is given. */
  writeKey?: string;
  /** The base URL of the Segment API. Default: `'https://api.segment.io'`. */
  host?: string;
  /** The batch endpoint's path under `host`. Default: `'/v1/batch'`. */
  path?: string;
  /** Events per batch: a batch is sent as soon as it has this many. Default: 15. */
  flushAt?: number;
  /** The longest time, in ms, an event waits in a batch that is not full. Default: 10000. */
  flushInterval?: number;
  /** How many times a failed batch (network error, 5xx, 408, 429...) is retried, with backoff. Default: 10. */
  maxRetries?: number;
  /** The longest time, in ms, one HTTP request may take. Default: 10000. */
  httpRequestTimeout?: number;
  /** An HTTP client or `fetch` function (a proxy, for instance). Default: the global `fetch`. */
  httpClient?: AnalyticsSettings['httpClient'];
}

/** Options of {@link SegmentBackend}. Give `writeKey` (and client options) or `analytics`. */
export interface SegmentBackendOptions extends SegmentClientOptions {
  /**
   * Your own `Analytics` instance of `@segment/analytics-node`. The backend sends
   * through it and flushes it, but does not close it: it is yours. Default: a client
   * this backend creates from `writeKey` and the client options.
   */
  analytics?: Analytics;
  /**
   * Sends the events of anonymous users (no `context.user_id`) with the
   * `anonymousId` this function returns (return null or undefined to skip one).
   * Default: none, so anonymous events are skipped, as Open edX does.
   */
  anonymousId?: (event: TrackedEvent) => string | null | undefined;
  /**
   * The most events handed to the client and not yet delivered or failed. Past it,
   * new events are dropped, counted in `dropped` and reported, so that an
   * unreachable endpoint costs bounded memory and never slows requests. Each event
   * held costs the client about 18 KB of heap, 22 KB of RSS (measured with the endpoint
   * accepting connections and never answering: 10,000 held ≈ 165 MB of heap, 220 MB of
   * RSS, whatever `flushAt`), so size it to the memory you can spare for an outage.
   * Default: 10000.
   */
  maxPending?: number;
  /**
   * How long, in ms, `close()` waits for the events accepted so far to be
   * delivered; what is left then is reported as not delivered. Default: 10000.
   */
  closeTimeout?: number;
  /**
   * The shortest time, in ms, between two reports of the same kind (drops, delivery
   * failures): the first goes out at once, the next ones are summed up. Default: 5000.
   */
  reportInterval?: number;
  /**
   * Receives failures until a tracker binds its own `onError` (registering the
   * backend in a tracker does). Default: one concise line on stderr per report.
   */
  onError?: ErrorReporter;
}

const CLIENT_OPTIONS = [
  'writeKey',
  'host',
  'path',
  'flushAt',
  'flushInterval',
  'maxRetries',
  'httpRequestTimeout',
  'httpClient',
] as const satisfies ReadonlyArray<keyof SegmentClientOptions>;

/** The validated settings of a {@link SegmentBackend}. */
export interface SegmentSettings {
  /** The client settings, when the backend creates its client; undefined with `analytics`. */
  client?: AnalyticsSettings;
  analytics?: Analytics;
  anonymousId?: (event: TrackedEvent) => string | null | undefined;
  maxPending: number;
  closeTimeout: number;
  reportInterval: number;
  onError?: ErrorReporter;
}

/**
 * Checks {@link SegmentBackendOptions}; throws a TypeError naming the option and the
 * fix. A `null` option counts as not given.
 */
export function validateSegmentOptions(given: SegmentBackendOptions): SegmentSettings {
  if (typeof given !== 'object' || given === null) {
    throw new TypeError('SegmentBackend: options must be an object such as { writeKey }');
  }
  // A null option (Python's None, in configuration data) is an option not given.
  const options = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== null)) as SegmentBackendOptions;
  const fail = (message: string): never => {
    throw new TypeError(`SegmentBackend: ${message}`);
  };
  const integer = (name: keyof SegmentBackendOptions, min: number, fallback: number): number => {
    const value = options[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      fail(`${name} must be an integer of at least ${min}, got ${JSON.stringify(value)}`);
    }
    return value as number;
  };
  const { analytics, anonymousId, onError } = options;
  if (analytics !== undefined) {
    const given = CLIENT_OPTIONS.filter((name) => options[name] !== undefined);
    if (given.length > 0) {
      fail(`give either analytics (your own client) or client options, not both (got analytics and ${given.join(', ')})`);
    }
    if (typeof (analytics as Partial<Analytics> | null)?.track !== 'function') {
      fail('analytics must be an Analytics instance of @segment/analytics-node');
    }
  } else if (options.writeKey === undefined || options.writeKey === '') {
    fail("give writeKey (your Segment source's write key) or analytics (your own Analytics instance); neither was given");
  } else if (typeof options.writeKey !== 'string') {
    fail(`writeKey must be a string, got ${typeof options.writeKey}`);
  }
  if (options.host !== undefined && (typeof options.host !== 'string' || !/^https?:\/\//.test(options.host))) {
    fail(`host must be a URL such as 'https://api.segment.io', got ${JSON.stringify(options.host)}`);
  }
  if (anonymousId !== undefined && typeof anonymousId !== 'function') {
    fail('anonymousId must be a function (event) => string | null');
  }
  if (onError !== undefined && typeof onError !== 'function') fail('onError must be a function (error, info) => void');
  const settings: SegmentSettings = {
    analytics,
    anonymousId,
    onError,
    maxPending: integer('maxPending', 1, 10000),
    closeTimeout: integer('closeTimeout', 0, 10000),
    reportInterval: integer('reportInterval', 0, 5000),
  };
  if (analytics === undefined) {
    const client: AnalyticsSettings = { writeKey: options.writeKey as string };
    if (options.flushAt !== undefined) client.flushAt = integer('flushAt', 1, 15);
    if (options.flushInterval !== undefined) client.flushInterval = integer('flushInterval', 1, 10000);
    if (options.maxRetries !== undefined) client.maxRetries = integer('maxRetries', 0, 10);
    if (options.httpRequestTimeout !== undefined) client.httpRequestTimeout = integer('httpRequestTimeout', 1, 10000);
    if (options.host !== undefined) client.host = options.host;
    if (options.path !== undefined) client.path = options.path;
    if (options.httpClient !== undefined) client.httpClient = options.httpClient;
    settings.client = client;
  }
  return settings;
}
