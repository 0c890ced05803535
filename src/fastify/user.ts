import type { RequestUser } from '../request/request-context';
import { userOfAuthLayer } from '../request/request-user';
import type { FastifyRequestLike } from './types';

/**
 * The user @fastify/passport left on a request: `request.user`; the anonymous visitor
 * when Passport is there (`request.isAuthenticated`) and nobody is signed in; else
 * none (no authentication layer).
 */
export function fastifyPassportUser(request: FastifyRequestLike): RequestUser | undefined {
  return userOfAuthLayer(request.user, request.isAuthenticated);
}
