import { asyncContextLocator, openRequestFrame } from '../core/context';
import type { RequestUser } from '../request/request-context';
import { RequestTracking, type RequestTrackingOptions } from '../request/request-tracking';
import type { KoaContext, KoaMiddleware } from './context';

/** Options of the Koa {@link trackMiddleware}. */
export interface KoaTrackMiddlewareOptions extends RequestTrackingOptions {
  /**
   * The user of a request: an object with `id` and `username`; null or undefined when
   * there is none (then `user_id` and `username` are `''`). A user whose `id` is null
   * is anonymous (`user_id: null`). Default: `ctx.state.user` (koa-passport).
   */
  getUser?: (ctx: KoaContext) => RequestUser | null | undefined;
  /** The session key to hash into `session`. Default: `ctx.sessionId ?? ctx.session?.id`. */
  getSessionKey?: (ctx: KoaContext) => string | null | undefined;
}

/**
 * Koa middleware doing what Open edX's `TrackMiddleware` does (see the Express
 * `trackMiddleware`, which shares its request code): each request gets a context
 * frame of its own holding the `edx.request` context, and a page-request event unless
 * the path is ignored. Mount it after session and auth middleware and before your
 * routes; a body parser mounted before it puts form fields into page events. It never
 * fails a request.
 *
 * @example app.use(trackMiddleware({ secretKey: process.env.SECRET_KEY }))
 */
export function trackMiddleware(options: KoaTrackMiddlewareOptions = {}): KoaMiddleware {
  const tracking = new RequestTracking(options);
  const getUser = options.getUser ?? ((ctx: KoaContext) => ctx.state.user as RequestUser | null | undefined);
  const getSessionKey = options.getSessionKey ?? defaultSessionKey;
  const locator = options.tracker?.contextLocator ?? asyncContextLocator;
  return function trackMiddleware(ctx, next) {
    return openRequestFrame(async () => {
      const exit = tracking.enter(
        ctx.originalUrl,
        () => ({
          headers: ctx.req.headers,
          remoteAddress: ctx.req.socket?.remoteAddress,
          protocol: ctx.protocol,
          user: getUser(ctx),
          sessionKey: getSessionKey(ctx),
        }),
        ctx.request.body,
      );
      // Exit when the response is written, not when `next` resolves: Koa writes the
      // body (a stream, say) after the middleware chain, and events it emits belong to the request.
      ctx.res.once('close', exit);
      await next();
    }, locator);
  };
}

function defaultSessionKey(ctx: KoaContext): string | null | undefined {
  const session = ctx.session as { id?: string } | null | undefined;
  return (ctx.sessionId as string | undefined) ?? session?.id;
}
