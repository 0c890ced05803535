import type { RequestUser } from '../request/request-context';
import { userOfAuthLayer } from '../request/request-user';
import type { ExpressRequest } from './request';

/**
 * The user Passport left on a request: `req.user`; the anonymous visitor when
 * Passport is there (`req.isAuthenticated`) and nobody is signed in; else none (no
 * authentication layer).
 */
export function passportUser(req: ExpressRequest): RequestUser | undefined {
  return userOfAuthLayer(req.user, req.isAuthenticated);
}
