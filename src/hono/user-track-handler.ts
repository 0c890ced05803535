import { option, type OptionsOf } from '../core/options';
import { userTrackOptions } from '../views/user-track';
import { userTrackResponder } from '../views/user-track-endpoint';
import { honoEndpoint } from './endpoint';
import type { HonoContextLike, HonoHandler } from './types';

const honoUserTrackOptions = userTrackOptions.extend('userTrackHandler', {
  /**
   * The user of a request, whose `username` goes into the event: an object with a
   * `username`; null or undefined is an anonymous visitor (`username: ''`). Only
   * needed when this endpoint must name another user than trackMiddleware does.
   * Default: the user trackMiddleware resolved for the request; without
   * trackMiddleware, the object in `c.var.user`.
   */
  getUser: option.function<(c: HonoContextLike) => unknown>(),
});

/** Options of the Hono {@link userTrackHandler}. */
export type HonoUserTrackHandlerOptions = OptionsOf<typeof honoUserTrackOptions.fields>;

/**
 * The `/event` endpoint for browser events, as the Express `userTrackHandler`: GET
 * query or form-encoded / JSON POST (read here, or taken from what Hono already read);
 * 200 `success`, a 4xx naming what is wrong, 405 for other methods. Its own requests
 * get no page event. Unknown options and options of the wrong type throw an `OptionsError`.
 *
 * @example app.all('/event', userTrackHandler())
 */
export function userTrackHandler(given: HonoUserTrackHandlerOptions = {}): HonoHandler {
  const { getUser, ...options } = honoUserTrackOptions.check(given);
  return honoEndpoint(userTrackResponder(options), getUser);
}
