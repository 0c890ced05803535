import { captureContext, runWithContext, type JobContextOptions } from './job-context';

/** The field of a job's data that carries the captured context. */
export const JOB_CONTEXT_FIELD = '_eventContext';

/**
 * A job's data with the caller's event context added (as {@link JOB_CONTEXT_FIELD}),
 * for BullMQ's `queue.add()` (or any queue that stores JSON data). Outside a request
 * the field is null. The data is copied, not changed.
 *
 * @example await queue.add('enrollment', withJobContext({ courseId }))
 */
export function withJobContext<D extends object>(data: D, options: JobContextOptions = {}): D & { [JOB_CONTEXT_FIELD]: ReturnType<typeof captureContext> } {
  return { ...data, [JOB_CONTEXT_FIELD]: captureContext(options) };
}

/** The part of a BullMQ job the processor wrapper reads. */
export interface JobWithData {
  data?: unknown;
}

/**
 * Wraps a BullMQ processor so that each job runs in the event context its data
 * carries (see {@link withJobContext}): its events have the enqueuing request's user,
 * course, session, ip, agent...; a retried job the same. The context is checked as
 * {@link runWithContext} checks it. The processor's result and errors pass through.
 *
 * @example new Worker('enrollments', processInJobContext(async (job) => { ... }), { connection })
 */
export function processInJobContext<J extends JobWithData, A extends unknown[], R>(
  processor: (job: J, ...rest: A) => R,
  options: JobContextOptions = {},
): (job: J, ...rest: A) => R {
  return (job, ...rest) => {
    const data = job.data;
    const captured = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)[JOB_CONTEXT_FIELD] : undefined;
    return runWithContext(captured, () => processor(job, ...rest), options);
  };
}
