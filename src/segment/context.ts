import { isPlainObject } from '../encoding/objects';
import type { Context } from '../core/types';

/**
 * The part of a Segment call's `context` that Open edX fills from the tracking
 * context (EDX-BEHAVIOR §4.1): `ip`, `userAgent`, `'Google Analytics': { clientId }`
 * and `page: { path, referrer, url }`. Other keys a caller gives are kept as given.
 */
export interface SegmentContext {
  ip?: unknown;
  userAgent?: unknown;
  'Google Analytics'?: Record<string, unknown>;
  page?: Record<string, unknown>;
  [key: string]: unknown;
}

const given = (value: unknown): boolean => value !== null && value !== undefined;

/**
 * Python's `urlunsplit(('https', host, path, '', ''))`: `https://host/path`, with
 * the `/` between host and path added when the path lacks it.
 */
export function httpsUrl(host: string, path: string): string {
  return `https://${host}${path.startsWith('/') ? '' : '/'}${path}`;
}

/**
 * The page URL Open edX reports: the context's `page` when it has one; otherwise,
 * when both `path` and `host` are set (not empty), `https://host/path`.
 */
function pageUrl(tracking: Context): unknown {
  const { page, path, host } = tracking;
  if (page || !path || !host) return page;
  return httpsUrl(String(host), String(path));
}

/**
 * Builds the Segment context of an event from its tracking context, as Open edX's
 * `SegmentBackend` and `track.segment.track` both do, written once for both:
 *
 * - `ip` from `ip`, `userAgent` from `agent`,
 *   `'Google Analytics': { clientId }` from `client_id`;
 * - `page: { path, referrer, url }` from `path`, `referer` and `page` (or the
 *   `https://host/path` synthesis, see {@link httpsUrl}); the object only when
 *   at least one of the three is set.
 *
 * Each value is taken only when it is not `null`/`undefined`. `callerContext` (the
 * direct helpers' `context` argument) wins: a key it already has (an `ip`, a GA
 * `clientId`, a `page.path`...) is never overridden, and its other keys are kept.
 * A caller's `Google Analytics` or `page` that is not an object is left as it is.
 * Neither argument is modified.
 */
export function buildSegmentContext(tracking: Context, callerContext?: Record<string, unknown>): SegmentContext {
  const result: SegmentContext = { ...callerContext };
  const fill = (key: string, value: unknown): void => {
    if (result[key] === undefined && given(value)) result[key] = value;
  };
  fill('ip', tracking.ip);
  const ga: unknown = result['Google Analytics'];
  if (given(tracking.client_id) && (ga === undefined || (isPlainObject(ga) && ga.clientId === undefined))) {
    result['Google Analytics'] = { ...ga, clientId: tracking.client_id };
  }
  fill('userAgent', tracking.agent);

  const parts: Array<[string, unknown]> = [
    ['path', tracking.path],
    ['referrer', tracking.referer],
    ['url', pageUrl(tracking)],
  ];
  const callerPage: unknown = result.page;
  if (parts.some(([, value]) => given(value)) && (callerPage === undefined || isPlainObject(callerPage))) {
    const page: Record<string, unknown> = { ...callerPage };
    for (const [key, value] of parts) if (page[key] === undefined && given(value)) page[key] = value;
    result.page = page;
  }
  return result;
}
