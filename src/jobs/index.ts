/**
 * eventtracking/jobs: the event context of a request carried into background jobs
 * (BullMQ or any queue of JSON data), and run around cron jobs and scripts.
 * @packageDocumentation
 */
export { captureContext, runWithContext } from './job-context';
export type { JobContextOptions } from './job-context';
export { CARRIED_FIELDS } from './captured-context';
export type { CapturedContext, CapturedValue } from './captured-context';
export { JOB_CONTEXT_FIELD, processInJobContext, withJobContext } from './bullmq';
export type { JobWithData } from './bullmq';
