import type { IncomingHttpHeaders } from 'node:http';
import type { Context } from '../core/types';
import { gaClientId } from './client-id';
import { courseContextFromUrl } from './course';
import { clientIp } from './ip';
import type { ClientIpReader } from './trust-proxy';
import { decodePercentRuns } from './percent';
import { hashSessionKeyCached } from './session';

/** The user as an adapter sees it: any object with an `id` and a `username`. */
export interface RequestUser {
  id?: unknown;
  username?: unknown;
}

/** What an HTTP adapter (Express, Koa) tells {@link buildRequestContext} about a request. */
export interface RequestFacts {
  /** The request target as received (path and query), e.g. '/courses/a/b/c/x?y=1'. */
  url: string;
  headers: IncomingHttpHeaders;
  remoteAddress: string | undefined;
  /**
   * The client's address as the framework computes it with its own proxy setting
   * (Express's `req.ip`, Koa's `ctx.ip`); given only when the middleware's `trustProxy`
   * names the framework.
   */
  frameworkIp?: unknown;
  /** 'https' when the request came over TLS or a trusted proxy says so; used only to build the absolute URL for course detection. */
  protocol: string;
  /** The user object (an anonymous visitor behind auth middleware is `ANONYMOUS_USER`), or null/undefined when there is none (no auth middleware). */
  user: RequestUser | null | undefined;
  sessionKey: string | null | undefined;
}

/** Runs `compute`, giving `fallback` if it throws: building the context never fails a request. */
function safe<T>(compute: () => T, fallback: T): T {
  try {
    return compute();
  } catch {
    return fallback;
  }
}

/** A header as one string (`''` if absent); repeated values are joined with `separator`. */
function header(headers: IncomingHttpHeaders, name: string, separator = ', '): string {
  const value: unknown = headers[name];
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(separator) : '';
}

/** Django's `host_validation_re`: a host that may go into the absolute URL. */
const VALID_HOST = /^([a-z0-9.-]+|\[[a-f0-9]*:[a-f0-9.:]+\])(:[0-9]+)?$/i;

/**
 * The host name of a `Host` header, without the port, as WSGI's `SERVER_NAME`:
 * `example.com:8000` gives `example.com`, and `[::1]:3000` gives `::1` (brackets dropped).
 */
export function hostName(hostHeader: string): string {
  const host = hostHeader.trim();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end < 0 ? host : host.slice(1, end);
  }
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && host.indexOf(':') === colon && /^\d*$/.test(host.slice(colon + 1))) return host.slice(0, colon);
  return host;
}

/** The origin-form of a request target: an absolute-form target (`http://h/p?q`) loses its scheme and authority. */
function originForm(url: string): string {
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  return absolute ? url.slice(absolute[0].length) || '/' : url;
}

/**
 * WSGI's `PATH_INFO` of a request target: the path without query or fragment,
 * percent-decoded (a malformed escape sequence is kept as written).
 */
export function decodedPath(url: string): string {
  const target = originForm(url);
  const end = target.search(/[?#]/);
  return decodePercentRuns(end < 0 ? target : target.slice(0, end));
}

/** A text form of an identifier, or null when it has none. */
function textOf(value: unknown): string | null {
  const text = safe(() => String(value), null);
  return typeof text === 'string' ? text : null;
}

/**
 * A user's id as the context's `user_id`: a string or finite number as is, a bigint
 * as a number when it is safe (else its digits), anything else (an ObjectId, say)
 * as its `String()`; null/undefined (an anonymous user) stays null.
 */
function userIdOf(id: unknown): unknown {
  if (id === null || id === undefined) return null;
  if (typeof id === 'string') return id;
  if (typeof id === 'number') return Number.isFinite(id) ? id : null;
  if (typeof id === 'bigint') return Number.isSafeInteger(Number(id)) ? Number(id) : id.toString();
  return textOf(id);
}

/** The `user_id` and `username` a user gives the request context (`''` and `''` for no user object). */
export function userFields(user: RequestUser | null | undefined): [unknown, unknown] {
  if (user === null || user === undefined || (typeof user !== 'object' && typeof user !== 'function')) return ['', ''];
  const id = safe(() => userIdOf(user.id), null);
  const username = safe(() => user.username, undefined);
  return [id, username === null || username === undefined ? '' : typeof username === 'string' ? username : (textOf(username) ?? '')];
}

/**
 * Builds the `'edx.request'` context of a request, Open edX's `TrackMiddleware`
 * fields in their insertion order: `session`, `user_id`, `username`, `ip`, `host`,
 * `agent`, `path`, `referer`, `accept_language`, `client_id`, `course_id`, `org_id`,
 * `enterprise_uuid`.
 *
 * - `session`: the hashed session key; `''` without a secret key or a session.
 * - `user_id` / `username`: `''` / `''` with no user object; for a user whose `id` is
 *   null or undefined (anonymous) `null` / its username or `''`.
 * - `ip`: the client's address, as `readIp` finds it.
 * - `host`: the `Host` header's name without the port (`''` if absent).
 * - `path`: the decoded path without the query.
 * - `client_id`: the Google Analytics id, or null.
 * - the course fields: from the absolute URL `${protocol}://${host}${url}` (a `Host`
 *   header that Django would reject is left out of it).
 *
 * Never throws: a field that cannot be computed gets its default.
 *
 * @param facts - what the adapter knows about the request.
 * @param secretKey - the secret used to hash session keys; falsy gives `session: ''`.
 * @param readIp - how the client's address is found (see `trustProxy`). Default:
 *   Open edX's {@link clientIp}.
 */
export function buildRequestContext(facts: RequestFacts, secretKey: string | undefined, readIp: ClientIpReader = clientIp): Context {
  const headers: IncomingHttpHeaders = safe(() => (facts.headers && typeof facts.headers === 'object' ? facts.headers : {}), {});
  const url = safe(() => (typeof facts.url === 'string' ? facts.url : ''), '');
  const hostHeader = safe(() => header(headers, 'host'), '');
  const [userId, username] = safe(() => userFields(facts.user), ['', ''] as [unknown, unknown]);
  const course = safe(() => {
    const protocol = typeof facts.protocol === 'string' && facts.protocol ? facts.protocol : 'http';
    const host = VALID_HOST.test(hostHeader) ? hostHeader : '';
    const absolute = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `${protocol}://${host}${url}`;
    return courseContextFromUrl(absolute);
  }, { course_id: '', org_id: '', enterprise_uuid: '' });
  return {
    session: safe(() => (secretKey ? hashSessionKeyCached(secretKey, facts.sessionKey) : ''), ''),
    user_id: userId,
    username,
    ip: safe(() => readIp(headers, typeof facts.remoteAddress === 'string' ? facts.remoteAddress : undefined, facts.frameworkIp), ''),
    host: safe(() => hostName(hostHeader), ''),
    agent: safe(() => header(headers, 'user-agent'), ''),
    path: safe(() => decodedPath(url), ''),
    referer: safe(() => header(headers, 'referer'), ''),
    accept_language: safe(() => header(headers, 'accept-language'), ''),
    client_id: safe(() => gaClientId(header(headers, 'cookie', '; ') || undefined, gaHeaderOf(headers)), null),
    course_id: course.course_id,
    org_id: course.org_id,
    enterprise_uuid: course.enterprise_uuid,
  };
}

function gaHeaderOf(headers: IncomingHttpHeaders): string | string[] | undefined {
  const value: unknown = headers['x-edx-ga-client-id'];
  return typeof value === 'string' || Array.isArray(value) ? (value as string | string[]) : undefined;
}
