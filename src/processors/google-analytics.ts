import { defineOptions } from '../core/options';
import { isPlainObject } from '../encoding/objects';
import type { TrackedEvent } from '../core/types';

/**
 * Open edX's `track.shim.GoogleAnalyticsProcessor`, run on the Segment branch only:
 * returns a shallow copy of the event with `label` set to the context's `course_id`
 * (when the context has one that is not `null`/`undefined`) and `nonInteraction`
 * always `1`, so that Google Analytics files the event under its course and does
 * not count it as an interaction. The event otherwise keeps its raw form
 * (`name`, `timestamp`, `data`, `context`).
 */
export class GoogleAnalyticsProcessor {
  /** A GoogleAnalyticsProcessor takes no options. */
  static readonly options = defineOptions('GoogleAnalyticsProcessor', {});

  process(event: TrackedEvent): TrackedEvent {
    const copy: TrackedEvent = { ...event };
    const context = isPlainObject(event.context) ? event.context : undefined;
    const courseId = context?.course_id;
    if (courseId !== null && courseId !== undefined) copy.label = courseId;
    copy.nonInteraction = 1;
    return copy;
  }
}
