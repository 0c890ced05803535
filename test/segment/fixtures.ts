import { EventTime, MemoryBackend, NameWhitelistProcessor, RoutingBackend, Tracker, type FailureInfo } from '../../src';
import { SegmentBackend, type SegmentBackendOptions } from '../../src/segment/segment-backend';
import { GoogleAnalyticsProcessor } from '../../src/processors/google-analytics';
import type { SegmentSink } from './sink';

/** The tracker's frozen clock: 2013-10-03T08:24:55.000250+00:00. */
export const FROZEN = new EventTime(Date.UTC(2013, 9, 3, 8, 24, 55), 250);

/** The tracking context of Open edX's `test_track_with_standard_context`, with strings for its sentinels. */
export const STANDARD_CONTEXT = {
  accept_language: 'en-US',
  referer: 'https://example.com/referer',
  username: 'alice',
  session: 'a1b2c3',
  ip: '11.22.33.44',
  host: 'hostname',
  agent: 'Mozilla/5.0 (test)',
  path: '/this/is/a/path',
  user_id: 42,
  course_id: 'course-v1:edX+DemoX+Demo_2014',
  org_id: 'edX',
  client_id: '1033501218.1368477899',
};

/** Client options that make the real client fast against a local sink. */
export function fastClient(sink: SegmentSink): SegmentBackendOptions {
  return { writeKey: 'test-write-key', host: sink.url, flushAt: 5, flushInterval: 20, maxRetries: 3, httpRequestTimeout: 2000 };
}

/** A failure reported through `onError`, flattened for assertions. */
export interface Failure extends FailureInfo {
  message: string;
}

/**
 * A tracker shaped like the LMS one: `segmentio` (whitelist, GA processor,
 * SegmentBackend) and `tracking_logs` (here a MemoryBackend), with a frozen clock
 * and the failures collected.
 */
export function lmsLikeTracker(sink: SegmentSink, whitelist: string[], options: SegmentBackendOptions = {}) {
  const failures: Failure[] = [];
  const segment = new SegmentBackend({ ...fastClient(sink), ...options });
  const memory = new MemoryBackend();
  const tracker = new Tracker({
    backends: {
      segmentio: new RoutingBackend({
        backends: { segment },
        processors: [new NameWhitelistProcessor({ whitelist }), new GoogleAnalyticsProcessor()],
      }),
      tracking_logs: new RoutingBackend({ backends: { memory } }),
    },
    clock: () => FROZEN,
    onError: (error, info) => failures.push({ message: error.message, ...info }),
  });
  return { tracker, segment, memory, failures };
}

/** Milliseconds `fn` took to settle. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
