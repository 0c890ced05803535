// Hono 4 on Node (@hono/node-server) in the middleware suites (see frameworks.ts):
// before steps as middleware ahead of trackMiddleware, after steps behind it, the
// error handler as app.onError (Hono calls it where the error was thrown, inside
// trackMiddleware), routes as app.get/post/all. A parse step reads the body the way
// Hono apps do: c.req.json(), c.req.parseBody({ all: true }).
import type { RequestListener } from 'node:http';
import { Readable } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import * as honoAdapter from '../../src/hono';
import type { HonoContextLike } from '../../src/hono';
import { isPromise, neutral, replyParts, type Framework, type Handler, type HttpRequest, type Reply, type Route, type Step } from './frameworks';
import { SECRET_KEY } from './helpers';
import type { IncomingMessage } from 'node:http';

type Env = { Bindings: { incoming: IncomingMessage }; Variables: Record<string, unknown> };

const toNeutral = (c: Context<Env> | HonoContextLike): HttpRequest => {
  const incoming = (c.env as { incoming: IncomingMessage }).incoming;
  return neutral(incoming, incoming.url ?? '/', () => (c.var as Record<string, unknown>).parsedBody);
};

function write(c: Context<Env>, value: Reply): Response {
  const parts = replyParts(value);
  const status = (parts.status ?? 200) as 200;
  if (parts.stream) return c.body(Readable.toWeb(parts.stream) as ReadableStream, status, { 'Content-Type': parts.type ?? 'application/octet-stream' });
  if ('json' in parts) return c.json(parts.json, status);
  return c.body(parts.text ?? '', status, { 'Content-Type': parts.type ?? 'text/html; charset=utf-8' });
}

function step(s: Step): MiddlewareHandler<Env> {
  switch (s.kind) {
    case 'user':
      return async (c, next) => {
        c.set('user', s.user);
        await next();
      };
    case 'session':
      return async (c, next) => {
        if (s.sessionId !== undefined) c.set('sessionId', s.sessionId);
        if (s.session !== undefined) c.set('session', s.session);
        await next();
      };
    case 'address':
      return async (c, next) => {
        Object.defineProperty(c.env.incoming.socket, 'remoteAddress', { value: s.address, configurable: true });
        await next();
      };
    case 'parse':
      return async (c, next) => {
        const type = c.req.header('content-type') ?? '';
        if (s.type === 'json' && /^\s*application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type)) {
          try {
            c.set('parsedBody', await c.req.json());
          } catch {
            return c.text('invalid JSON', 400);
          }
        } else if (s.type === 'form' && /^\s*application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
          c.set('parsedBody', await c.req.parseBody({ all: true }));
        }
        await next();
        return undefined;
      };
    case 'custom':
      return (c, next) =>
        new Promise<void>((resolve, reject) => {
          s.run(toNeutral(c), () => {
            next().then(() => resolve(), reject);
          });
        });
  }
}

function handle(handler: Handler) {
  return async (c: Context<Env>): Promise<Response> => {
    const value = handler(toNeutral(c));
    return write(c, isPromise(value) ? await value : value);
  };
}

function matches(route: Route, c: Context<Env>): boolean {
  if (route.method === 'GET' && c.req.method !== 'GET' && c.req.method !== 'HEAD') return false;
  if (route.method === 'POST' && c.req.method !== 'POST') return false;
  return route.path === undefined || (typeof route.path === 'string' ? c.req.path === route.path : route.path.test(c.req.path));
}

export function honoFramework(): Framework {
  return {
    kind: 'hono',
    names: {
      user: 'c.var.user',
      sessionId: 'c.var.sessionId',
      session: 'c.var.session.id',
      json: 'c.req.json()',
      form: 'c.req.parseBody()',
      defaultErrors: "Hono's own error handler",
    },
    app(spec) {
      if (spec.frameworkProxy) throw new Error('Hono has no proxy setting of its own');
      const app = new Hono<Env>();
      for (const s of spec.before ?? []) app.use(step(s));
      const { getUser, getSessionKey, trustProxy } = spec.track ?? {};
      if (trustProxy === 'framework') throw new Error("Hono has no client address of its own: trustProxy 'framework' does not apply");
      app.use(
        honoAdapter.trackMiddleware({
          secretKey: SECRET_KEY,
          ...spec.track,
          getUser: getUser && ((c) => getUser(toNeutral(c))),
          getSessionKey: getSessionKey && ((c) => getSessionKey(toNeutral(c))),
          trustProxy,
        }) as unknown as MiddlewareHandler<Env>,
      );
      const onError = spec.errorHandler;
      if (onError) app.onError((error, c) => write(c, onError(error, toNeutral(c))));
      for (const s of spec.after ?? []) app.use(step(s));
      for (const route of spec.routes) {
        let terminal: (c: Context<Env>) => Promise<Response>;
        if ('handler' in route) terminal = handle(route.handler);
        else if ('segmentio' in route) terminal = honoAdapter.segmentioHandler(route.segmentio) as unknown as typeof terminal;
        else {
          const { getUser: getEventUser, ...options } = route.userTrack;
          terminal = honoAdapter.userTrackHandler({ ...options, ...(getEventUser ? { getUser: (c: HonoContextLike) => getEventUser(toNeutral(c)) } : {}) }) as unknown as typeof terminal;
        }
        if (typeof route.path === 'string') {
          if (route.method === 'GET') app.get(route.path, terminal);
          else if (route.method === 'POST') app.post(route.path, terminal);
          else app.all(route.path, terminal);
        } else {
          app.all('*', async (c, next) => (matches(route, c) ? terminal(c) : next()));
        }
      }
      return getRequestListener(app.fetch) as RequestListener;
    },
  };
}
