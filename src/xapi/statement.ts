/**
 * The shape of the xAPI statements {@link transformToXapi} returns: the parts of the
 * xAPI 1.0.3 statement that Open edX's event-routing-backends fills in, as plain JSON
 * objects (ready for `JSON.stringify`).
 */

/** A language map: language tag to text (`{ en: 'registered' }`, `{ 'en-US': 'Demonstration Course' }`). */
export type XapiLanguageMap = Record<string, string>;

/** Extensions: IRI to any JSON value. */
export type XapiExtensions = Record<string, unknown>;

/** The learner, identified by an account on the LMS. */
export interface XapiAgent {
  objectType: 'Agent';
  account: { homePage: string; name: string };
}

/** What the learner did. */
export interface XapiVerb {
  id: string;
  display: XapiLanguageMap;
}

/** What an activity is. */
export interface XapiActivityDefinition {
  name?: XapiLanguageMap;
  description?: XapiLanguageMap;
  type?: string;
  interactionType?: string;
  extensions?: XapiExtensions;
}

/** What the learner acted on; `GroupActivity` for a problem of several questions. */
export interface XapiActivity {
  /** Left out only in the statements of the transformer layer that ERB drops (never in what transformToXapi returns). */
  id?: string;
  objectType: 'Activity' | 'GroupActivity';
  definition?: XapiActivityDefinition;
}

/** A score. */
export interface XapiScore {
  scaled?: number;
  raw?: number;
  min?: number;
  max?: number;
}

/** The outcome of the statement. */
export interface XapiResult {
  score?: XapiScore;
  success?: boolean;
  completion?: boolean;
  /** An ISO 8601 duration as Python's tincan writes it: `PT03M15S`. */
  duration?: string;
  response?: string;
  extensions?: XapiExtensions;
}

/** The activities around the object. */
export interface XapiContextActivities {
  parent?: XapiActivity[];
  grouping?: XapiActivity[];
}

/** Where the statement happened. */
export interface XapiContext {
  contextActivities?: XapiContextActivities;
  /** For a question of a multi-question problem: the statement of the whole problem. */
  statement?: { id: string; objectType: 'StatementRef' };
  extensions?: XapiExtensions;
}

/** One xAPI statement. */
export interface XapiStatement {
  /** A UUID derived from the verb, the actor and the event's timestamp: a replay gives the same id. */
  id: string;
  actor: XapiAgent;
  verb: XapiVerb;
  object: XapiActivity;
  result?: XapiResult;
  context: XapiContext;
  /** The event's time, as Python's `isoformat()` writes it (`2020-07-15T06:46:41.543562+00:00`). */
  timestamp: string;
  version: '1.0.3';
}
