/** Why an event of a supported name gave no statement. */
export type XapiTransformFailure =
  /** `actorId` gave no id for the learner (an anonymous event, an unknown user). */
  | 'no-actor'
  /** A field the statement needs is missing or empty (`context.course_id` of a video event...). */
  | 'missing-field'
  /** A field holds a value the statement cannot be made of (a timestamp without a time zone...). */
  | 'invalid-value';

/**
 * An event of a supported name that cannot become a statement: where Open edX's
 * event-routing-backends raises (its `ValueError` for an unknown learner, its errors
 * for a missing field). A backend counts these and carries on.
 */
export class XapiTransformError extends Error {
  override name = 'XapiTransformError';

  constructor(
    /** The event's name. */
    readonly eventName: string,
    /** Why: see {@link XapiTransformFailure}. */
    readonly reason: XapiTransformFailure,
    detail: string,
  ) {
    super(`xAPI statement of '${eventName}': ${detail}`);
  }
}
