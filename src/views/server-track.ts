import { withDefaultTracker } from '../core/registry';
import type { RequestUser } from '../request/request-context';
import { requestUserOf, userOfAuthLayer } from '../request/request-user';
import { emitServerEvent, viewUsername } from '../request/server-event';

let warned = false;

/**
 * A request as `serverTrack` reads it: any object; only its `user` (with `username`
 * and `is_staff`) and Passport's `isAuthenticated` matter, and only outside a
 * request trackMiddleware saw.
 */
export type ServerTrackRequest = object;

/**
 * Open edX's deprecated `server_track`: emits `eventType` with `event` as its data
 * through the default tracker, in the context layer `edx.course.server` (`username`,
 * `event_source: 'server'`, `page`, and the course of `page` when it names one).
 * Staff requests to `/event_logs...` are not tracked. Never throws.
 *
 * The user is the one trackMiddleware resolved for the current request, so that the
 * event's `user_id` and `username` describe one user; outside such a request, it is
 * `request.user`. The `username` is the user's (`''` for an anonymous visitor behind
 * an authentication layer), or `'anonymous'` when there is no user object at all, as
 * Open edX writes when `request.user` is missing.
 *
 * @deprecated Call `tracker.emit(name, data)` inside the request instead; this
 * warns once per process.
 */
export function serverTrack(request: ServerTrackRequest | null | undefined, eventType: string, event: unknown, page?: string | null): void {
  if (!warned) {
    warned = true;
    process.emitWarning('serverTrack() is deprecated; emit events with tracker.emit(name, data) instead.', 'DeprecationWarning');
  }
  withDefaultTracker('serverTrack', eventType, (tracker) => {
    const kept = requestUserOf(tracker.contextLocator.current());
    const user = kept ? kept.user : userOfRequest(request);
    const isStaff = (user as { is_staff?: unknown } | undefined)?.is_staff;
    if (typeof eventType === 'string' && eventType.startsWith('/event_logs') && isStaff) return;
    emitServerEvent(tracker, viewUsername(user), eventType, event, page);
  });
}

function userOfRequest(request: ServerTrackRequest | null | undefined): RequestUser | undefined {
  const { user, isAuthenticated } = (request ?? {}) as { user?: unknown; isAuthenticated?: unknown };
  return userOfAuthLayer(user, isAuthenticated);
}
