import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The parts of a Koa context (Koa 2 and 3) that eventtracking reads and writes.
 * Declared here so that using the adapter does not require Koa's own types.
 */
export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  originalUrl: string;
  protocol: string;
  state: Record<string, unknown>;
  request: object & { body?: unknown };
  status: number;
  body: unknown;
  type: string;
  set(field: string, value: string): void;
  [key: string]: unknown;
}

/** A Koa middleware. */
export type KoaMiddleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<void>;
