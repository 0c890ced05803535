import { asyncContextLocator, openRequestFrame } from '../core/context';
import { option, type OptionsOf } from '../core/options';
import type { RequestUser } from '../request/request-context';
import { RequestTracking, requestTrackingOptions } from '../request/request-tracking';
import { userOrAnonymous } from '../request/request-user';
import { trustProxyOption } from '../request/trust-proxy';
import type { KoaContext, KoaMiddleware } from './context';
import { koaSessionKey } from './session-key';
import { koaPassportUser } from './user';

const koaTrackMiddlewareOptions = requestTrackingOptions.extend('trackMiddleware', {
  /**
   * The user of a request: an object with `id` and `username`. Giving `getUser` says
   * the app has an authentication layer, so null or undefined is an anonymous visitor,
   * Django's AnonymousUser (`user_id: null`, `username: ''`); so is a user whose `id`
   * is null. The user resolved here is the request's user for `/event`, `serverTrack`
   * and the page event too. Default: koa-passport's `ctx.state.user`; with
   * koa-passport and nobody signed in (`ctx.isAuthenticated` there, no user), the
   * anonymous visitor; with no auth middleware at all, no user object (`user_id: ''`,
   * `username: ''`).
   */
  getUser: option.function<(ctx: KoaContext) => RequestUser | null | undefined>(),
  /**
   * The session key to hash into `session` (`''` when it gives none). Default: with
   * koa-session and a store, the key of a stored session the client presented (a
   * session created for this request has no key yet, as in Django; cookie-only sessions
   * have none); with other session middleware, `ctx.sessionId ?? ctx.session?.id`.
   */
  getSessionKey: option.function<(ctx: KoaContext) => string | null | undefined>(),
  /**
   * Which proxies to believe about the client's address (`ip`), as the Express
   * `trustProxy`: `false`, a number of proxies, or their addresses or CIDR ranges;
   * `'koa'` takes `ctx.ip`, as the app's `proxy`, `proxyIpHeader` and `maxIpsCount`
   * settings compute it. Default: Open edX's way, which lets every client choose its `ip`.
   */
  trustProxy: trustProxyOption('koa'),
});

/** Options of the Koa {@link trackMiddleware}. */
export type KoaTrackMiddlewareOptions = OptionsOf<typeof koaTrackMiddlewareOptions.fields>;

/**
 * Koa middleware doing what Open edX's `TrackMiddleware` does (see the Express
 * `trackMiddleware`, which shares its request code): each request gets a context
 * frame of its own holding the `edx.request` context, and a page-request event unless
 * the path is ignored or the request is answered by `userTrackHandler` or
 * `segmentioHandler`, wherever they are mounted. Mount it after session and auth
 * middleware and before your routes; a body parser mounted before it puts form fields
 * into page events. It never fails a request. Unknown options and options of the
 * wrong type throw an `OptionsError`.
 *
 * @example app.use(trackMiddleware({ secretKey: process.env.SECRET_KEY }))
 */
export function trackMiddleware(given: KoaTrackMiddlewareOptions = {}): KoaMiddleware {
  const options = koaTrackMiddlewareOptions.check(given);
  const tracking = new RequestTracking(options);
  const getUser = options.getUser;
  const userOf = getUser ? (ctx: KoaContext) => userOrAnonymous(getUser(ctx)) : koaPassportUser;
  const getSessionKey = options.getSessionKey ?? koaSessionKey;
  const readsCtxIp = options.trustProxy === 'koa';
  const locator = options.tracker?.contextLocator ?? asyncContextLocator;
  return function trackMiddleware(ctx, next) {
    return openRequestFrame(async () => {
      tracking.enter(
        ctx.originalUrl,
        () => ({
          headers: ctx.req.headers,
          remoteAddress: ctx.req.socket?.remoteAddress,
          frameworkIp: readsCtxIp ? ctx.ip : undefined,
          protocol: ctx.protocol,
          user: userOf(ctx),
          sessionKey: getSessionKey(ctx),
        }),
        ctx.request.body,
        // The response's close, not `next` resolving, ends the request: Koa writes the
        // body (a stream, say) after the middleware chain, and events it emits belong to the request.
        ctx.res,
      );
      await next();
    }, locator);
  };
}
