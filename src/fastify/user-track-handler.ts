import { option, type OptionsOf } from '../core/options';
import { userTrackOptions } from '../views/user-track';
import { userTrackResponder } from '../views/user-track-endpoint';
import { fastifyEndpoint } from './endpoint';
import type { FastifyPluginLike, FastifyRequestLike } from './types';

const fastifyUserTrackOptions = userTrackOptions.extend('userTrackHandler', {
  /**
   * The user of a request, whose `username` goes into the event: an object with a
   * `username`; null or undefined is an anonymous visitor (`username: ''`). Only
   * needed when this endpoint must name another user than trackMiddleware does.
   * Default: the user trackMiddleware resolved for the request; without
   * trackMiddleware, @fastify/passport's `request.user`.
   */
  getUser: option.function<(request: FastifyRequestLike) => unknown>(),
  /** The path the endpoint answers at. Default: `'/event'`. */
  path: option.string({ nonEmpty: true }),
});

/** Options of the Fastify {@link userTrackHandler}. */
export type FastifyUserTrackHandlerOptions = OptionsOf<typeof fastifyUserTrackOptions.fields>;

/**
 * The `/event` endpoint for browser events, as the Express `userTrackHandler`, as a
 * plugin declaring its route: GET query or form-encoded / JSON POST (read here,
 * whatever content-type parsers the app has); 200 `success`, a 4xx naming what is
 * wrong, 405 for other methods. Its own requests get no page event. Unknown options
 * and options of the wrong type throw an `OptionsError`.
 *
 * @example await app.register(userTrackHandler()) // answers /event
 */
export function userTrackHandler(given: FastifyUserTrackHandlerOptions = {}): FastifyPluginLike {
  const { path, getUser, ...options } = fastifyUserTrackOptions.check(given);
  return fastifyEndpoint(path ?? '/event', userTrackResponder(options), getUser);
}
