import { option, type OptionsOf } from '../core/options';
import { userTrackOptions } from '../views/user-track';
import { userTrackResponder } from '../views/user-track-endpoint';
import type { KoaContext, KoaMiddleware } from './context';
import { koaEndpoint } from './endpoint';

const koaUserTrackHandlerOptions = userTrackOptions.extend('userTrackHandler', {
  /**
   * The user of a request, whose `username` goes into the event: an object with a
   * `username`; null or undefined is an anonymous visitor (`username: ''`). Only
   * needed when this endpoint must name another user than trackMiddleware does.
   * Default: the user trackMiddleware resolved for the request (its `getUser`, else
   * koa-passport's `ctx.state.user`); without trackMiddleware, `ctx.state.user`.
   */
  getUser: option.function<(ctx: KoaContext) => unknown>(),
});

/** Options of the Koa {@link userTrackHandler}. */
export type KoaUserTrackHandlerOptions = OptionsOf<typeof koaUserTrackHandlerOptions.fields>;

/**
 * The `/event` endpoint for browser events, as the Express `userTrackHandler`: GET
 * query or form-encoded / JSON POST; 200 `success`, a 4xx naming what is wrong. Its
 * own requests get no page event, whatever path it answers. Unknown options and
 * options of the wrong type throw an `OptionsError`.
 *
 * @example router.all('/event', userTrackHandler())
 */
export function userTrackHandler(given: KoaUserTrackHandlerOptions = {}): KoaMiddleware {
  const options = koaUserTrackHandlerOptions.check(given);
  return koaEndpoint(userTrackResponder(options), options.getUser);
}
