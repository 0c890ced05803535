/**
 * `transformToXapi`: an Open edX event as the xAPI statement(s) event-routing-backends
 * writes for it.
 */
import { defineOptions, option, OptionsError } from '../core/options';
import { packageVersion } from '../core/package-version';
import { isPlainObject } from '../encoding/objects';
import { EventReader } from './event-reader';
import { TRANSFORMERS } from './registry';
import { StatementBuilder, type TransformSetup } from './statement-builder';
import type { XapiStatement } from './statement';

export { XapiTransformError, type XapiTransformFailure } from './errors';
export type * from './statement';

/** The options of {@link transformToXapi}. */
export interface XapiTransformOptions {
  /**
   * The LMS root, without a trailing slash (`https://lms.example.com`): the actor's
   * `homePage` and the start of every IRI. Default: none; required.
   */
  lmsRootUrl: string;
  /**
   * The learner's external id for xAPI (Open edX's `ExternalId` of type `xapi`), given
   * the event. When it gives nothing (an anonymous event, an unknown user), the event
   * cannot become a statement: {@link transformToXapi} throws an `XapiTransformError`
   * (reason `'no-actor'`). {@link learnerOf} gives the user id or username the event is
   * about. Default: none; required.
   */
  actorId(event: Record<string, unknown>): string | undefined;
  /** The display name of a course, by course id; without it (or when it gives nothing) activities of courses have no `name`. Default: none. */
  courseName?(courseId: string): string | undefined;
  /** The `transformer-version` context extension. Default: `'eventtracking@<this package's version>'`. */
  transformerVersion?: string;
}

/** The schema of {@link XapiTransformOptions}: `xapiTransformOptions.extend(...)` for a component that takes them among its own. */
export const xapiTransformOptions = defineOptions('transformToXapi', {
  lmsRootUrl: option.string({ nonEmpty: true }),
  actorId: option.function<XapiTransformOptions['actorId']>(),
  courseName: option.function<NonNullable<XapiTransformOptions['courseName']>>(),
  transformerVersion: option.string({ nonEmpty: true }),
});

/** The options already checked, by options object: a backend passes the same object for every event. */
const setups = new WeakMap<object, TransformSetup>();

function setupOf(options: XapiTransformOptions): TransformSetup {
  const known = isPlainObject(options) ? setups.get(options) : undefined;
  if (known) return known;
  const checked = xapiTransformOptions.check(options);
  for (const name of ['lmsRootUrl', 'actorId'] as const) {
    if (checked[name] === undefined) throw new OptionsError('transformToXapi', `option '${name}' is required`);
  }
  const { courseName } = checked;
  const setup: TransformSetup = {
    lmsRootUrl: checked.lmsRootUrl as string,
    actorId: checked.actorId as TransformSetup['actorId'],
    courseName: courseName ? (courseId) => courseName(courseId) : () => undefined,
    transformerVersion: checked.transformerVersion ?? `eventtracking@${packageVersion()}`,
  };
  setups.set(options, setup);
  return setup;
}

/** The names of the events {@link transformToXapi} turns into statements (the 65 event-routing-backends supports). */
export const XAPI_EVENT_NAMES: readonly string[] = [...TRANSFORMERS.keys()];

/**
 * The statement(s) event-routing-backends writes for `event`, checked as its
 * `XApiProcessor` checks them: `null` when one of them has no object id (ERB sends
 * nothing then; a browser `problem_check` without a page to find the problem in, a
 * special-exam event without `event.exam_content_id`).
 *
 * @param event an event as emitted (`{ name, timestamp, data, context }`) or a
 * tracking.log line (`{ name, event_type, time, event, ... }`), read as ERB's
 * transformers read it. For log files, pass lines through `fromTrackingLog` first, as
 * ERB's `transform_tracking_logs` does: most transformers read `data`.
 * @returns one statement; `[problem, ...questions]` for a `problem_check` of several
 * questions; `null` for an event name ERB does not transform (never throws for those)
 * or when ERB would send nothing.
 * @throws {@link XapiTransformError} for an event of a supported name that cannot be a
 * statement: no actor id (`options.actorId` gave nothing), a missing or invalid field.
 * @throws `OptionsError` for wrong options.
 */
export function transformToXapi(event: unknown, options: XapiTransformOptions): XapiStatement | XapiStatement[] | null {
  const statements = statementsOf(event, options);
  if (statements === null) return null;
  const all = Array.isArray(statements) ? statements : [statements];
  return all.every((statement) => statement.object.id !== undefined) ? statements : null;
}

/**
 * What event-routing-backends' transformer makes of `event`, before its processor drops
 * statements without an object id: the layer its fixture tests compare.
 */
export function statementsOf(event: unknown, options: XapiTransformOptions): XapiStatement | XapiStatement[] | null {
  const setup = setupOf(options);
  if (!isPlainObject(event)) return null;
  const name = eventName(event);
  const transformer = name === undefined ? undefined : TRANSFORMERS.get(name);
  if (name === undefined || transformer === undefined) return null;
  const source = event.name === name ? event : { name, ...event };
  return transformer(new StatementBuilder(new EventReader(source, name), setup));
}

/** The event's `name`; a tracking.log line without one is named by its `event_type`. */
function eventName(event: Record<string, unknown>): string | undefined {
  if (typeof event.name === 'string') return event.name;
  return event.name === undefined && typeof event.event_type === 'string' ? event.event_type : undefined;
}

/**
 * The learner an event is about, as event-routing-backends picks it: `data.user_id`,
 * else `data.username`, else the first `user_id` or `username` found in the event
 * (the context's, in an emitted event). For `actorId`, to look up the learner's xAPI id.
 */
export function learnerOf(event: Record<string, unknown>): string | number | undefined {
  const reader = new EventReader(event, '');
  const found = reader.truthy('data.user_id') ?? reader.truthy('data.username') ?? reader.truthy('user_id') ?? reader.truthy('username');
  return typeof found === 'string' || typeof found === 'number' ? found : undefined;
}
