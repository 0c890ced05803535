import type { RequestUser } from '../request/request-context';
import { userOfAuthLayer } from '../request/request-user';
import { contextVariable, type HonoContextLike } from './types';

/**
 * The user auth middleware left on a Hono context: the object in `c.var.user` (set
 * with `c.set('user', ...)`); else none. Hono has no shared mark of an auth layer, so
 * an anonymous visitor needs `getUser` (returning null).
 */
export function honoVariableUser(c: HonoContextLike): RequestUser | undefined {
  return userOfAuthLayer(contextVariable(c, 'user'), undefined);
}

/** The session key a session middleware left on a Hono context: `c.var.sessionId`, else `c.var.session.id`. */
export function honoSessionKey(c: HonoContextLike): string | undefined {
  const sessionId = contextVariable(c, 'sessionId');
  if (typeof sessionId === 'string') return sessionId;
  const id = (contextVariable(c, 'session') as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}
