import type { Analytics, AnalyticsSettings } from '@segment/analytics-node';
import { defineOptions, option, OptionsError, type OptionsOf } from '../core/options';
import type { ErrorReporter, TrackedEvent } from '../core/types';

/**
 * Options of the Segment client that {@link SegmentBackend} creates (refused when you
 * give your own `analytics`). Each is passed to `new Analytics(...)` of
 * `@segment/analytics-node` as is.
 */
const segmentClientFields = {
  /** Your Segment source's write key. Default: none; required unless `analytics` is given. */
  writeKey: option.string(),
  /** The base URL of the Segment API. Default: `'https://api.segment.io'`. */
  host: option.instance<string>("a URL such as 'https://api.segment.io'", (value) => typeof value === 'string' && /^https?:\/\//.test(value)),
  /** The batch endpoint's path under `host`. Default: `'/v1/batch'`. */
  path: option.string(),
  /** Events per batch: a batch is sent as soon as it has this many. Default: 15. */
  flushAt: option.number({ min: 1, integer: true }),
  /** The longest time, in ms, an event waits in a batch that is not full. Default: 10000. */
  flushInterval: option.number({ min: 1, integer: true }),
  /** How many times a failed batch (network error, 5xx, 408, 429...) is retried, with backoff. Default: 10. */
  maxRetries: option.number({ min: 0, integer: true }),
  /** The longest time, in ms, one HTTP request may take. Default: 10000. */
  httpRequestTimeout: option.number({ min: 1, integer: true }),
  /** An HTTP client or `fetch` function (a proxy, for instance). Default: the global `fetch`. */
  httpClient: option.instance<NonNullable<AnalyticsSettings['httpClient']>>(
    'a fetch function or an HTTP client object',
    (value) => typeof value === 'function' || (typeof value === 'object' && value !== null),
  ),
} as const;

/** Options of the Segment client that {@link SegmentBackend} creates. */
export type SegmentClientOptions = OptionsOf<typeof segmentClientFields>;

/** The options of a {@link SegmentBackend}: `writeKey` (and client options) or `analytics`. */
export const segmentBackendOptions = defineOptions('SegmentBackend', {
  ...segmentClientFields,
  /**
   * Your own `Analytics` instance of `@segment/analytics-node`. The backend sends
   * through it and flushes it, but does not close it: it is yours. Default: a client
   * this backend creates from `writeKey` and the client options.
   */
  analytics: option.instance<Analytics>('an Analytics instance of @segment/analytics-node', (value) =>
    typeof (value as Partial<Analytics> | null)?.track === 'function',
  ),
  /**
   * Sends the events of anonymous users (no `context.user_id`) with the
   * `anonymousId` this function returns (return null or undefined to skip one).
   * Default: none, so anonymous events are skipped, as Open edX does.
   */
  anonymousId: option.function<(event: TrackedEvent) => string | null | undefined>(),
  /**
   * The most events handed to the client and not yet delivered or failed. Past it,
   * new events are dropped, counted in `dropped` and reported, so that an
   * unreachable endpoint costs bounded memory and never slows requests. Each event
   * held costs the client about 15–18 KB of heap plus twice the bytes of its JSON
   * (measured with the endpoint accepting connections and never answering, and refusing
   * them: 10,000 events of 0.6 KB held ≈ 150–175 MB of heap, 230 MB of RSS, whatever
   * `flushAt`), so size it, and `maxPendingBytes`, to the memory you can spare for an
   * outage. Default: 10000.
   */
  maxPending: option.number({ min: 1, integer: true }),
  /**
   * The most bytes of events handed to the client and not yet delivered or failed,
   * each counted as the UTF-8 length of its call's JSON (what the client sends, less
   * the few hundred bytes it adds of its own). Past it, new events are dropped,
   * counted in `dropped` and reported, as past `maxPending`: large events (up to the
   * 32 KB the client accepts) cost memory in proportion to their size, which an event
   * count alone does not bound (10,000 events of 20 KB ≈ 550 MB of heap; the default
   * holds about 1,600 of them, ≈ 90 MB). An event larger than it is never sent.
   * Default: 33554432 (32 MiB).
   */
  maxPendingBytes: option.number({ min: 1, integer: true }),
  /**
   * How long, in ms, `close()` waits for the events accepted so far to be
   * delivered; what is left then is reported as not delivered. Default: 10000.
   */
  closeTimeout: option.number({ min: 0, integer: true }),
  /**
   * The shortest time, in ms, between two reports of the same kind (drops, delivery
   * failures): the first goes out at once, the next ones are summed up. Default: 5000.
   */
  reportInterval: option.number({ min: 0, integer: true }),
  /**
   * Receives failures until a tracker binds its own `onError` (registering the
   * backend in a tracker does). Default: one concise line on stderr per report.
   */
  onError: option.function<ErrorReporter>(),
});

/** Options of {@link SegmentBackend}. Give `writeKey` (and client options) or `analytics`. */
export type SegmentBackendOptions = OptionsOf<typeof segmentBackendOptions.fields>;

/** The default of `maxPendingBytes`: 32 MiB. */
const DEFAULT_MAX_PENDING_BYTES = 32 * 1024 * 1024;

const CLIENT_OPTIONS = Object.keys(segmentClientFields).filter((name) => name !== 'writeKey') as (keyof SegmentClientOptions)[];

/** The validated settings of a {@link SegmentBackend}. */
export interface SegmentSettings {
  /** The client settings, when the backend creates its client; undefined with `analytics`. */
  client?: AnalyticsSettings;
  analytics?: Analytics;
  anonymousId?: (event: TrackedEvent) => string | null | undefined;
  maxPending: number;
  maxPendingBytes: number;
  closeTimeout: number;
  reportInterval: number;
  onError?: ErrorReporter;
}

/**
 * Checks {@link SegmentBackendOptions}; throws an {@link OptionsError} naming the option
 * and the fix. A `null` option (Python's `None`, in configuration data) counts as not given.
 */
export function validateSegmentOptions(given: SegmentBackendOptions): SegmentSettings {
  const withoutNulls = isPlainObjectLike(given) ? Object.fromEntries(Object.entries(given).filter(([, value]) => value !== null)) : given;
  const options = segmentBackendOptions.check(withoutNulls);
  const fail = (message: string): never => {
    throw new OptionsError('SegmentBackend', message);
  };
  const { analytics, anonymousId, onError } = options;
  if (analytics !== undefined) {
    const clientOptions = ['writeKey', ...CLIENT_OPTIONS].filter((name) => options[name as keyof SegmentClientOptions] !== undefined);
    if (clientOptions.length > 0) {
      fail(`give either analytics (your own client) or client options, not both (got analytics and ${clientOptions.join(', ')})`);
    }
  } else if (options.writeKey === undefined || options.writeKey === '') {
    fail("give writeKey (your Segment source's write key) or analytics (your own Analytics instance); neither was given");
  }
  const settings: SegmentSettings = {
    analytics,
    anonymousId,
    onError,
    maxPending: options.maxPending ?? 10000,
    maxPendingBytes: options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES,
    closeTimeout: options.closeTimeout ?? 10000,
    reportInterval: options.reportInterval ?? 5000,
  };
  if (analytics === undefined) {
    const client: AnalyticsSettings = { writeKey: options.writeKey as string };
    for (const name of CLIENT_OPTIONS) if (options[name] !== undefined) Object.assign(client, { [name]: options[name] });
    settings.client = client;
  }
  return settings;
}

function isPlainObjectLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
