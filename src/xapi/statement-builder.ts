import { EventReader } from './event-reader';
import { XapiTransformError } from './errors';
import { readTimestamp, type EventTimestamp } from './python-values';
import { statementId } from './statement-id';
import { ACTIVITY, EXTENSION, XAPI_VERSION } from './vocabulary';
import type { XapiActivity, XapiAgent, XapiContextActivities, XapiExtensions, XapiResult, XapiStatement, XapiVerb } from './statement';

/** The options of a transform, defaults applied. */
export interface TransformSetup {
  readonly lmsRootUrl: string;
  readonly actorId: (event: Record<string, unknown>) => string | undefined;
  readonly courseName: (courseId: string) => string | undefined;
  readonly transformerVersion: string;
}

/** What a transformer decides of a statement; the builder adds id, actor, context and timestamp. */
export interface StatementParts {
  readonly verb: XapiVerb;
  readonly object: XapiActivity;
  readonly result?: XapiResult | undefined;
  /** Default: the course as parent, when the event names one (`context.course_id`). */
  readonly contextActivities?: XapiContextActivities | undefined;
  /** Context extensions beside the transformer version and the session id. */
  readonly extensions?: XapiExtensions;
}

/** For a question of a multi-question problem: its id among the problem's answers and the problem's statement. */
export interface ChildOf {
  readonly childId: string;
  readonly parent: XapiStatement;
}

/**
 * The parts every statement of one event shares (event-routing-backends' `XApiTransformer`):
 * the learner (resolved first: an event without one fails before anything else), the
 * time, the IRIs under the LMS root, the course as parent activity, the context
 * extensions; and the assembly of a statement from a transformer's parts.
 */
export class StatementBuilder {
  readonly actor: XapiAgent;
  readonly time: EventTimestamp;

  constructor(
    readonly reader: EventReader,
    readonly setup: TransformSetup,
  ) {
    const name = setup.actorId(reader.event);
    if (typeof name !== 'string' || name === '') {
      throw new XapiTransformError(reader.name, 'no-actor', 'actorId gave no id for the learner of this event');
    }
    this.actor = { objectType: 'Agent', account: { homePage: setup.lmsRootUrl, name } };
    const raw = reader.truthy('timestamp') ?? reader.get('time');
    if (raw === undefined) throw reader.fail('missing-field', "the event has no 'timestamp' nor 'time'");
    const time = readTimestamp(raw);
    if (typeof time === 'string') throw reader.fail('invalid-value', time);
    this.time = time;
  }

  /** `<LMS root>/<type>/<id>` (`.../course/course-v1:edX+DemoX+Demo_Course`); `undefined` without an id. */
  iri(type: string, id: string | undefined): string | undefined {
    return id === undefined ? undefined : `${this.setup.lmsRootUrl}/${type}/${id}`;
  }

  /** The course of the event (`context.course_id`) as an activity, with its name when `courseName` knows it. */
  courseActivity(courseId: string, nameLanguage: 'en' | 'en-US'): XapiActivity {
    const name = this.setup.courseName(courseId);
    return {
      id: this.iri('course', courseId) as string,
      objectType: 'Activity',
      definition: { ...(typeof name === 'string' ? { name: { [nameLanguage]: name } } : {}), type: ACTIVITY.course },
    };
  }

  /** The default context activities: the course as parent, or none when the event names no course. */
  courseParent(): XapiContextActivities | undefined {
    const courseId = this.reader.text('context.course_id');
    return courseId === undefined ? undefined : { parent: [this.courseActivity(courseId, 'en-US')] };
  }

  /** A statement of `parts`; for a question of a multi-question problem, `child` links it to the problem's statement. */
  build(parts: StatementParts, child?: ChildOf): XapiStatement {
    const contextActivities = 'contextActivities' in parts ? parts.contextActivities : this.courseParent();
    const extensions = withoutNone({
      [EXTENSION.transformerVersion]: this.setup.transformerVersion,
      [EXTENSION.sessionId]: this.reader.get('session'),
      ...parts.extensions,
    });
    return {
      id: statementId(parts.verb, this.actor, this.time.raw, child?.childId),
      actor: this.actor,
      verb: parts.verb,
      object: withoutNone(parts.object),
      ...(parts.result === undefined ? {} : { result: parts.result }),
      context: {
        ...(contextActivities === undefined ? {} : { contextActivities }),
        ...(child === undefined ? {} : { statement: { id: child.parent.id, objectType: 'StatementRef' as const } }),
        extensions,
      },
      timestamp: this.time.normalized,
      version: XAPI_VERSION,
    };
  }
}

/** `values` without the keys whose value is `undefined` or `null` (tincan leaves Python's `None` out). */
export function withoutNone<T extends object>(values: T): T {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values) as [string, unknown][]) {
    if (value !== undefined && value !== null) kept[key] = value;
  }
  return kept as T;
}
