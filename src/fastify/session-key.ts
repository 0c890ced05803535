import { decodePercentRuns } from '../request/percent';
import type { FastifyRequestLike } from './types';

/**
 * The session key of a Fastify request, Django's `session_key` as the request came in:
 *
 * - with @fastify/session (its session has `touch()`): `request.session.sessionId`
 *   when a cookie of the request holds it (`<id>.<signature>`), which it does only for
 *   a stored session the client presented; a session made for this request has no key
 *   yet, as in Django until it is saved.
 * - otherwise (another session plugin): `request.session.sessionId`, else `request.session.id`.
 *
 * Cookie-only sessions (@fastify/secure-session) have no key: `session` is `''`.
 */
export function fastifySessionKey(request: FastifyRequestLike): string | undefined {
  const session = request.session;
  const id = session?.sessionId ?? session?.id;
  if (typeof id !== 'string') return undefined;
  if (typeof session?.touch !== 'function') return id;
  return cookieHoldsId(request.raw.headers.cookie, id) ? id : undefined;
}

/** Whether a cookie of the `Cookie` header holds `<id>` or `<id>.<signature>` (percent-encoded or not). */
function cookieHoldsId(header: string | undefined, id: string): boolean {
  if (typeof header !== 'string' || id === '') return false;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    let value = pair.slice(at + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    value = decodePercentRuns(value);
    if (value === id || value.startsWith(`${id}.`)) return true;
  }
  return false;
}
