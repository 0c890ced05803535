import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The parts of a Hono context (Hono 4 on Node, served by @hono/node-server) that
 * eventtracking reads and writes. Declared here so that using the adapter does not
 * require Hono's own types.
 */
export interface HonoContextLike {
  /** @hono/node-server's bindings: the Node request and response. */
  env: unknown;
  req: {
    method: string;
    /** The Web request. */
    raw: Request;
    /** Hono's cache of the body it read (promises by kind: `text`, `arrayBuffer`, `formData`...). */
    bodyCache?: Partial<Record<string, Promise<unknown>>>;
  };
  /** The variables middleware set with `c.set()` (`c.var.user`, `c.var.session`...). */
  var: object;
  body(data: string | ArrayBuffer | Uint8Array | null, status?: number, headers?: Record<string, string>): Response;
}

/** A Hono middleware. */
export type HonoMiddleware = (c: HonoContextLike, next: () => Promise<void>) => Promise<Response | void>;

/** A Hono handler. */
export type HonoHandler = (c: HonoContextLike) => Promise<Response>;

/** The Node request and response @hono/node-server binds, or undefined under another server. */
export function nodeBindings(c: HonoContextLike): { incoming: IncomingMessage; outgoing: ServerResponse } | undefined {
  const env = c.env as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
  return env?.incoming && env.outgoing ? { incoming: env.incoming, outgoing: env.outgoing } : undefined;
}

/** A variable set on the context (`c.var[name]`). */
export function contextVariable(c: HonoContextLike, name: string): unknown {
  return (c.var as Record<string, unknown> | undefined)?.[name];
}
