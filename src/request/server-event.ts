import { courseContextFromUrl } from './course';
import type { Tracker } from '../core/tracker';
import type { Context } from '../core/types';

/** The context layer server-side events are emitted in (`edx.course.server`). */
export const SERVER_CONTEXT_NAME = 'edx.course.server';

/**
 * The username of a request's user as the views (`user_track`, `server_track`) see it:
 * the user's `username`; `''` for the anonymous visitor behind an authentication
 * layer (Django's AnonymousUser); `'anonymous'` when there is no user object at all,
 * Open edX's fallback when reading `request.user.username` fails.
 */
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
  tracker.context(SERVER_CONTEXT_NAME, serverContext(username, page), () => tracker.emit(eventType, event));
}

/**
 * Builds now the server event {@link emitServerEvent} would emit, and returns the
 * function that sends it (see `Tracker.prepareEmit`).
 */
export function prepareServerEvent(tracker: Tracker, username: string, eventType: string, event: unknown, page?: string | null): () => void {
  return tracker.context(SERVER_CONTEXT_NAME, serverContext(username, page), () => tracker.prepareEmit(eventType, event));
}

function serverContext(username: string, page: string | null | undefined): Context {
  const course = courseContextFromUrl(page);
  const override: Context = course.course_id ? { ...course } : {};
  override.username = username;
  override.event_source = 'server';
  override.page = page ?? null;
  return override;
}
