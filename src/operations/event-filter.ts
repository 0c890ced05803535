import { eventCourseOf, eventIsUser, eventSourceOf, eventTimeOf, type LoggedEvent } from './tracking-line';

/** What {@link eventFilter} keeps: every criterion given must hold; within one, any of its values. */
export interface EventCriteria {
  /** Globs the event's `name` or `event_type` must match (`*` any characters, `?` one, `[...]` one of). */
  names?: readonly string[];
  /** Usernames or user ids (`42` or `#42`). */
  users?: readonly string[];
  /** Course ids, or globs of them. */
  courses?: readonly string[];
  /** `event_source` values: `server`, `browser`, `mobile`, `task`. */
  sources?: readonly string[];
  /** Keeps events at or after this time (ms since the epoch). */
  since?: number;
  /** Keeps events before this time (ms since the epoch). */
  until?: number;
}

/**
 * A test of tracking.log events against `criteria`. An event without a readable
 * time (`time`, or `timestamp`) fails `since` and `until`.
 */
export function eventFilter(criteria: EventCriteria): (event: LoggedEvent) => boolean {
  const tests: Array<(event: LoggedEvent) => boolean> = [];
  if (criteria.names?.length) {
    const names = criteria.names.map(globToRegExp);
    tests.push((event) => names.some((glob) => (typeof event.name === 'string' && glob.test(event.name)) || (typeof event.event_type === 'string' && glob.test(event.event_type))));
  }
  if (criteria.users?.length) {
    const users = criteria.users;
    tests.push((event) => users.some((user) => eventIsUser(event, user)));
  }
  if (criteria.courses?.length) {
    const courses = criteria.courses.map(globToRegExp);
    tests.push((event) => {
      const course = eventCourseOf(event);
      return course !== undefined && courses.some((glob) => glob.test(course));
    });
  }
  if (criteria.sources?.length) {
    const sources = new Set(criteria.sources);
    tests.push((event) => sources.has(eventSourceOf(event) ?? ''));
  }
  const { since, until } = criteria;
  if (since !== undefined || until !== undefined) {
    tests.push((event) => {
      const time = eventTimeOf(event);
      return !Number.isNaN(time) && (since === undefined || time >= since) && (until === undefined || time < until);
    });
  }
  return (event) => tests.every((test) => test(event));
}

/** A shell glob as an anchored RegExp: `*` any characters, `?` one, `[abc]` / `[!abc]` one of / none of; the rest literal. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string;
    if (char === '*') source += '[\\s\\S]*';
    else if (char === '?') source += '[\\s\\S]';
    else if (char === '[' && glob.indexOf(']', i + 2) > i) {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end);
      const negated = body.startsWith('!') || body.startsWith('^');
      source += `[${negated ? '^' : ''}${(negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
