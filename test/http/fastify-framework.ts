// Fastify 5 in the middleware suites (see frameworks.ts). The app is built as Express's
// would be: no body parser unless a step asks for one (the root's parsers are replaced
// by one that leaves every body unread, as Express without a parser does), before
// steps as onRequest hooks ahead of the plugin, after steps as hooks behind it. A parse
// step before the plugin means the body is read before the request is: the plugin then
// opens the request in preValidation, once Fastify has parsed the body.
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import type FastifyLatest from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as fastifyAdapter from '../../src/fastify';
import type { FastifyRequestLike } from '../../src/fastify';
import { isPromise, neutral, replyParts, type Framework, type Handler, type HttpRequest, type Reply, type Route, type Step } from './frameworks';
import { SECRET_KEY } from './helpers';

type Hook = 'onRequest' | 'preValidation';

const toNeutral = (request: FastifyRequest | FastifyRequestLike): HttpRequest =>
  neutral(request.raw, request.raw.url ?? '/', () => request.body);

function write(reply: FastifyReply, value: Reply): FastifyReply {
  const parts = replyParts(value);
  reply.code(parts.status ?? 200);
  if (parts.stream) return reply.type(parts.type ?? 'application/octet-stream').send(parts.stream);
  if ('json' in parts) return reply.send(parts.json);
  return reply.type(parts.type ?? 'text/html; charset=utf-8').send(parts.text ?? '');
}

/** Express's urlencoded({ extended: false }): each name, its value or (repeated) values. */
function parseForm(text: string): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined;
    Object.defineProperty(body, key, { value: seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value], enumerable: true, writable: true, configurable: true });
  }
  return body;
}

function addStep(app: FastifyInstance, s: Step, hook: Hook): void {
  switch (s.kind) {
    case 'user':
      app.addHook(hook, async (request) => {
        (request as unknown as { user?: unknown }).user = s.user;
      });
      return;
    case 'session':
      app.addHook(hook, async (request) => {
        const session = { ...(s.session ?? {}), ...(s.sessionId !== undefined ? { sessionId: s.sessionId } : {}) };
        (request as unknown as { session?: unknown }).session = session;
      });
      return;
    case 'address':
      app.addHook(hook, async (request) => {
        Object.defineProperty(request.raw.socket, 'remoteAddress', { value: s.address, configurable: true });
      });
      return;
    case 'parse':
      if (s.type === 'json') app.addContentTypeParser('application/json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'ignore'));
      else app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => done(null, parseForm(String(body))));
      return;
    case 'custom':
      app.addHook(hook as 'onRequest', (request, _reply, done) => s.run(toNeutral(request), () => done()));
      return;
  }
}

function handle(handler: Handler) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const value = handler(toNeutral(request));
    return write(reply, isPromise(value) ? await value : value);
  };
}

function matches(route: Route, request: FastifyRequest): boolean {
  if (route.method === 'GET' && request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (route.method === 'POST' && request.method !== 'POST') return false;
  const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
  return route.path === undefined || (typeof route.path === 'string' ? path === route.path : route.path.test(path));
}

/** The framework of `Fastify`, the default export of fastify (5, or 4 installed as `fastify4`). */
export function fastifyFramework(Fastify: typeof FastifyLatest): Framework {
  return {
    kind: 'fastify',
    names: {
      user: 'request.user',
      sessionId: 'request.session.sessionId',
      session: 'request.session.id',
      json: "Fastify's JSON parser",
      form: 'a urlencoded content-type parser',
      defaultErrors: "Fastify's own error handler",
    },
    app(spec) {
      let routing: RequestListener | undefined;
      const app = Fastify({
        trustProxy: (spec.frameworkProxy?.express as string | undefined) ?? false,
        serverFactory: (handler) => {
          routing = handler as RequestListener;
          return createServer(handler);
        },
      });
      app.removeAllContentTypeParsers();
      app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      const parsesFirst = (spec.before ?? []).some((s) => s.kind === 'parse');
      for (const s of spec.before ?? []) addStep(app, s, 'onRequest');
      const { getUser, getSessionKey, trustProxy } = spec.track ?? {};
      void app.register(
        fastifyAdapter.trackMiddleware({
          secretKey: SECRET_KEY,
          ...spec.track,
          getUser: getUser && ((request) => getUser(toNeutral(request))),
          getSessionKey: getSessionKey && ((request) => getSessionKey(toNeutral(request))),
          trustProxy: trustProxy === 'framework' ? 'fastify' : trustProxy,
          ...(parsesFirst ? { hook: 'preValidation' as const } : {}),
        }),
      );
      for (const s of spec.after ?? []) addStep(app, s, parsesFirst ? 'preValidation' : 'onRequest');
      const onError = spec.errorHandler;
      if (onError) app.setErrorHandler((error, request, reply) => write(reply, onError(error, toNeutral(request))));
      const catchAll: Route[] = [];
      for (const route of spec.routes) {
        if ('segmentio' in route || 'userTrack' in route) {
          if (typeof route.path !== 'string') throw new Error('an endpoint route needs a path');
          if ('segmentio' in route) void app.register(fastifyAdapter.segmentioHandler({ ...route.segmentio, path: route.path }));
          else {
            const { getUser: getEventUser, ...options } = route.userTrack;
            void app.register(
              fastifyAdapter.userTrackHandler({ ...options, path: route.path, ...(getEventUser ? { getUser: (request) => getEventUser(toNeutral(request)) } : {}) }),
            );
          }
        } else if (typeof route.path === 'string') {
          const method = route.method === 'GET' ? 'GET' : route.method === 'POST' ? 'POST' : ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
          app.route({ method, url: route.path, handler: handle(route.handler) });
        } else {
          catchAll.push(route);
        }
      }
      if (catchAll.length > 0) {
        app.all('*', async (request, reply) => {
          const route = catchAll.find((each) => matches(each, request));
          if (!route || !('handler' in route)) return reply.callNotFound();
          return handle(route.handler)(request, reply);
        });
      }
      const ready = app.ready();
      return (req: IncomingMessage, res: ServerResponse) => {
        void ready.then(() => routing?.(req, res));
      };
    },
  };
}
