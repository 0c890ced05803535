import { toError } from '../core/errors';
import { defineOptions, option, type OptionsOf } from '../core/options';
import { isPlainObject } from '../encoding/objects';
import { ClientError } from '../request/client-error';
import type { UserTrackParams } from '../request/event-params';
import type { RequestUser } from '../request/request-context';
import { courseContextFromUrl } from '../request/course';
import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../request/nesting';
import type { Tracker } from '../core/tracker';
import type { Context } from '../core/types';
import { viewUsername } from '../request/server-event';
import { userFields } from '../request/request-context';
import { trackerOption } from '../request/tracker-option';
import { originOption } from './cross-origin';

/** The context layer browser events are emitted in. */
export const BROWSER_CONTEXT_NAME = 'edx.course.browser';

/** The longest event name `/event` accepts. */
export const MAX_EVENT_TYPE_LENGTH = 255;

/** Options of the `/event` endpoint shared by every framework adapter; each adapter adds its `getUser`. */
export const userTrackOptions = defineOptions('userTrackHandler', {
  /** The tracker events go to. Default: the default tracker, looked up per request. */
  tracker: trackerOption,
  /** The longest `event` payload accepted, in characters; longer answers 413. Default: 50000. */
  maxEventSize: option.number({ min: 1, integer: true }),
  /** The largest request body read, in bytes; larger answers 413. Default: 65536. */
  maxBodySize: option.number({ min: 1, integer: true }),
  /**
   * Finds the id of the user named by a `username` inside the payload, which Open
   * edX adds to the payload as `user_id` when the payload has none. It may be async;
   * return null or undefined for no such user. Default: no lookup.
   */
  lookupUserId: option.function<(username: string) => unknown>(),
  /**
   * Refuses, with a 403 giving the reason, the requests a page of another origin made
   * a visitor's browser send (a forged event would carry the visitor's cookies): as the
   * browser tells with `Sec-Fetch-Site` (`same-origin` and `none` are accepted), else
   * with `Origin` (accepted when it names the request's host). Requests with neither
   * header come from no browser, or one too old to tell, and are accepted. Open edX's
   * `/event` refuses a POST without Django's CSRF token. Default: true.
   */
  refuseCrossOrigin: option.boolean(),
  /**
   * Origins whose pages may send events too (`'https://apps.example.com'`), as Open
   * edX's `CSRF_TRUSTED_ORIGINS`: sibling sites (`same-site`) are other origins as well.
   * Default: none; the app's own origin is always accepted.
   */
  allowedOrigins: option.arrayOf(originOption),
});

/** Options of the `/event` endpoint shared by every framework adapter. */
export type UserTrackOptions = OptionsOf<typeof userTrackOptions.fields>;

/**
 * Open edX's `user_track` view, given the parameters already read: validates them,
 * decodes the JSON payload (a payload that is not JSON is kept as the raw string),
 * and emits the event in the context layer `edx.course.browser` (course from
 * `courserun_key`, else from `page`; `username`; `event_source: 'browser'`; `page`).
 * With `ownUser` (the handler's own `getUser` named the user, not trackMiddleware),
 * the layer holds that user's `user_id` too, so that `user_id` and `username` of the
 * event describe one user. Throws {@link ClientError} for a client error.
 */
export async function trackUserEvent(
  tracker: Tracker,
  user: RequestUser | undefined,
  params: UserTrackParams,
  options: UserTrackOptions,
  ownUser = false,
): Promise<void> {
  const name = optionalString(params.event_type, 'event_type');
  if (name.length > MAX_EVENT_TYPE_LENGTH) {
    throw new ClientError(400, `event_type is ${name.length} characters; at most ${MAX_EVENT_TYPE_LENGTH} are accepted`);
  }
  const page = optionalString(params.page, 'page');
  const courserunKey = params.courserun_key === null ? '' : optionalString(params.courserun_key, 'courserun_key');
  const data = await decodePayload(params.event, options, tracker, name);
  const context: Context = { ...courseContextFromUrl(page, courserunKey) };
  if (ownUser) context.user_id = userFields(user)[0];
  context.username = viewUsername(user);
  context.event_source = 'browser';
  context.page = page;
  tracker.context(BROWSER_CONTEXT_NAME, context, () => tracker.emit(name, data));
}

function optionalString(value: unknown, field: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ClientError(400, `${field} must be a string`);
  return value;
}

async function decodePayload(raw: unknown, options: UserTrackOptions, tracker: Tracker, name: string): Promise<unknown> {
  const maxEventSize = options.maxEventSize ?? 50000;
  let data: unknown;
  if (raw === undefined || raw === null) return {};
  if (typeof raw === 'string') {
    if (raw.length > maxEventSize) throw tooLarge(raw.length, maxEventSize);
    data = parseJsonOrKeep(raw);
    if (nestedDeeperThan(data)) throw tooDeep();
  } else if (typeof raw === 'object') {
    if (nestedDeeperThan(raw)) throw tooDeep();
    const size = JSON.stringify(raw).length;
    if (size > maxEventSize) throw tooLarge(size, maxEventSize);
    data = raw;
  } else {
    throw new ClientError(400, 'event must be a JSON string or a JSON object');
  }
  if (options.lookupUserId && isPlainObject(data) && 'username' in data && !('user_id' in data)) {
    try {
      const userId = await options.lookupUserId(String(data.username));
      if (userId !== undefined && userId !== null) data.user_id = userId;
    } catch (error) {
      tracker.reportFailure(toError(error), { stage: 'request', component: 'lookupUserId', eventName: name });
    }
  }
  return data;
}

function parseJsonOrKeep(text: string): unknown {
  if (text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function tooDeep(): ClientError {
  return new ClientError(400, `event is nested more than ${MAX_PAYLOAD_DEPTH} levels deep`);
}

function tooLarge(size: number, limit: number): ClientError {
  return new ClientError(413, `event is ${size} characters; at most ${limit} are accepted`);
}
