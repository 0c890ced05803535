import { option, type OptionsOf } from '../core/options';
import { userTrackOptions } from '../views/user-track';
import { userTrackResponder } from '../views/user-track-endpoint';
import { expressEndpoint } from './endpoint';
import type { ExpressHandler, ExpressRequest } from './request';

const userTrackHandlerOptions = userTrackOptions.extend('userTrackHandler', {
  /**
   * The user of a request, whose `username` goes into the event: an object with a
   * `username`; null or undefined is an anonymous visitor (`username: ''`). Only
   * needed when this endpoint must name another user than trackMiddleware does.
   * Default: the user trackMiddleware resolved for the request (its `getUser`, else
   * Passport's `req.user`); without trackMiddleware, Passport's `req.user`.
   */
  getUser: option.function<(req: ExpressRequest) => unknown>(),
});

/** Options of the Express {@link userTrackHandler}. */
export type UserTrackHandlerOptions = OptionsOf<typeof userTrackHandlerOptions.fields>;

/**
 * The `/event` endpoint for browser events (Open edX's `user_track`): reads
 * `event_type`, `event` (JSON text), `page` and `courserun_key` from the query (GET)
 * or the body (POST, form-encoded or JSON; parsed here unless a body parser already
 * did), and emits the event with `event_source: 'browser'`. Answers 200 `success`;
 * a malformed request gets a 4xx naming the problem; other methods get 405. Mount it
 * after `trackMiddleware` so the event carries the request context; its own requests
 * get no page event, whatever path it is mounted at. Unknown options and options of
 * the wrong type throw an `OptionsError`.
 *
 * @example app.all('/event', userTrackHandler())
 */
export function userTrackHandler(given: UserTrackHandlerOptions = {}): ExpressHandler {
  const options = userTrackHandlerOptions.check(given);
  return expressEndpoint(userTrackResponder(options), options.getUser);
}
