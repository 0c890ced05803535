import { withDefaultTracker } from '../core/registry';
import { emitServerEvent, viewUsername } from '../request/server-event';

let warned = false;

/** A request as `serverTrack` reads it: any object; only its `user` (with `username` and `is_staff`) matters. */
export type ServerTrackRequest = object;

/**
 * Open edX's deprecated `server_track`: emits `eventType` with `event` as its data
 * through the default tracker, in the context layer `edx.course.server`
 * (`username` — `'anonymous'` without a user —, `event_source: 'server'`, `page`,
 * and the course of `page` when it names one). Staff requests to `/event_logs...`
 * are not tracked. Never throws.
 *
 * @deprecated Call `tracker.emit(name, data)` inside the request instead; this
 * warns once per process.
 */
export function serverTrack(request: ServerTrackRequest | null | undefined, eventType: string, event: unknown, page?: string | null): void {
  if (!warned) {
    warned = true;
    process.emitWarning('serverTrack() is deprecated; emit events with tracker.emit(name, data) instead.', 'DeprecationWarning');
  }
  const user = (request as { user?: { is_staff?: unknown } } | null | undefined)?.user;
  if (typeof eventType === 'string' && eventType.startsWith('/event_logs') && user?.is_staff) return;
  withDefaultTracker('serverTrack', eventType, (tracker) =>
    emitServerEvent(tracker, viewUsername(user), eventType, event, page),
  );
}
