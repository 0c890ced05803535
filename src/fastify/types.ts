import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The parts of a Fastify request (Fastify 4 and 5) that eventtracking reads. Declared
 * here so that using the adapter does not require Fastify's own types.
 */
export interface FastifyRequestLike {
  raw: IncomingMessage;
  method: string;
  url: string;
  /** The URL as the client sent it, before any `rewriteUrl` (Fastify ≥ 4.20). */
  originalUrl?: string;
  /** The client's address as the server's `trustProxy` setting computes it. */
  ip?: string;
  /** `'http'` or `'https'`, from the socket or (with `trustProxy`) X-Forwarded-Proto. */
  protocol?: string;
  /** What Fastify's content-type parsers made of the body. */
  body?: unknown;
  /** The user @fastify/passport (or other auth plugins) set. */
  user?: unknown;
  /** @fastify/passport's `request.isAuthenticated()`: its presence says an authentication layer ran. */
  isAuthenticated?: unknown;
  /** @fastify/session's session (`sessionId`), or another session plugin's (`id`). */
  session?: { sessionId?: string; id?: string; touch?: unknown } | null;
}

/** The parts of a Fastify reply that eventtracking uses. */
export interface FastifyReplyLike {
  raw: ServerResponse;
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
  /** Takes the response out of Fastify's hands: the handler writes `raw` itself. */
  hijack(): unknown;
}

/** A hook's callback. */
export type HookDone = (error?: Error) => void;

/** The parts of a Fastify instance that the plugins use. */
export interface FastifyInstanceLike {
  addHook(name: string, hook: (...args: never[]) => unknown): unknown;
  route(options: { method: string | string[]; url: string; handler: (request: FastifyRequestLike, reply: FastifyReplyLike) => unknown }): unknown;
  removeAllContentTypeParsers(): unknown;
  addContentTypeParser(type: string, parser: (request: FastifyRequestLike, payload: unknown, done: (error: Error | null, body?: unknown) => void) => void): unknown;
}

/** A Fastify plugin, for `app.register(...)`. */
export type FastifyPluginLike = (instance: FastifyInstanceLike, options: unknown, done: HookDone) => void;

/**
 * Marks `plugin` as not encapsulated, as fastify-plugin does (Fastify's documented
 * `skip-override` symbol): its hooks apply to the whole app, not only to routes it declares.
 */
export function unencapsulated(plugin: FastifyPluginLike, name: string): FastifyPluginLike {
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: name });
  return plugin;
}
