/**
 * `eventtracking/testing`: framework-independent helpers for testing code that emits
 * events. {@link assertEventMatches} compares an event with an expected one as Open
 * edX's `assert_event_matches` does, and {@link captureEvents} captures what is
 * emitted, as Open edX's `EventTrackingTestCase` does.
 * @packageDocumentation
 */
export {
  EventMatchTolerates,
  assertEventMatches,
  assertEventsEqual,
  isMatchingEvent,
  getEventDifferences,
  formatEventMismatch,
} from './matching';
export type { EventMatchFlag, EventMatchTolerance } from './matching';
export { captureEvents, FROZEN_TIME } from './capture';
export type { CaptureEventsOptions, EventCapture } from './capture';
