// The frameworks the middleware suites run on — Express 5, Express 4, Koa 3, Koa 2,
// Fastify 5, Hono 4 — behind one small description of an app, so that every suite has
// one body and one set of expected contexts and events for all of them:
//
//   before steps (set the user, the session id, the peer address, parse the body, or a
//   callback-style middleware) → trackMiddleware(options) → after steps → an error
//   handler (Express: a 4-argument middleware at the end; Koa: a try/catch middleware
//   right after trackMiddleware) → routes (a neutral handler or the /event endpoint).
//
// Each framework sets what its own auth and session middleware would set (Express:
// req.user, req.sessionID, req.session; Koa: ctx.state.user, ctx.sessionId,
// ctx.session; Fastify: request.user, request.session; Hono: c.var.user,
// c.var.sessionId, c.var.session), so the adapters' defaults are what is tested.
// Fastify and Hono are in fastify-framework.ts and hono-framework.ts.
import type { IncomingHttpHeaders, IncomingMessage, RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express4 from 'express4';
import Koa from 'koa';
import Koa2 from 'koa2';
import { emit } from '../../src';
import * as expressAdapter from '../../src/express';
import * as koaAdapter from '../../src/koa';
import type { KoaContext, SegmentioOptions } from '../../src/koa';
import type { RequestUser } from '../../src/request/request-context';
import type { RequestTrackingOptions } from '../../src/request/request-tracking';
import type { UserTrackOptions as CoreUserTrackOptions } from '../../src/views/user-track';
import Fastify from 'fastify';
import Fastify4 from 'fastify4';
import { fastifyFramework } from './fastify-framework';
import { PROBE, SECRET_KEY } from './helpers';
import { honoFramework } from './hono-framework';

/** A request as the framework-neutral handlers and options see it. */
export interface HttpRequest {
  method: string;
  /** The path, without the query (not decoded). */
  path: string;
  headers: IncomingHttpHeaders;
  /** What a body parser made of the body (Express `req.body`, Koa `ctx.request.body`). */
  readonly body: unknown;
  socket: Socket;
}

/** What a handler answers: a text body (200), or a status with text, JSON or a stream. */
export type Reply = string | { status?: number; type?: string; text?: string; json?: unknown; stream?: Readable };

/** A terminal route handler. A synchronous throw or a rejection goes to the framework's error handling. */
export type Handler = (req: HttpRequest) => Reply | Promise<Reply>;

/** An error handler: what to answer for an error a route threw or rejected with. */
export type ErrorHandler = (error: unknown, req: HttpRequest) => Reply;

/** A middleware step, before or after trackMiddleware. */
export type Step =
  /** Sets the user as auth middleware does (Express `req.user`, Koa `ctx.state.user`). */
  | { kind: 'user'; user: unknown }
  /** Sets the session id and/or session (Express `req.sessionID`/`req.session`, Koa `ctx.sessionId`/`ctx.session`). */
  | { kind: 'session'; sessionId?: string; session?: { id?: string } }
  /** Makes the socket report `address` as its peer. */
  | { kind: 'address'; address: string }
  /** Parses a JSON or a urlencoded body (Express: express.json()/urlencoded(); Koa: {@link koaBodyParser}). */
  | { kind: 'parse'; type: 'json' | 'form' }
  /** A callback-style middleware: `next` may be called from any async context (a pooled connection's callback). */
  | { kind: 'custom'; run: (req: HttpRequest, next: () => void) => void };

export const withUser = (user: unknown): Step => ({ kind: 'user', user });
export const withSession = (sessionId: string | undefined, session?: { id?: string }): Step => ({ kind: 'session', sessionId, session });
export const fromAddress = (address: string): Step => ({ kind: 'address', address });
export const parseBody = (type: 'json' | 'form'): Step => ({ kind: 'parse', type });
export const middleware = (run: (req: HttpRequest, next: () => void) => void): Step => ({ kind: 'custom', run });

/**
 * trackMiddleware's options, with getUser and getSessionKey reading the neutral request,
 * and `trustProxy: 'framework'` for the framework's own name (`'express'`, `'koa'`).
 */
export interface TrackOptions extends RequestTrackingOptions {
  getUser?: (req: HttpRequest) => RequestUser | null | undefined;
  getSessionKey?: (req: HttpRequest) => string | null | undefined;
  trustProxy?: false | number | string[] | 'framework';
}

/** userTrackHandler's options, with getUser reading the neutral request. */
export interface UserTrackOptions extends CoreUserTrackOptions {
  getUser?: (req: HttpRequest) => unknown;
}

export type Method = 'GET' | 'POST' | 'ALL';
/** A route: a method, a path (exact, or a RegExp; none for every path), and what answers it (a handler, the /event endpoint, the Segment webhook). */
export type Route = { method?: Method; path?: string | RegExp } & ({ handler: Handler } | { userTrack: UserTrackOptions } | { segmentio: SegmentioOptions });

/** An app, described once for every framework. */
export interface AppSpec {
  before?: Step[];
  /** trackMiddleware's options, over `{ secretKey: SECRET_KEY }` (an explicit `secretKey: undefined` unsets it). */
  track?: TrackOptions;
  /**
   * The framework's own proxy setting: Express's `app.set('trust proxy', express)`;
   * Koa's `app.proxy = true` with `app.maxIpsCount = koaMaxIpsCount`; Fastify's
   * `trustProxy` server option (proxy-addr's, as Express's) set to `express`; Hono has
   * none. Default: none.
   */
  frameworkProxy?: { express: unknown; koaMaxIpsCount: number };
  after?: Step[];
  /** Answers errors thrown by the routes; without one, the framework's own error handling answers 500. */
  errorHandler?: ErrorHandler;
  routes: Route[];
}

/** How a framework is called in test titles: what its middleware sets and what its parsers are. */
export interface FrameworkNames {
  user: string;
  sessionId: string;
  session: string;
  json: string;
  form: string;
  defaultErrors: string;
}

export interface Framework {
  kind: 'express' | 'koa' | 'fastify' | 'hono';
  names: FrameworkNames;
  /** Builds the app as a request listener (for supertest or {@link listen}). */
  app(spec: AppSpec): RequestListener;
}

/** The probe: emits {@link PROBE}, so that its event carries the request's context, and answers 'ok'. */
export const probe: Handler = () => {
  emit(PROBE, { probe: true });
  return 'ok';
};

/** An app: `before` steps, `trackMiddleware(options)` (with {@link SECRET_KEY}), then the probe for every path. */
export function trackedApp(fw: Framework, options: TrackOptions = {}, before: Step[] = []): RequestListener {
  return fw.app({ before, track: options, routes: [{ handler: probe }] });
}

/** An app: `before` steps, trackMiddleware, then `/event` answered by userTrackHandler(options) for every method. */
export function eventApp(fw: Framework, options: UserTrackOptions = {}, before: Step[] = []): RequestListener {
  return fw.app({ before, routes: [{ method: 'ALL', path: '/event', userTrack: options }] });
}

export function replyParts(reply: Reply): Exclude<Reply, string> {
  return typeof reply === 'string' ? { text: reply } : reply;
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

export function neutral(message: IncomingMessage, url: string, body: () => unknown): HttpRequest {
  return {
    method: message.method ?? 'GET',
    path: url.split('?')[0] ?? url,
    headers: message.headers,
    get body() {
      return body();
    },
    socket: message.socket,
  };
}

// ---------------------------------------------------------------- Express 4 and 5

type ExpressModule = typeof express;

function expressFramework(ex: ExpressModule): Framework {
  const toNeutral = (req: IncomingMessage & { originalUrl?: string; body?: unknown }): HttpRequest =>
    neutral(req, req.originalUrl ?? req.url ?? '/', () => req.body);

  const write = (res: Response, reply: Reply): void => {
    const parts = replyParts(reply);
    res.status(parts.status ?? 200);
    if (parts.stream) {
      res.type(parts.type ?? 'application/octet-stream');
      parts.stream.pipe(res);
    } else if ('json' in parts) {
      res.json(parts.json);
    } else {
      if (parts.type) res.type(parts.type);
      res.send(parts.text ?? '');
    }
  };

  const step = (s: Step): RequestHandler => {
    switch (s.kind) {
      case 'user':
        return (req, _res, next) => {
          // Cast through unknown: with Passport's types loaded, `req.user` is typed Express.User.
          (req as unknown as { user?: unknown }).user = s.user;
          next();
        };
      case 'session':
        return (req, _res, next) => {
          // Cast through unknown: with express-session's types loaded, `req.session` is its Session.
          const target = req as unknown as { sessionID?: string; session?: { id?: string } };
          if (s.sessionId !== undefined) target.sessionID = s.sessionId;
          if (s.session !== undefined) target.session = s.session;
          next();
        };
      case 'address':
        return (req, _res, next) => {
          Object.defineProperty(req.socket, 'remoteAddress', { value: s.address, configurable: true });
          next();
        };
      case 'parse':
        return s.type === 'json' ? ex.json() : ex.urlencoded({ extended: false });
      case 'custom':
        return (req, _res, next) => s.run(toNeutral(req), () => next());
    }
  };

  const handle = (handler: Handler): RequestHandler => (req, res, next) => {
    // A synchronous throw is left to Express (its router catches it); a rejection goes to next().
    const reply = handler(toNeutral(req));
    if (isPromise(reply)) reply.then((value) => write(res, value), next);
    else write(res, reply);
  };

  return {
    kind: 'express',
    names: {
      user: 'req.user',
      sessionId: 'req.sessionID',
      session: 'req.session.id',
      json: 'express.json()',
      form: 'express.urlencoded()',
      defaultErrors: "Express's own error handler",
    },
    app(spec) {
      const app = ex();
      if (spec.frameworkProxy) app.set('trust proxy', spec.frameworkProxy.express);
      for (const s of spec.before ?? []) app.use(step(s));
      const { getUser, getSessionKey, trustProxy } = spec.track ?? {};
      app.use(
        expressAdapter.trackMiddleware({
          secretKey: SECRET_KEY,
          ...spec.track,
          getUser: getUser && ((req) => getUser(toNeutral(req))),
          getSessionKey: getSessionKey && ((req) => getSessionKey(toNeutral(req))),
          trustProxy: trustProxy === 'framework' ? 'express' : trustProxy,
        }),
      );
      for (const s of spec.after ?? []) app.use(step(s));
      for (const route of spec.routes) {
        let terminal: RequestHandler;
        if ('handler' in route) {
          terminal = handle(route.handler);
        } else if ('segmentio' in route) {
          terminal = expressAdapter.segmentioHandler(route.segmentio);
        } else {
          const { getUser: getEventUser, ...options } = route.userTrack;
          terminal = expressAdapter.userTrackHandler({ ...options, ...(getEventUser ? { getUser: (req) => getEventUser(toNeutral(req)) } : {}) });
        }
        if (route.path === undefined) {
          if (route.method && route.method !== 'ALL') throw new Error('a route with a method needs a path');
          app.use(terminal);
        } else if (route.method === 'GET') app.get(route.path, terminal);
        else if (route.method === 'POST') app.post(route.path, terminal);
        else app.all(route.path, terminal);
      }
      const onError = spec.errorHandler;
      if (onError) {
        app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => write(res, onError(error, toNeutral(req))));
      }
      return app;
    },
  };
}

// ---------------------------------------------------------------- Koa 2 and 3

type KoaClass = typeof Koa;
type KoaMw = Koa.Middleware;

/**
 * A stand-in for @koa/bodyparser (no Koa body parser is a dependency): when the
 * content type matches and no parser ran yet, reads `ctx.req` and sets
 * `ctx.request.body` — urlencoded to an object listing repeated fields as arrays,
 * JSON strictly (an object or an array, else 400). Other types are left unread.
 */
export function koaBodyParser(type: 'json' | 'form', limit = 1024 * 1024): KoaMw {
  const matches = type === 'json' ? /^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i : /^\s*application\/x-www-form-urlencoded\s*(;|$)/i;
  return async (ctx, next) => {
    const request = ctx.request as { body?: unknown };
    if (request.body === undefined && matches.test(ctx.req.headers['content-type'] ?? '')) {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) ctx.throw(413, 'request entity too large');
        chunks.push(chunk);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (type === 'form') {
        const body: Record<string, string | string[]> = {};
        for (const [key, value] of new URLSearchParams(text)) {
          const seen = body[key];
          body[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
        }
        request.body = body;
      } else {
        let parsed: unknown;
        try {
          parsed = text.trim() === '' ? {} : JSON.parse(text);
        } catch {
          ctx.throw(400, 'invalid JSON');
        }
        if (typeof parsed !== 'object' || parsed === null) ctx.throw(400, 'invalid JSON: an object or an array is expected');
        request.body = parsed;
      }
    }
    await next();
  };
}

function koaFramework(KoaCtor: KoaClass): Framework {
  const toNeutral = (ctx: { req: IncomingMessage; originalUrl: string; request: unknown }): HttpRequest =>
    neutral(ctx.req, ctx.originalUrl, () => (ctx.request as { body?: unknown }).body);

  const write = (ctx: Koa.Context, reply: Reply): void => {
    const parts = replyParts(reply);
    ctx.status = parts.status ?? 200;
    if (parts.stream) {
      ctx.type = parts.type ?? 'application/octet-stream';
      ctx.body = parts.stream;
    } else if ('json' in parts) {
      ctx.body = parts.json;
    } else {
      if (parts.type) ctx.type = parts.type;
      ctx.body = parts.text ?? '';
    }
  };

  const step = (s: Step): KoaMw => {
    switch (s.kind) {
      case 'user':
        return async (ctx, next) => {
          ctx.state.user = s.user;
          await next();
        };
      case 'session':
        return async (ctx, next) => {
          const target = ctx as unknown as { sessionId?: string; session?: { id?: string } };
          if (s.sessionId !== undefined) target.sessionId = s.sessionId;
          if (s.session !== undefined) target.session = s.session;
          await next();
        };
      case 'address':
        return async (ctx, next) => {
          Object.defineProperty(ctx.req.socket, 'remoteAddress', { value: s.address, configurable: true });
          await next();
        };
      case 'parse':
        return koaBodyParser(s.type);
      case 'custom':
        return (ctx, next) =>
          new Promise<void>((resolve, reject) => {
            s.run(toNeutral(ctx), () => {
              next().then(() => resolve(), reject);
            });
          });
    }
  };

  const matches = (route: Route, ctx: Koa.Context): boolean => {
    if (route.method === 'GET' && ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
    if (route.method === 'POST' && ctx.method !== 'POST') return false;
    if (route.path === undefined) return true;
    return typeof route.path === 'string' ? ctx.path === route.path : route.path.test(ctx.path);
  };

  return {
    kind: 'koa',
    names: {
      user: 'ctx.state.user',
      sessionId: 'ctx.sessionId',
      session: 'ctx.session.id',
      json: 'a JSON body parser (test stand-in)',
      form: 'a urlencoded body parser (test stand-in)',
      defaultErrors: "Koa's own error handling (ctx.onerror)",
    },
    app(spec) {
      const app = new KoaCtor();
      app.silent = true; // Koa's default error handling logs each error; the tests check the answer.
      if (spec.frameworkProxy) {
        app.proxy = true;
        app.maxIpsCount = spec.frameworkProxy.koaMaxIpsCount;
      }
      for (const s of spec.before ?? []) app.use(step(s));
      const { getUser, getSessionKey, trustProxy } = spec.track ?? {};
      app.use(
        koaAdapter.trackMiddleware({
          secretKey: SECRET_KEY,
          ...spec.track,
          getUser: getUser && ((ctx) => getUser(toNeutral(ctx))),
          getSessionKey: getSessionKey && ((ctx) => getSessionKey(toNeutral(ctx))),
          trustProxy: trustProxy === 'framework' ? 'koa' : trustProxy,
        }),
      );
      const onError = spec.errorHandler;
      if (onError) {
        // Inside trackMiddleware, so that the error handler runs in the request's context as Express's does.
        app.use(async (ctx, next) => {
          try {
            await next();
          } catch (error) {
            write(ctx, onError(error, toNeutral(ctx)));
          }
        });
      }
      for (const s of spec.after ?? []) app.use(step(s));
      for (const route of spec.routes) {
        let terminal: (ctx: Koa.Context) => Promise<void>;
        if ('handler' in route) {
          const handler = route.handler;
          terminal = async (ctx) => write(ctx, await handler(toNeutral(ctx)));
        } else if ('segmentio' in route) {
          const endpoint = koaAdapter.segmentioHandler(route.segmentio);
          terminal = (ctx) => endpoint(ctx, () => Promise.resolve());
        } else {
          const { getUser: getEventUser, ...options } = route.userTrack;
          const endpoint = koaAdapter.userTrackHandler({ ...options, ...(getEventUser ? { getUser: (ctx: KoaContext) => getEventUser(toNeutral(ctx)) } : {}) });
          terminal = (ctx) => endpoint(ctx, () => Promise.resolve());
        }
        app.use(async (ctx, next) => {
          if (matches(route, ctx)) await terminal(ctx);
          else await next();
        });
      }
      return app.callback();
    },
  };
}

/** The frameworks, for `describe.each`: `[name, framework]`. */
export const FRAMEWORKS: ReadonlyArray<[string, Framework]> = [
  ['Express 5', expressFramework(express)],
  ['Express 4', expressFramework(express4)],
  ['Koa 3', koaFramework(Koa)],
  ['Koa 2', koaFramework(Koa2 as unknown as KoaClass)],
  ['Fastify 5', fastifyFramework(Fastify)],
  ['Fastify 4', fastifyFramework(Fastify4 as unknown as typeof Fastify)],
  ['Hono 4', honoFramework()],
];

/** The Koa frameworks alone, for Koa-only cases. */
export const KOA_FRAMEWORKS: ReadonlyArray<[string, KoaClass]> = [
  ['Koa 3', Koa],
  ['Koa 2', Koa2 as unknown as KoaClass],
];
