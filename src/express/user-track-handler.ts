import type { UserTrackOptions } from '../views/user-track';
import { respondToUserTrack } from '../views/user-track-endpoint';
import { expressEndpoint } from './endpoint';
import type { ExpressHandler, ExpressRequest } from './request';

/** Options of the Express {@link userTrackHandler}. */
export interface UserTrackHandlerOptions extends UserTrackOptions {
  /** The user of a request, whose `username` goes into the event. Default: `req.user`. */
  getUser?: (req: ExpressRequest) => unknown;
}

/**
 * The `/event` endpoint for browser events (Open edX's `user_track`): reads
 * `event_type`, `event` (JSON text), `page` and `courserun_key` from the query (GET)
 * or the body (POST, form-encoded or JSON; parsed here unless a body parser already
 * did), and emits the event with `event_source: 'browser'`. Answers 200 `success`;
 * a malformed request gets a 4xx naming the problem; other methods get 405. Mount it
 * after `trackMiddleware` so the event carries the request context.
 *
 * @example app.all('/event', userTrackHandler())
 */
export function userTrackHandler(options: UserTrackHandlerOptions = {}): ExpressHandler {
  return expressEndpoint((request) => respondToUserTrack(request, options), options.getUser);
}
