import { trackingLineJsonStart } from '../encoding/tutor-line';

/** A parsed tracking.log event: one JSON object. */
export type LoggedEvent = Record<string, unknown>;

/**
 * The event of one tracking.log line, plain (the JSON alone) or with Tutor's logging
 * prefix (`... [tracking] [user 42] [ip 1.2.3.4] logger.py:41 - {...}`); undefined when
 * the line is not one JSON object. `jsonStart` is where its JSON part starts.
 */
export function parseTrackingLine(line: string): { event: LoggedEvent; jsonStart: number } | undefined {
  const jsonStart = trackingLineJsonStart(line);
  if (jsonStart < 0) return undefined;
  try {
    const value: unknown = JSON.parse(jsonStart === 0 ? line : line.slice(jsonStart));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? { event: value as LoggedEvent, jsonStart } : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function contextOf(event: LoggedEvent): Record<string, unknown> {
  const context = event.context;
  return typeof context === 'object' && context !== null && !Array.isArray(context) ? (context as Record<string, unknown>) : {};
}

/** The event's type: `event_type` (the legacy field), else `name`; undefined when it has neither. */
export function eventTypeOf(event: LoggedEvent): string | undefined {
  return text(event.event_type) ?? text(event.name);
}

/** When the event happened, in ms since the epoch: its `time` (legacy) or `timestamp` (raw); NaN when it has no readable one. */
export function eventTimeOf(event: LoggedEvent): number {
  const time = text(event.time) ?? text(event.timestamp);
  return time === undefined ? Number.NaN : Date.parse(time);
}

/** Who: the `username` (legacy) or `context.username` (raw), else `#` and `context.user_id`; undefined when anonymous. */
export function eventUserOf(event: LoggedEvent): string | undefined {
  const context = contextOf(event);
  const username = text(event.username) ?? text(context.username);
  if (username !== undefined) return username;
  const id = context.user_id;
  return (typeof id === 'number' && id !== 0) || text(id) !== undefined ? `#${String(id)}` : undefined;
}

/** Whether the event is the user `user`: by username, or by user id (`42` or `#42`). */
export function eventIsUser(event: LoggedEvent, user: string): boolean {
  const context = contextOf(event);
  if (event.username === user || context.username === user) return true;
  const id = context.user_id;
  return (typeof id === 'number' || typeof id === 'string') && id !== '' && (String(id) === user || `#${String(id)}` === user);
}

/** The course: `context.course_id`; undefined when the event has none. */
export function eventCourseOf(event: LoggedEvent): string | undefined {
  return text(contextOf(event).course_id);
}

/** Where the event came from: `event_source` (legacy) or `context.event_source` (raw): `server`, `browser`, `mobile`, `task`. */
export function eventSourceOf(event: LoggedEvent): string | undefined {
  return text(event.event_source) ?? text(contextOf(event).event_source);
}
