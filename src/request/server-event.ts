import { courseContextFromUrl } from './course';
import type { Tracker } from '../core/tracker';
import type { Context } from '../core/types';

/** The context layer server-side events are emitted in (`edx.course.server`). */
export const SERVER_CONTEXT_NAME = 'edx.course.server';

/** The username of a request's user as the views see it: `'anonymous'` when there is no user object. */
export function viewUsername(user: unknown): string {
  if (typeof user !== 'object' || user === null) return 'anonymous';
  const username = (user as { username?: unknown }).username;
  if (username === undefined || username === null) return 'anonymous';
  return String(username);
}

/**
 * Emits a server event as Open edX's `server_track` does: inside the context layer
 * `edx.course.server` holding the course of `page` (only when it names one, so the
 * request's course is kept), `username`, `event_source: 'server'` and `page`.
 */
export function emitServerEvent(tracker: Tracker, username: string, eventType: string, event: unknown, page?: string | null): void {
  const course = courseContextFromUrl(page);
  const override: Context = course.course_id ? { ...course } : {};
  override.username = username;
  override.event_source = 'server';
  override.page = page ?? null;
  tracker.context(SERVER_CONTEXT_NAME, override, () => tracker.emit(eventType, event));
}
