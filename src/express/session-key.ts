import { decodePercentRuns } from '../request/percent';
import type { ExpressRequest } from './request';

/**
 * The session key of an Express request, Django's `session_key` as the request came in:
 *
 * - with express-session (it sets `req.sessionStore`): the id of a stored session the
 *   client presented. express-session gives every request a `req.sessionID`, a new one
 *   when the client sent no cookie or the cookie of a session the store does not have;
 *   such a session has no key yet (Django's `session_key` is None until the session is
 *   saved), so it gives undefined, whether `saveUninitialized` saves it at the end or not.
 *   The id was presented when a cookie of the request holds it signed (`s:<id>.<signature>`):
 *   express-session keeps the cookie's id only when the signature is valid and the store
 *   has the session, and otherwise makes a new random one that no cookie can hold.
 * - otherwise (another session middleware): `req.sessionID`, else `req.session.id`.
 */
export function expressSessionKey(req: ExpressRequest): string | null | undefined {
  const id = req.sessionID ?? req.session?.id;
  if (req.sessionStore === undefined || typeof id !== 'string') return id;
  return cookieHoldsSignedId(req.headers.cookie, id) ? id : undefined;
}

/** Whether a cookie of the `Cookie` header holds `s:<id>.<signature>` (percent-encoded or not). */
function cookieHoldsSignedId(header: string | undefined, id: string): boolean {
  if (typeof header !== 'string' || id === '') return false;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    let value = pair.slice(at + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    value = decodePercentRuns(value);
    const dot = value.lastIndexOf('.');
    if (value.startsWith('s:') && dot > 2 && value.slice(2, dot) === id) return true;
  }
  return false;
}
