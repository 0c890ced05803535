import type { RequestUser } from '../request/request-context';
import { userOfAuthLayer } from '../request/request-user';
import type { KoaContext } from './context';

/**
 * The user koa-passport left on a request: `ctx.state.user`; the anonymous visitor
 * when koa-passport is there (`ctx.isAuthenticated`) and nobody is signed in; else
 * none (no authentication layer).
 */
export function koaPassportUser(ctx: KoaContext): RequestUser | undefined {
  return userOfAuthLayer(ctx.state.user, ctx.isAuthenticated);
}
