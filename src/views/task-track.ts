import { withDefaultTracker } from '../core/registry';
import { courseContextFromUrl } from '../request/course';
import type { Context } from '../core/types';

/** The context layer task events are emitted in. */
export const TASK_CONTEXT_NAME = 'edx.course.task';

/** What a background task knows of the request that started it. Missing fields are `'unknown'`. */
export interface TaskRequestInfo {
  username?: string;
  ip?: string;
  agent?: string;
  host?: string;
  [key: string]: unknown;
}

/**
 * Open edX's `task_track`: emits `eventType` from a background task through the
 * default tracker. The data is `event` merged with `taskInfo` (whose keys win); the
 * context layer `edx.course.task` holds the course of `page`, the `username`, `ip`,
 * `agent` and `host` of `requestInfo` (each `'unknown'` when missing),
 * `event_source: 'task'` and `page`. Never throws.
 */
export function taskTrack(
  requestInfo: TaskRequestInfo | null | undefined,
  taskInfo: Record<string, unknown> | null | undefined,
  eventType: string,
  event: Record<string, unknown> | null | undefined,
  page?: string | null,
): void {
  withDefaultTracker('taskTrack', eventType, (tracker) => {
    const info = requestInfo ?? {};
    const context: Context = {
      ...courseContextFromUrl(page),
      username: info.username ?? 'unknown',
      ip: info.ip ?? 'unknown',
      agent: info.agent ?? 'unknown',
      host: info.host ?? 'unknown',
      event_source: 'task',
      page: page ?? null,
    };
    tracker.context(TASK_CONTEXT_NAME, context, () => tracker.emit(eventType, { ...event, ...taskInfo }));
  });
}
