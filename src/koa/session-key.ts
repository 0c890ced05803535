import type { KoaContext } from './context';

/** What koa-session's `ctx.session` tells of a session. */
interface KoaSession {
  /** True for a session made for this request (no cookie, or one of a session the store does not have). */
  isNew?: unknown;
  /** The key the store knows the session by. */
  externalKey?: unknown;
}

/**
 * The session key of a Koa request, Django's `session_key` as the request came in:
 *
 * - with koa-session (it defines `ctx.sessionOptions`) and a store: the store's key
 *   (`ctx.session.externalKey`) of a session the client presented; a session made for
 *   this request (`ctx.session.isNew`) has no key yet, as in Django until it is saved
 *   (koa-session 7 sets `isNew: false` on a loaded session, koa-session 6 leaves it unset).
 *   Cookie-only sessions (no store) have no key at all: `session` is `''`.
 * - otherwise (another session middleware): `ctx.sessionId`, else `ctx.session.id`.
 *
 * Reads `ctx.session` only with a store, where koa-session has loaded it already: a
 * cookie session is created lazily, and reading it would change what koa-session saves.
 */
export function koaSessionKey(ctx: KoaContext): string | null | undefined {
  if (!('sessionOptions' in ctx)) {
    return (ctx.sessionId as string | undefined) ?? (ctx.session as { id?: string } | null | undefined)?.id;
  }
  const options = ctx.sessionOptions as { store?: unknown; ContextStore?: unknown } | undefined;
  if (!options?.store && !options?.ContextStore) return undefined;
  const session = ctx.session as KoaSession | null | undefined;
  if (!session || session.isNew === true) return undefined;
  return typeof session.externalKey === 'string' ? session.externalKey : undefined;
}
