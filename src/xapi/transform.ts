/**
 * PLACEHOLDER of the xAPI transformer, for the xapi-backend branch only: the
 * xapi-transform branch's file replaces it at merge. It has the agreed signature and
 * handles two event names (enrollment activated / deactivated) so that the backend,
 * the replay command and their tests can run; every other name gives `null`.
 */
import { createHash } from 'node:crypto';

/** One xAPI statement, as sent to a learning record store. */
export interface XapiStatement {
  id: string;
  actor: Record<string, unknown>;
  verb: { id: string; display?: Record<string, string> };
  object: Record<string, unknown>;
  timestamp?: string;
  version?: string;
  context?: Record<string, unknown>;
  result?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Options of {@link transformToXapi}. */
export interface XapiTransformOptions {
  /** The LMS root URL, for the actor's `homePage` and every IRI. Required. */
  lmsRootUrl: string;
  /** The learner's external id for an event; undefined when there is none (the event cannot be transformed). Required. */
  actorId(event: unknown): string | undefined;
  /** The display name of a course. Default: none (`name` is left out). */
  courseName?(courseId: string): string | undefined;
  /** The `transformer-version` context extension. Default: `eventtracking@<version>`. */
  transformerVersion?: string;
}

/** A supported event that cannot be transformed: no actor id. */
export class XapiTransformError extends Error {
  override name = 'XapiTransformError';
}

const VERBS: Record<string, { id: string; display: string }> = {
  'edx.course.enrollment.activated': { id: 'http://adlnet.gov/expapi/verbs/registered', display: 'registered' },
  'edx.course.enrollment.deactivated': { id: 'http://id.tincanapi.com/verb/unregistered', display: 'unregistered' },
};

/**
 * The xAPI statement for `event` (an emitted event or a tracking.log line), or null
 * when its name is not supported. Throws {@link XapiTransformError} when the event has
 * a supported name and `actorId` gives nothing.
 */
export function transformToXapi(event: unknown, options: XapiTransformOptions): XapiStatement | XapiStatement[] | null {
  const fields = (event ?? {}) as Record<string, unknown>;
  const name = fields.name ?? fields.event_type;
  const verb = typeof name === 'string' ? VERBS[name] : undefined;
  if (verb === undefined) return null;
  const actorName = options.actorId(event);
  if (!actorName) throw new XapiTransformError(`no actor id for the event '${String(name)}'`);
  const data = (typeof fields.event === 'string' ? JSON.parse(fields.event) : (fields.data ?? fields.event ?? {})) as Record<string, unknown>;
  const courseId = String(data.course_id ?? '');
  const time = fields.timestamp ?? fields.time;
  const timestamp = time instanceof Date ? time.toISOString() : String(time);
  const root = options.lmsRootUrl.replace(/\/+$/, '');
  const actor = { objectType: 'Agent', account: { homePage: root, name: actorName } };
  const verbPart = { id: verb.id, display: { 'en-US': verb.display } };
  const courseName = options.courseName?.(courseId);
  return {
    id: uuid5(JSON.stringify({ actor, verb: verbPart, timestamp })),
    actor,
    verb: verbPart,
    object: {
      id: `${root}/course/${courseId}`,
      objectType: 'Activity',
      definition: { type: 'http://adlnet.gov/expapi/activities/course', ...(courseName ? { name: { 'en-US': courseName } } : {}) },
    },
    timestamp,
    version: '1.0.3',
    context: { extensions: { 'https://w3id.org/xapi/openedx/extension/transformer-version': options.transformerVersion ?? 'eventtracking' } },
  };
}

/** A name-based UUID (version 5, SHA-1) of `text` in the URL namespace. */
function uuid5(text: string): string {
  const namespace = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const hash = createHash('sha1').update(namespace).update(text).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
