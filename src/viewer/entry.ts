import type { TrackedEvent } from '../core/types';
import type { EventProblem } from '../events/report';

/** One event as the viewer shows it. */
export interface ViewerEntry {
  /** Its number in the viewer, from 1. */
  readonly id: number;
  /** The event's name. */
  readonly name: string;
  /** Who: the context's `username`, else its `user_id`; `''` when there is none. */
  readonly user: string;
  /** The context's `course_id`; `''` when there is none. */
  readonly course: string;
  /** The context's `event_source`: `'server'` when there is none. */
  readonly source: string;
  /** The problems of the event against its definition (empty without a registry). */
  readonly problems: readonly EventProblem[];
  /** The whole event, censored, as JSON data (timestamps as ISO text). */
  readonly event: unknown;
}

/** The viewer's summary of a censored event. */
export function toEntry(id: number, event: TrackedEvent, problems: readonly EventProblem[]): ViewerEntry {
  const context = (typeof event.context === 'object' && event.context !== null ? event.context : {}) as Record<string, unknown>;
  const user = context.username || context.user_id;
  return {
    id,
    name: String(event.name ?? ''),
    user: user === undefined || user === null ? '' : String(user),
    course: typeof context.course_id === 'string' ? context.course_id : '',
    source: typeof context.event_source === 'string' ? context.event_source : 'server',
    problems,
    event,
  };
}
