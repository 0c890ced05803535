import { asyncContextLocator, openRequestFrame, type ContextLocator } from '../core/context';
import { logFailure } from '../core/errors';
import { defineOptions, option, type OptionsOf } from '../core/options';
import { findTracker } from '../core/registry';
import { Tracker } from '../core/tracker';
import { CAPTURED_CONTEXT_VERSION, CARRIED_FIELDS, carriedFields, isCapturedShape, MAX_VALUE_LENGTH, type CapturedContext, type CarryRules } from './captured-context';

const jobContextOptions = defineOptions('jobContext', {
  /** The tracker whose context is captured and restored. Default: the default tracker, else the process's async context. */
  tracker: option.instance<Tracker>('a Tracker', (value) => value instanceof Tracker),
  /** The name of the context layer a restored context is entered as. Default: `'edx.request'`. */
  contextName: option.string({ nonEmpty: true }),
  /**
   * More context fields to carry, besides Open edX's `edx.request` fields (`session`,
   * `user_id`, `username`, `ip`, `host`, `agent`, `path`, `referer`,
   * `accept_language`, `client_id`, `course_id`, `org_id`, `enterprise_uuid`).
   * Default: none.
   */
  extraFields: option.arrayOf(option.string({ nonEmpty: true })),
  /** The longest string value carried; longer ones are cut. Default: 2048. */
  maxValueLength: option.number({ min: 1, integer: true }),
});

/** Options of {@link captureContext} and {@link runWithContext}. */
export type JobContextOptions = OptionsOf<typeof jobContextOptions.fields>;

interface Resolved {
  locator: ContextLocator;
  tracker: Tracker | undefined;
  contextName: string;
  rules: CarryRules;
}

function resolve(given: JobContextOptions): Resolved {
  const options = jobContextOptions.check(given);
  const tracker = options.tracker ?? findTracker();
  return {
    tracker,
    locator: tracker?.contextLocator ?? asyncContextLocator,
    contextName: options.contextName ?? 'edx.request',
    rules: { fields: new Set([...CARRIED_FIELDS, ...(options.extraFields ?? [])]), maxValueLength: options.maxValueLength ?? MAX_VALUE_LENGTH },
  };
}

/**
 * Captures the event context of the caller — the request's user, course, session,
 * ip, agent... — as a small JSON-safe value to send with a job, or null outside any
 * request (nothing to carry). Only the request fields (and `extraFields`) are taken,
 * each a JSON scalar. Unknown options throw an `OptionsError`.
 *
 * @example await queue.add('grade', { ...data, eventContext: captureContext() })
 */
export function captureContext(options: JobContextOptions = {}): CapturedContext | null {
  const { locator, rules } = resolve(options);
  const frame = locator.current();
  if (frame === locator.root()) return null;
  const { context } = carriedFields(frame.merge(), rules);
  return Object.keys(context).length === 0 ? null : { v: CAPTURED_CONTEXT_VERSION, context };
}

/**
 * Runs `fn` (sync or async) in a context frame of its own holding `captured` as the
 * request context (the layer `contextName`), so that the events it emits carry the
 * request's fields; returns what `fn` returns. A null or undefined `captured` (a job
 * enqueued outside a request, a cron job, a script) runs `fn` in a fresh frame with no
 * request context. `captured` comes from a queue, so it is checked, never merged
 * blindly: a value not shaped as {@link captureContext} returns is refused (reported
 * through the tracker's `onError`, and `fn` runs without context); unknown fields,
 * non-scalar values and prototype keys are dropped and long strings cut. Tracking
 * never fails the job: only `fn` can throw. Unknown options throw an `OptionsError`.
 *
 * @example worker processor: (job) => runWithContext(job.data.eventContext, () => grade(job))
 */
export function runWithContext<T>(captured: unknown, fn: () => T, options: JobContextOptions = {}): T {
  const { locator, tracker, contextName, rules } = resolve(options);
  return openRequestFrame(() => {
    if (captured !== null && captured !== undefined) {
      if (isCapturedShape(captured)) {
        const { context } = carriedFields(captured.context, rules);
        locator.current().enter(contextName, context);
      } else {
        const refusal = new Error('a captured context must be what captureContext() returned ({ v: 1, context: {...} }); the job runs without one');
        (tracker?.reportFailure ?? logFailure)(refusal, { stage: 'request', component: 'runWithContext' });
      }
    }
    return fn();
  }, locator);
}
