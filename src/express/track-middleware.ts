import { asyncContextLocator, openRequestFrame } from '../core/context';
import { option, type OptionsOf } from '../core/options';
import type { RequestUser } from '../request/request-context';
import { RequestTracking, requestTrackingOptions } from '../request/request-tracking';
import { userOrAnonymous } from '../request/request-user';
import { trustProxyOption } from '../request/trust-proxy';
import type { ExpressHandler, ExpressRequest } from './request';
import { expressSessionKey } from './session-key';
import { passportUser } from './user';

const trackMiddlewareOptions = requestTrackingOptions.extend('trackMiddleware', {
  /**
   * The user of a request: an object with `id` and `username`. Giving `getUser` says
   * the app has an authentication layer, so null or undefined is an anonymous visitor,
   * Django's AnonymousUser (`user_id: null`, `username: ''`); so is a user whose `id`
   * is null. The user resolved here is the request's user for `/event`, `serverTrack`
   * and the page event too. Default: Passport's `req.user`; with Passport and nobody
   * signed in (`req.isAuthenticated` there, no `req.user`), the anonymous visitor;
   * with no auth middleware at all, no user object (`user_id: ''`, `username: ''`).
   */
  getUser: option.function<(req: ExpressRequest) => RequestUser | null | undefined>(),
  /**
   * The session key to hash into `session` (`''` when it gives none). Default: with
   * express-session, the id of a stored session the client presented (a session
   * created for this request, saved or not, has no key yet, as in Django); with other
   * session middleware, `req.sessionID ?? req.session?.id`.
   */
  getSessionKey: option.function<(req: ExpressRequest) => string | null | undefined>(),
  /**
   * Which proxies to believe about the client's address (`ip`): `false`, none (the
   * socket's peer address, no header read); a number, how many proxies stand in front
   * of the app; an array, the trusted proxies' addresses or CIDR ranges (IPv4 or IPv6;
   * also `'loopback'`, `'linklocal'`, `'uniquelocal'`). With a number or an array,
   * X-Forwarded-For is walked from the right past the trusted proxies, and the first
   * address they did not vouch for is the client's; no other header is read.
   * `'express'`: `req.ip`, as the app's own `trust proxy` setting computes it.
   * Default: Open edX's way (django-ipware's left-most address of X-Forwarded-For,
   * Client-IP, X-Real-IP, Forwarded, Via..., public before private), which lets every
   * client choose its `ip`.
   */
  trustProxy: trustProxyOption('express'),
});

/** Options of the Express {@link trackMiddleware}. */
export type TrackMiddlewareOptions = OptionsOf<typeof trackMiddlewareOptions.fields>;

/**
 * Express middleware doing what Open edX's `TrackMiddleware` does: each request gets
 * a context frame of its own holding the `edx.request` context (user, session hash,
 * ip, host, agent, path, referer, language, GA client id, course), which every event
 * emitted while handling the request carries; and a page-request event unless the
 * path is ignored or the request is answered by `userTrackHandler` or
 * `segmentioHandler`, wherever they are mounted. Mount it after session and auth
 * middleware (it reads the user and the session) and before your routes; mount
 * `express.urlencoded()` before it for form fields to appear in page events. It never
 * fails a request. Unknown options and options of the wrong type throw an
 * `OptionsError`.
 *
 * @example app.use(trackMiddleware({ secretKey: process.env.SECRET_KEY }))
 */
export function trackMiddleware(given: TrackMiddlewareOptions = {}): ExpressHandler {
  const options = trackMiddlewareOptions.check(given);
  const tracking = new RequestTracking(options);
  const getUser = options.getUser;
  const userOf = getUser ? (req: ExpressRequest) => userOrAnonymous(getUser(req)) : passportUser;
  const getSessionKey = options.getSessionKey ?? expressSessionKey;
  const readsReqIp = options.trustProxy === 'express';
  const locator = options.tracker?.contextLocator ?? asyncContextLocator;
  return function trackMiddleware(req, res, next) {
    openRequestFrame(() => {
      tracking.enter(
        req.originalUrl ?? req.url ?? '/',
        () => ({
          headers: req.headers,
          remoteAddress: req.socket?.remoteAddress,
          frameworkIp: readsReqIp ? req.ip : undefined,
          protocol: req.protocol ?? ((req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http'),
          user: userOf(req),
          sessionKey: getSessionKey(req),
        }),
        req.body,
        res,
      );
      next();
    }, locator);
  };
}
