import { asyncContextLocator, openRequestFrame } from '../core/context';
import { option, type OptionsOf } from '../core/options';
import type { RequestUser } from '../request/request-context';
import { RequestTracking, requestTrackingOptions } from '../request/request-tracking';
import { userOrAnonymous } from '../request/request-user';
import { trustProxyOption } from '../request/trust-proxy';
import { parsedForm } from './body';
import { nodeBindings, type HonoContextLike, type HonoMiddleware } from './types';
import { honoSessionKey, honoVariableUser } from './user';

const honoTrackOptions = requestTrackingOptions.extend('trackMiddleware', {
  /**
   * The user of a request: an object with `id` and `username`. Giving `getUser` says
   * the app has an authentication layer, so null or undefined is an anonymous visitor
   * (`user_id: null`, `username: ''`). Default: the object in `c.var.user`; without
   * one, no user object (`user_id: ''`, `username: ''`).
   */
  getUser: option.function<(c: HonoContextLike) => RequestUser | null | undefined>(),
  /**
   * The session key to hash into `session` (`''` when it gives none). Default:
   * `c.var.sessionId`, else `c.var.session.id`.
   */
  getSessionKey: option.function<(c: HonoContextLike) => string | null | undefined>(),
  /**
   * Which proxies to believe about the client's address (`ip`), as the Express
   * `trustProxy`: `false`, a number of proxies, or their addresses or CIDR ranges
   * (Hono computes no address of its own). Default: Open edX's way, which lets every
   * client choose its `ip`.
   */
  trustProxy: trustProxyOption(),
});

/** Options of the Hono {@link trackMiddleware}. */
export type HonoTrackMiddlewareOptions = OptionsOf<typeof honoTrackOptions.fields>;

let warnedOffNode = false;

/**
 * Hono middleware doing what Open edX's `TrackMiddleware` does, as the Express
 * `trackMiddleware` (which shares its request code), for Hono served on Node by
 * @hono/node-server: each request gets a context frame of its own holding the
 * `edx.request` context, and a page-request event unless the path is ignored or the
 * request is answered by `userTrackHandler` or `segmentioHandler`. Mount it after
 * session and auth middleware and before your routes; form fields appear in page
 * events when `c.req.parseBody()` ran before it. Under another server it passes
 * requests on untracked (and warns once). It never fails a request. Unknown options
 * and options of the wrong type throw an `OptionsError`.
 *
 * @example app.use(trackMiddleware({ secretKey: process.env.SECRET_KEY }))
 */
export function trackMiddleware(given: HonoTrackMiddlewareOptions = {}): HonoMiddleware {
  const options = honoTrackOptions.check(given);
  const tracking = new RequestTracking(options);
  const getUser = options.getUser;
  const userOf = getUser ? (c: HonoContextLike) => userOrAnonymous(getUser(c)) : honoVariableUser;
  const getSessionKey = options.getSessionKey ?? honoSessionKey;
  const locator = options.tracker?.contextLocator ?? asyncContextLocator;
  return async function trackMiddleware(c, next) {
    const node = nodeBindings(c);
    if (!node) {
      if (!warnedOffNode) console.warn('eventtracking: the Hono trackMiddleware tracks requests served by @hono/node-server only; this request is not tracked.');
      warnedOffNode = true;
      return next();
    }
    const { incoming, outgoing } = node;
    const body = c.req.bodyCache?.formData ? await parsedForm(c).catch(() => undefined) : undefined;
    return openRequestFrame(async () => {
      tracking.enter(
        incoming.url ?? '/',
        () => ({
          headers: incoming.headers,
          remoteAddress: incoming.socket?.remoteAddress,
          frameworkIp: undefined,
          protocol: (incoming.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http',
          user: userOf(c),
          sessionKey: getSessionKey(c),
        }),
        body,
        outgoing,
      );
      await next();
    }, locator);
  };
}
