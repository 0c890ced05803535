import { encodeJson } from '../../encoding/json';
import { LegacyFieldMappingProcessor } from '../../processors/legacy-field-mapping';
import type { EventDefinition } from '../define';

/** The time of every example event: Open edX's frozen test time, so the reference is the same at every run. */
const EXAMPLE_TIME = new Date(Date.UTC(2013, 9, 3, 8, 24, 55));

/**
 * The definition's example as a tracking.log line holds it (the legacy layout, with the
 * common fields of a request by the user `alice` of the course of the example, if it
 * names one, and the definition's `exampleContext`), for the first place the event is
 * emitted from. Always the same object.
 */
export function exampleLegacyEvent(definition: EventDefinition): Record<string, unknown> {
  const example = definition.example as Record<string, unknown>;
  const given = definition.exampleContext ?? {};
  const named = given.course_id ?? example?.course_id;
  const courseId = typeof named === 'string' ? named : '';
  const source = definition.emittedFrom[0] === 'browser' || definition.emittedFrom[0] === 'mobile' ? definition.emittedFrom[0] : 'server';
  const context: Record<string, unknown> = {
    course_id: courseId,
    org_id: /^course-v1:([^+]+)\+/.exec(courseId)?.[1] ?? '',
    user_id: 42,
    username: 'alice',
    path: source === 'browser' ? '/event' : '/courses/',
    session: '3b4f8f7c2e1d4a6b9c0d1e2f3a4b5c6d',
    ip: '203.0.113.7',
    agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    host: 'lms.example.com',
    referer: 'https://lms.example.com/dashboard',
    accept_language: 'en-US,en;q=0.9',
  };
  if (source !== 'server') context.event_source = source;
  if (source === 'browser') context.page = 'https://lms.example.com/courses/';
  Object.assign(context, given);
  const event = new LegacyFieldMappingProcessor().process({ name: definition.name, timestamp: EXAMPLE_TIME, data: example, context });
  // The line as LoggerBackend writes it, parsed as a reader of tracking.log parses it.
  return JSON.parse(encodeJson(event, 'python')) as Record<string, unknown>;
}
