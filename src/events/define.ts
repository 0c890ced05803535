import type { Static, TSchema } from '@sinclair/typebox';
import { OptionsError } from '../core/options';
import { compileSchema, type DataProblem } from './problems';
import { nameConventionProblem } from './naming';

/** Where an event is emitted: on the server, in the browser, by the mobile apps, or by a background job. */
export type EventSource = 'server' | 'browser' | 'mobile' | 'job';

const SOURCES: readonly EventSource[] = ['server', 'browser', 'mobile', 'job'];

/** What an app declares about one event it emits (the argument of {@link defineEvent}). */
export interface EventDeclaration<N extends string, S extends TSchema> {
  /** The event's name, `namespace.object.action`: `'edx.course.enrollment.activated'`. */
  name: N;
  /** What the event records and when it is emitted, in a sentence or two. */
  description: string;
  /** Who answers questions about it: a team or a person. */
  owner: string;
  /**
   * The payload's schema, built with TypeBox's `Type` (re-exported by `eventtracking/events`):
   * a JSON Schema whose fields carry a `description`. TypeScript infers the payload type from it.
   */
  data: S;
  /** An example payload; it must match `data` (checked here). */
  example: Static<S>;
  /** Where the event is emitted. */
  emittedFrom: readonly EventSource[];
  /**
   * Context fields of the example event in the reference, over those of its made-up request
   * by `alice` (say the `course_id` of the course page a browser event comes from: without one,
   * the course is the example payload's `course_id`, or none). Default: none.
   */
  exampleContext?: Record<string, unknown>;
  /**
   * `true` for a name Open edX already uses that breaks the convention (`play_video`,
   * `edx.user.login`): it is kept for compatibility, without the naming warning. Default: false.
   */
  legacyName?: boolean;
}

/** A declared event: its declaration, checked, with a compiled validator for its payload. */
export interface EventDefinition<N extends string = string, S extends TSchema = TSchema> extends Readonly<EventDeclaration<N, S>> {
  /** Why the name breaks the `namespace.object.action` convention (also emitted as a process warning); `undefined` when it does not, or for a `legacyName`. */
  readonly nameWarning: string | undefined;
  /** The problems of `data` against the schema, each with its JSON pointer path; empty when it matches. */
  checkData(data: unknown): DataProblem[];
}

/**
 * Declares one event. A declaration that contradicts itself (a missing description, an
 * example that does not match the schema, an unknown source) throws an `OptionsError`; a
 * name that breaks the naming convention is allowed, with a process warning
 * (`EVENTTRACKING_EVENT_NAME`) that gives the reason.
 *
 * @example
 * ```ts
 * const activated = defineEvent({
 *   name: 'edx.course.enrollment.activated',
 *   description: 'A learner enrolled in a course.',
 *   owner: 'enrollments team',
 *   data: Type.Object({ course_id: Type.String({ description: 'The course key.' }) }),
 *   example: { course_id: 'course-v1:edX+DemoX+Demo_Course' },
 *   emittedFrom: ['server'],
 * });
 * ```
 */
export function defineEvent<const N extends string, S extends TSchema>(declaration: EventDeclaration<N, S>): EventDefinition<N, S> {
  const where = `defineEvent(${JSON.stringify(declaration?.name)})`;
  if (typeof declaration !== 'object' || declaration === null) throw new OptionsError('defineEvent', 'expects a declaration object');
  const { name, description, owner, data, example, emittedFrom, exampleContext, legacyName = false } = declaration;
  const unknown = Object.keys(declaration).filter((key) => !DECLARATION_KEYS.includes(key));
  if (unknown.length > 0) throw new OptionsError(where, `unknown field '${unknown[0]}'; the fields are ${DECLARATION_KEYS.join(', ')}`);
  if (typeof name !== 'string' || name === '') throw new OptionsError('defineEvent', "field 'name' must be a non-empty string");
  for (const [field, value] of [['description', description], ['owner', owner]] as const) {
    if (typeof value !== 'string' || value.trim() === '') throw new OptionsError(where, `field '${field}' must be a non-empty string`);
  }
  if (!Array.isArray(emittedFrom) || emittedFrom.length === 0 || emittedFrom.some((source) => !SOURCES.includes(source))) {
    throw new OptionsError(where, `field 'emittedFrom' must be a non-empty array of ${SOURCES.map((s) => `'${s}'`).join(', ')}`);
  }
  if (typeof legacyName !== 'boolean') throw new OptionsError(where, "field 'legacyName' must be true or false");
  if (exampleContext !== undefined && (typeof exampleContext !== 'object' || exampleContext === null || Array.isArray(exampleContext))) {
    throw new OptionsError(where, "field 'exampleContext' must be an object of context fields ({ course_id: '...' })");
  }
  if (typeof data !== 'object' || data === null) throw new OptionsError(where, "field 'data' must be a schema (Type.Object({...}))");
  const checkData = compileSchema(data);
  const exampleProblems = checkData(example);
  if (exampleProblems.length > 0) {
    throw new OptionsError(where, `the example does not match the schema: ${exampleProblems.map((p) => `${p.path || '/'} ${p.message}`).join('; ')}`);
  }
  const nameWarning = legacyName ? undefined : nameConventionProblem(name);
  if (nameWarning !== undefined) {
    process.emitWarning(`event name '${name}' breaks the naming convention: ${nameWarning}`, { code: 'EVENTTRACKING_EVENT_NAME' });
  }
  return Object.freeze({ name, description, owner, data, example, emittedFrom: Object.freeze([...emittedFrom]), exampleContext, legacyName, nameWarning, checkData });
}

const DECLARATION_KEYS = ['name', 'description', 'owner', 'data', 'example', 'emittedFrom', 'exampleContext', 'legacyName'];
