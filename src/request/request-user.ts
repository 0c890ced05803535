import type { ContextFrame } from '../core/context';
import type { RequestUser } from './request-context';

/**
 * Django's `AnonymousUser` as a request user: what a request has when an
 * authentication layer ran and nobody is signed in. Its `user_id` is `null` and its
 * `username` `''`, in the request context and in the views alike.
 */
export const ANONYMOUS_USER: RequestUser = Object.freeze({ id: null, username: '' });

function isUserObject(user: unknown): user is RequestUser {
  return (typeof user === 'object' && user !== null) || typeof user === 'function';
}

/**
 * The user an authentication layer gives (a `getUser` option): its user object, or
 * {@link ANONYMOUS_USER} when it gives none (null, undefined), as Django's auth
 * middleware always sets `request.user`.
 */
export function userOrAnonymous(user: unknown): RequestUser {
  return isUserObject(user) ? user : ANONYMOUS_USER;
}

/**
 * The user that auth middleware of the Passport kind left on a request: the user
 * object (`req.user`, koa-passport's `ctx.state.user`) when there is one; else
 * {@link ANONYMOUS_USER} when Passport is there (its `isAuthenticated` function) and
 * nobody is signed in; else undefined: no authentication layer, no user object.
 */
export function userOfAuthLayer(user: unknown, isAuthenticated: unknown): RequestUser | undefined {
  if (isUserObject(user)) return user;
  return typeof isAuthenticated === 'function' ? ANONYMOUS_USER : undefined;
}

/** Where a request's user is kept in its frame: `ContextFrame.values`. */
const REQUEST_USER = Symbol('eventtracking.requestUser');

/**
 * Keeps the user trackMiddleware resolved in the request's frame, so that the
 * endpoints and `serverTrack` use that same user: `user_id` (from the request
 * context) and `username` of one event always describe one user.
 */
export function keepRequestUser(frame: ContextFrame, user: RequestUser | undefined): void {
  frame.values.set(REQUEST_USER, user);
}

/**
 * The user trackMiddleware resolved for the caller's request (`{ user }`, whose
 * `user` is undefined when the request has no user object at all), or undefined
 * outside a request trackMiddleware saw.
 */
export function requestUserOf(frame: ContextFrame): { user: RequestUser | undefined } | undefined {
  return frame.values.has(REQUEST_USER) ? { user: frame.values.get(REQUEST_USER) as RequestUser | undefined } : undefined;
}
