import { trackingLineJsonStart } from '../encoding/tutor-line';
import type { LogLine } from './lines';
import type { LoggedEvent } from './tracking-line';

/** The top-level fields of a legacy tracking.log event, as Open edX's shim writes them. */
export const LEGACY_FIELDS = [
  'name', 'context', 'username', 'session', 'ip', 'agent', 'host', 'referer', 'accept_language', 'event', 'time', 'event_type', 'event_source', 'page',
] as const;

/** `namespace.object.action`: three or more dotted parts of letters, digits, `_` and `-` (`edx.course.enrollment.activated`). */
const DOTTED_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){2,}$/;

/** What is wrong with one line: errors make it invalid; warnings do not. */
export interface LineVerdict {
  errors: string[];
  warnings: string[];
  /** The event, when the line holds one. */
  event?: LoggedEvent;
}

/**
 * Checks one line of tracking.log: it holds one JSON object (plain or after Tutor's
 * prefix), with every legacy field, a readable `time` and an object `context`, and its
 * JSON part is at most `maxEventSize` characters (as `LoggerBackend` counts them;
 * `null`: no limit). An event name not in `namespace.object.action` form is a warning:
 * Open edX's own legacy names (`play_video`) and page events (a URL path) are not.
 */
export function checkTrackingLine(line: LogLine, maxEventSize: number | null): LineVerdict {
  const errors: string[] = [];
  const warnings: string[] = [];
  // A last line without its newline that does not parse is most likely a write cut short.
  const cut = line.complete ? '' : 'cut short (the last line, without its newline): ';
  const fail = (why: string): LineVerdict => ({ errors: [cut + why], warnings });
  if (line.problem === 'too-long') return fail(`a line of ${line.bytes} bytes, too long to read`);
  if (line.problem === 'not-utf8') return fail('not valid UTF-8');
  const start = trackingLineJsonStart(line.text);
  if (start < 0) return fail(line.text.trim() === '' ? 'an empty line' : 'no JSON object: neither a JSON line nor a [tracking] line of Python logging');
  const json = start === 0 ? line.text : line.text.slice(start);
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return fail(`not JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`not a JSON object but ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`);
  }
  const event = value as LoggedEvent;
  const missing = LEGACY_FIELDS.filter((field) => !Object.prototype.hasOwnProperty.call(event, field));
  if (missing.length > 0) errors.push(`missing legacy field${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  if ('time' in event && (typeof event.time !== 'string' || Number.isNaN(Date.parse(event.time)))) errors.push(`time ${JSON.stringify(event.time)} is not a date and time`);
  if ('context' in event && (typeof event.context !== 'object' || event.context === null || Array.isArray(event.context))) errors.push('context is not an object');
  if (maxEventSize !== null && json.length > maxEventSize) errors.push(`the event is ${json.length} characters, over the max event size of ${maxEventSize}`);
  const name = typeof event.name === 'string' ? event.name : event.event_type;
  if (typeof name !== 'string' || !DOTTED_NAME.test(name)) warnings.push(`event name ${JSON.stringify(name ?? null)} is not in namespace.object.action form`);
  return { errors, warnings, event };
}
