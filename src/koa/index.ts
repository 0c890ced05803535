/**
 * eventtracking/koa: the request middleware and the inbound endpoints for Koa 2 and 3.
 * @packageDocumentation
 */
import type { UserTrackOptions } from '../views/user-track';
import { respondToUserTrack } from '../views/user-track-endpoint';
import { segmentioResponder, type SegmentioOptions } from '../views/segmentio-endpoint';
import type { KoaContext, KoaMiddleware } from './context';
import { koaEndpoint } from './endpoint';

export { trackMiddleware } from './track-middleware';
export type { KoaTrackMiddlewareOptions } from './track-middleware';
export type { KoaContext, KoaMiddleware } from './context';
export type { SegmentioOptions } from '../views/segmentio-endpoint';

/** Options of the Koa {@link userTrackHandler}. */
export interface KoaUserTrackHandlerOptions extends UserTrackOptions {
  /** The user of a request, whose `username` goes into the event. Default: `ctx.state.user`. */
  getUser?: (ctx: KoaContext) => unknown;
}

/**
 * The `/event` endpoint for browser events, as the Express `userTrackHandler`: GET
 * query or form-encoded / JSON POST; 200 `success`, a 4xx naming what is wrong.
 *
 * @example router.all('/event', userTrackHandler())
 */
export function userTrackHandler(options: KoaUserTrackHandlerOptions = {}): KoaMiddleware {
  return koaEndpoint((request) => respondToUserTrack(request, options), options.getUser);
}

/**
 * The Segment webhook for mobile events, as the Express `segmentioHandler`.
 *
 * @example router.post('/segmentio/event', segmentioHandler({ secret: process.env.SEGMENT_WEBHOOK_SECRET }))
 */
export function segmentioHandler(options: SegmentioOptions = {}): KoaMiddleware {
  return koaEndpoint(segmentioResponder(options));
}
