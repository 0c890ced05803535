import { assignOwn, isPlainObject } from '../encoding/objects';
import { parseCourseKey } from '../keys/course-key';
import { BI_SCREEN_VIEWED_NAME, FORUM_THREAD_VIEWED_LABEL } from '../processors/transformers/forum-thread-viewed';
import { MAX_PAYLOAD_DEPTH, nestedDeeperThan } from '../request/nesting';
import { parseIsoTimestamp } from '../encoding/timestamp';
import { option, type OptionsOf } from '../core/options';
import type { Tracker } from '../core/tracker';
import type { Context } from '../core/types';

/** The context layer mobile events are emitted in. */
export const SEGMENTIO_CONTEXT_NAME = 'edx.segmentio';

/** Open edX's messages for events that are refused (answered 200, and reported). */
export const SEGMENTIO_ERRORS = {
  MISSING_USER_ID: 'Required user_id missing from context',
  USER_NOT_EXIST: 'Specified user does not exist',
  INVALID_USER_ID: 'Unable to parse userId as an integer',
  INVALID_CONTEXT_FIELD_TYPE: 'The properties.context field is not a dict.',
  INVALID_DATA_FIELD_TYPE: 'The properties.data field is not a dict.',
  MISSING_DATA: 'The data field must be specified in the properties dictionary',
  MISSING_NAME: 'The name field must be specified in the properties dictionary',
  MISSING_TIMESTAMP: 'Required timestamp field not found',
  MISSING_RECEIVED_AT: 'Required receivedAt field not found',
  INVALID_TIMESTAMP: 'Unable to parse timestamp',
  INVALID_RECEIVED_AT: 'Unable to parse receivedAt',
} as const;

/** The user a mobile event belongs to, as `lookupUser` finds it. */
export interface SegmentioUser {
  id: unknown;
  username: unknown;
}

/** How mobile events are accepted and mapped; every option has Open edX's default. */
export const segmentioMappingFields = {
  /**
   * Segment library name → `event_source` (Open edX's `TRACKING_SEGMENTIO_SOURCE_MAP`);
   * events from other libraries are ignored. Default: `{ 'analytics-android': 'mobile', 'analytics-ios': 'mobile' }`.
   */
  sourceMap: option.recordOf(option.string()),
  /** Segment message types accepted, case-insensitive (`TRACKING_SEGMENTIO_ALLOWED_TYPES`). Default: `['track']`. */
  allowedTypes: option.arrayOf(option.string()),
  /**
   * Events whose name contains one of these, case-insensitive, are ignored
   * (`TRACKING_SEGMENTIO_DISALLOWED_SUBSTRING_NAMES`). Default: none.
   */
  disallowedSubstringNames: option.arrayOf(option.string()),
  /**
   * Finds the user of an integer `userId` (Open edX looks up its User table); may be
   * async; null or undefined for no such user, which refuses the event. Default: the
   * id itself, with username `''`.
   */
  lookupUser: option.function<(userId: number) => SegmentioUser | null | undefined | Promise<SegmentioUser | null | undefined>>(),
} as const;

/** How mobile events are accepted and mapped; see {@link segmentioMappingFields}. */
export type SegmentioMappingOptions = OptionsOf<typeof segmentioMappingFields>;

/** An event refused by validation: answered 200 as Open edX does, and reported. */
export class SegmentioValidationError extends Error {
  override name = 'SegmentioValidationError';
  /** The name of the refused event, once it was known. */
  eventName?: string;
}

const DEFAULT_SOURCE_MAP: Record<string, string> = { 'analytics-android': 'mobile', 'analytics-ios': 'mobile' };

/** Python's `source.get(key, fallback)`: a present key's value, null included. */
function valueOf<T>(source: Record<string, T>, key: string, fallback: T): T;
function valueOf(source: Record<string, unknown>, key: string, fallback: unknown): unknown;
function valueOf(source: Record<string, unknown>, key: string, fallback: unknown): unknown {
  return Object.prototype.hasOwnProperty.call(source, key) ? source[key] : fallback;
}

/** Open edX's `_get_dict_value_with_default`: the value when it is truthy, else the default. */
function dictValue(source: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = source[key];
  return isPlainObject(value) ? value : {};
}

/**
 * Open edX's `track_segmentio_event`: maps one Segment message (the webhook's JSON
 * body) to an event and emits it in the context layer `edx.segmentio`. Messages from
 * unknown libraries, of other types or with disallowed names are ignored silently;
 * invalid ones throw {@link SegmentioValidationError}.
 */
export async function trackSegmentioEvent(tracker: Tracker, message: Record<string, unknown>, options: SegmentioMappingOptions): Promise<void> {
  const properties = dictValue(message, 'properties');
  const segmentContext = dictValue(message, 'context');
  const libraryName = dictValue(segmentContext, 'library').name;
  const sourceMap = options.sourceMap ?? DEFAULT_SOURCE_MAP;
  const eventSource = typeof libraryName === 'string' ? valueOf(sourceMap, libraryName, undefined) : undefined;
  if (!eventSource) return;
  const context: Context = { event_source: eventSource };

  const type = message.type;
  const allowedTypes = (options.allowedTypes ?? ['track']).map((t) => t.toLowerCase());
  if (typeof type !== 'string' || !allowedTypes.includes(type.toLowerCase())) return;

  const name = eventName(properties);
  const disallowed = (options.disallowedSubstringNames ?? []).map((s) => s.toLowerCase());
  if (disallowed.some((part) => name.toLowerCase().includes(part))) return;
  try {
    await emitMobileEvent(tracker, name, message, properties, segmentContext, context, options);
  } catch (error) {
    if (error instanceof SegmentioValidationError) error.eventName = name;
    throw error;
  }
}

async function emitMobileEvent(
  tracker: Tracker,
  name: string,
  message: Record<string, unknown>,
  properties: Record<string, unknown>,
  segmentContext: Record<string, unknown>,
  context: Context,
  options: SegmentioMappingOptions,
): Promise<void> {
  if (!('data' in properties)) throw new SegmentioValidationError(SEGMENTIO_ERRORS.MISSING_DATA);
  const data = properties.data;
  if (!isPlainObject(data)) throw new SegmentioValidationError(SEGMENTIO_ERRORS.INVALID_DATA_FIELD_TYPE);
  const appContext = properties.context === undefined ? {} : properties.context;
  if (!isPlainObject(appContext)) throw new SegmentioValidationError(SEGMENTIO_ERRORS.INVALID_CONTEXT_FIELD_TYPE);
  // Deeper than this, the event could be neither copied nor encoded: refuse it by name.
  if (nestedDeeperThan(properties) || nestedDeeperThan(segmentContext)) {
    throw new SegmentioValidationError(`The event is nested more than ${MAX_PAYLOAD_DEPTH} levels deep`);
  }

  if (!('application' in appContext)) {
    context.application = {
      name: valueOf(appContext, 'app_name', ''),
      version: valueOf(dictValue(segmentContext, 'app'), 'version', ''),
    };
  }
  // The app's context is laid over ours, as in Open edX, except for what only the
  // server knows: where the event came from (the library mapping) and the session
  // (hashed by the request middleware; an app must not put a raw key there).
  const { app_name: _appName, event_source: _eventSource, session: _session, ...overlay } = appContext;
  if (Object.keys(segmentContext).length > 0) {
    const { traits: _traits, integrations: _integrations, userAgent: _userAgent, ...client } = segmentContext;
    context.client = client;
    context.agent = valueOf(segmentContext, 'userAgent', '');
  }
  assignOwn(context, overlay);

  const user = await findUser(message.userId, options);
  context.user_id = user.id;
  context.username = user.username;

  const course = parseCourseKey(typeof context.course_id === 'string' ? context.course_id : '');
  if (context.course_id && course) context.org_id = course.org;

  context.timestamp = requiredTime(message, 'timestamp', SEGMENTIO_ERRORS.MISSING_TIMESTAMP, SEGMENTIO_ERRORS.INVALID_TIMESTAMP);
  context.received_at = requiredTime(message, 'receivedAt', SEGMENTIO_ERRORS.MISSING_RECEIVED_AT, SEGMENTIO_ERRORS.INVALID_RECEIVED_AT);
  context.ip = valueOf(appContext, 'ip', '');
  if ('label' in properties) context.label = properties.label;
  if ('course_id' in properties) context.course_id = properties.course_id;

  tracker.context(SEGMENTIO_CONTEXT_NAME, context, () => tracker.emit(name, data));
}

function eventName(properties: Record<string, unknown>): string {
  if ('name' in properties) {
    if (typeof properties.name !== 'string') throw new SegmentioValidationError('The name field must be a string');
    return properties.name;
  }
  // Old Android apps sent forum-thread screen views without a name.
  if (properties.label === FORUM_THREAD_VIEWED_LABEL) return BI_SCREEN_VIEWED_NAME;
  throw new SegmentioValidationError(SEGMENTIO_ERRORS.MISSING_NAME);
}

async function findUser(userId: unknown, options: SegmentioMappingOptions): Promise<SegmentioUser> {
  if (!userId) throw new SegmentioValidationError(SEGMENTIO_ERRORS.MISSING_USER_ID);
  const id = typeof userId === 'number' ? userId : typeof userId === 'string' && /^\s*[+-]?\d+\s*$/.test(userId) ? Number(userId) : NaN;
  if (!Number.isSafeInteger(id)) throw new SegmentioValidationError(SEGMENTIO_ERRORS.INVALID_USER_ID);
  const user = options.lookupUser ? await options.lookupUser(id) : { id, username: '' };
  if (!user) throw new SegmentioValidationError(SEGMENTIO_ERRORS.USER_NOT_EXIST);
  return user;
}

function requiredTime(message: Record<string, unknown>, key: string, missing: string, invalid: string): Date {
  if (!(key in message)) throw new SegmentioValidationError(missing);
  const time = parseIsoTimestamp(message[key]);
  if (!time) throw new SegmentioValidationError(`${invalid}: ${JSON.stringify(message[key])}`);
  return time;
}
