import { asyncContextLocator, openRequestFrame } from '../core/context';
import type { RequestUser } from '../request/request-context';
import { RequestTracking, type RequestTrackingOptions } from '../request/request-tracking';
import type { ExpressHandler, ExpressRequest } from './request';

/** Options of the Express {@link trackMiddleware}. */
export interface TrackMiddlewareOptions extends RequestTrackingOptions {
  /**
   * The user of a request: an object with `id` and `username`; null or undefined when
   * there is none (then `user_id` and `username` are `''`). A user whose `id` is null
   * is anonymous (`user_id: null`). Default: `req.user` (Passport and most auth middleware).
   */
  getUser?: (req: ExpressRequest) => RequestUser | null | undefined;
  /** The session key to hash into `session`. Default: `req.sessionID ?? req.session?.id` (express-session). */
  getSessionKey?: (req: ExpressRequest) => string | null | undefined;
}

/**
 * Express middleware doing what Open edX's `TrackMiddleware` does: each request gets
 * a context frame of its own holding the `edx.request` context (user, session hash,
 * ip, host, agent, path, referer, language, GA client id, course), which every event
 * emitted while handling the request carries; and a page-request event unless the
 * path is ignored. Mount it after session and auth middleware (it reads the user and
 * the session) and before your routes; mount `express.urlencoded()` before it for
 * form fields to appear in page events. It never fails a request.
 *
 * @example app.use(trackMiddleware({ secretKey: process.env.SECRET_KEY }))
 */
export function trackMiddleware(options: TrackMiddlewareOptions = {}): ExpressHandler {
  const tracking = new RequestTracking(options);
  const getUser = options.getUser ?? ((req: ExpressRequest) => req.user as RequestUser | null | undefined);
  const getSessionKey = options.getSessionKey ?? ((req: ExpressRequest) => req.sessionID ?? req.session?.id);
  const locator = options.tracker?.contextLocator ?? asyncContextLocator;
  return function trackMiddleware(req, res, next) {
    openRequestFrame(() => {
      const exit = tracking.enter(
        req.originalUrl ?? req.url ?? '/',
        () => ({
          headers: req.headers,
          remoteAddress: req.socket?.remoteAddress,
          protocol: req.protocol ?? ((req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http'),
          user: getUser(req),
          sessionKey: getSessionKey(req),
        }),
        req.body,
      );
      // 'close' follows every response, finished or aborted.
      res.once('close', exit);
      next();
    }, locator);
  };
}
