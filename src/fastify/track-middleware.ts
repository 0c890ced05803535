import { asyncContextLocator, openRequestFrame, type ContextFrame } from '../core/context';
import { option, type OptionsOf } from '../core/options';
import type { RequestUser } from '../request/request-context';
import { RequestTracking, requestTrackingOptions } from '../request/request-tracking';
import { userOrAnonymous } from '../request/request-user';
import { trustProxyOption } from '../request/trust-proxy';
import { fastifySessionKey } from './session-key';
import { unencapsulated, type FastifyPluginLike, type FastifyReplyLike, type FastifyRequestLike, type HookDone } from './types';
import { fastifyPassportUser } from './user';

/** The request hooks the plugin can open the request frame in, in Fastify's order. */
const HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler'] as const;

/** A request hook of {@link HOOKS}. */
export type FastifyRequestHook = (typeof HOOKS)[number];

const fastifyTrackOptions = requestTrackingOptions.extend('trackMiddleware', {
  /**
   * The user of a request: an object with `id` and `username`. Giving `getUser` says
   * the app has an authentication layer, so null or undefined is an anonymous visitor
   * (`user_id: null`, `username: ''`). Default: @fastify/passport's `request.user`;
   * with Passport and nobody signed in, the anonymous visitor; with no auth plugin at
   * all, no user object (`user_id: ''`, `username: ''`).
   */
  getUser: option.function<(request: FastifyRequestLike) => RequestUser | null | undefined>(),
  /**
   * The session key to hash into `session` (`''` when it gives none). Default: with
   * @fastify/session, the id of a stored session the client presented; with other
   * session plugins, `request.session.sessionId ?? request.session.id`.
   */
  getSessionKey: option.function<(request: FastifyRequestLike) => string | null | undefined>(),
  /**
   * Which proxies to believe about the client's address (`ip`), as the Express
   * `trustProxy`: `false`, a number of proxies, or their addresses or CIDR ranges;
   * `'fastify'` takes `request.ip`, as the server's own `trustProxy` setting computes
   * it. Default: Open edX's way, which lets every client choose its `ip`.
   */
  trustProxy: trustProxyOption('fastify'),
  /**
   * The request hook that opens the request's context frame and reads the request
   * (as @fastify/request-context's `hook`): `'onRequest'` (every later hook and the
   * handler see the context), `'preParsing'`, `'preValidation'` (after Fastify parsed
   * the body: form fields appear in page events, and auth hooks of `onRequest` and
   * `preParsing` have set the user) or `'preHandler'`. Default: `'onRequest'`.
   */
  hook: option.oneOf(HOOKS),
});

/** Options of the Fastify {@link trackMiddleware}. */
export type FastifyTrackMiddlewareOptions = OptionsOf<typeof fastifyTrackOptions.fields>;

/**
 * A Fastify plugin doing what Open edX's `TrackMiddleware` does, as the Express
 * `trackMiddleware` (which shares its request code): each request gets a context frame
 * of its own holding the `edx.request` context, opened in the `hook` request hook, and
 * a page-request event unless the path is ignored or the request is answered by
 * `userTrackHandler` or `segmentioHandler`. Not encapsulated (as with fastify-plugin):
 * it tracks every route of the app. Register it after session and auth plugins and
 * before your routes. It never fails a request. Unknown options and options of the
 * wrong type throw an `OptionsError`.
 *
 * @example await app.register(trackMiddleware({ secretKey: process.env.SECRET_KEY }))
 */
export function trackMiddleware(given: FastifyTrackMiddlewareOptions = {}): FastifyPluginLike {
  const options = fastifyTrackOptions.check(given);
  const tracking = new RequestTracking(options);
  const getUser = options.getUser;
  const userOf = getUser ? (request: FastifyRequestLike) => userOrAnonymous(getUser(request)) : fastifyPassportUser;
  const getSessionKey = options.getSessionKey ?? fastifySessionKey;
  const readsRequestIp = options.trustProxy === 'fastify';
  const locator = options.tracker?.contextLocator ?? asyncContextLocator;
  const hook = options.hook ?? 'onRequest';
  const frames = new WeakMap<FastifyRequestLike, ContextFrame>();

  const open = (request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone): void => {
    openRequestFrame(() => {
      tracking.enter(
        request.originalUrl ?? request.raw.url ?? request.url,
        () => ({
          headers: request.raw.headers,
          remoteAddress: request.raw.socket?.remoteAddress,
          frameworkIp: readsRequestIp ? request.ip : undefined,
          protocol: request.protocol ?? ((request.raw.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http'),
          user: userOf(request),
          sessionKey: getSessionKey(request),
        }),
        request.body,
        reply.raw,
      );
      frames.set(request, locator.current());
      done();
    }, locator);
  };
  // Fastify runs preValidation, preHandler and the handler from the request stream's
  // 'end' event, in another async flow than the earlier hooks: each of them re-enters the frame.
  const reenter = (request: FastifyRequestLike, _reply: FastifyReplyLike, done: HookDone): void => {
    const frame = frames.get(request);
    if (frame) locator.run(frame, () => done());
    else done();
  };

  return unencapsulated(function eventtrackingFastify(instance, _options, done) {
    if (hook === 'preParsing') {
      instance.addHook(hook, (request: FastifyRequestLike, reply: FastifyReplyLike, payload: unknown, next: (error: Error | null, payload?: unknown) => void) =>
        open(request, reply, () => next(null, payload)),
      );
    } else {
      instance.addHook(hook, open);
    }
    for (const later of HOOKS.slice(HOOKS.indexOf(hook) + 1)) {
      if (later === 'preValidation' || later === 'preHandler') instance.addHook(later, reenter);
    }
    done();
  }, 'eventtracking');
}
