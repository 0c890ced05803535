import { eventCourseOf, eventSourceOf, eventTimeOf, eventTypeOf, eventUserOf, type LoggedEvent } from './tracking-line';

/** The counts of {@link LogStats}, the `top` most frequent of each kind. */
export interface LogStatsSummary {
  lines: number;
  events: number;
  /** Lines that hold no event. */
  skipped: number;
  /** The earliest and latest event times (ISO 8601, UTC), or null when no event has one. */
  first: string | null;
  last: string | null;
  /** `[value, count]`, most frequent first (ties by value), at most `top` of each. */
  eventTypes: Array<[string, number]>;
  sources: Array<[string, number]>;
  courses: Array<[string, number]>;
  users: Array<[string, number]>;
  /** How many different values each kind has. */
  distinct: { eventTypes: number; sources: number; courses: number; users: number };
}

/**
 * Counts tracking.log events by type, source, course and user, and their time range.
 * Its memory grows with the number of different values (users, courses, types), not
 * with the number of events.
 */
export class LogStats {
  lines = 0;
  events = 0;
  skipped = 0;
  private first = Number.POSITIVE_INFINITY;
  private last = Number.NEGATIVE_INFINITY;
  private readonly eventTypes = new Map<string, number>();
  private readonly sources = new Map<string, number>();
  private readonly courses = new Map<string, number>();
  private readonly users = new Map<string, number>();

  /** Counts one event. */
  add(event: LoggedEvent): void {
    this.events++;
    count(this.eventTypes, eventTypeOf(event) ?? '(none)');
    count(this.sources, eventSourceOf(event) ?? '(none)');
    count(this.courses, eventCourseOf(event) ?? '(no course)');
    count(this.users, eventUserOf(event) ?? '(anonymous)');
    const time = eventTimeOf(event);
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;
  }

  /** The counts so far, with the `top` most frequent values of each kind. */
  summary(top: number): LogStatsSummary {
    const iso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);
    return {
      lines: this.lines,
      events: this.events,
      skipped: this.skipped,
      first: iso(this.first),
      last: iso(this.last),
      eventTypes: mostFrequent(this.eventTypes, top),
      sources: mostFrequent(this.sources, top),
      courses: mostFrequent(this.courses, top),
      users: mostFrequent(this.users, top),
      distinct: { eventTypes: this.eventTypes.size, sources: this.sources.size, courses: this.courses.size, users: this.users.size },
    };
  }
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function mostFrequent(counts: Map<string, number>, top: number): Array<[string, number]> {
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, top);
}
