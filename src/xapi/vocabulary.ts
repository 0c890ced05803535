/**
 * The IRIs of the statements event-routing-backends writes: verbs, activity types,
 * extension keys (these are facts of the xAPI profile Open edX uses).
 */

const verb = (id: string, display: string) => ({ id, display: { en: display } });

/** The verbs, each with its English display name. */
export const VERBS = {
  asked: verb('http://adlnet.gov/expapi/verbs/asked', 'asked'),
  attempted: verb('http://adlnet.gov/expapi/verbs/attempted', 'attempted'),
  completed: verb('http://adlnet.gov/expapi/verbs/completed', 'completed'),
  deleted: verb('https://w3id.org/xapi/dod-isd/verbs/deleted', 'deleted'),
  earned: verb('http://id.tincanapi.com/verb/earned', 'earned'),
  edited: verb('https://w3id.org/xapi/acrossx/verbs/edited', 'edited'),
  evaluated: verb('https://w3id.org/xapi/acrossx/verbs/evaluated', 'evaluated'),
  failed: verb('http://adlnet.gov/expapi/verbs/failed', 'failed'),
  initialized: verb('http://adlnet.gov/expapi/verbs/initialized', 'initialized'),
  interacted: verb('http://adlnet.gov/expapi/verbs/interacted', 'interacted'),
  navigated: verb('https://w3id.org/xapi/dod-isd/verbs/navigated', 'navigated'),
  passed: verb('http://adlnet.gov/expapi/verbs/passed', 'passed'),
  paused: verb('https://w3id.org/xapi/video/verbs/paused', 'paused'),
  played: verb('https://w3id.org/xapi/video/verbs/played', 'played'),
  posted: verb('https://w3id.org/xapi/acrossx/verbs/posted', 'posted'),
  progressed: verb('http://adlnet.gov/expapi/verbs/progressed', 'progressed'),
  registered: verb('http://adlnet.gov/expapi/verbs/registered', 'registered'),
  reported: verb('https://w3id.org/xapi/acrossx/verbs/reported', 'reported'),
  seeked: verb('https://w3id.org/xapi/video/verbs/seeked', 'seeked'),
  terminated: verb('http://adlnet.gov/expapi/verbs/terminated', 'terminated'),
  unregistered: verb('http://id.tincanapi.com/verb/unregistered', 'unregistered'),
  unreported: verb('https://w3id.org/xapi/openedx/verb/unreported', 'unreported'),
  viewed: verb('http://id.tincanapi.com/verb/viewed', 'viewed'),
  voted: verb('https://w3id.org/xapi/openedx/verb/voted', 'voted'),
} as const;

/** Activity types. */
export const ACTIVITY = {
  course: 'http://adlnet.gov/expapi/activities/course',
  discussion: 'http://id.tincanapi.com/activitytype/discussion',
  examAttempt: 'http://adlnet.gov/expapi/activities/attempt',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
  link: 'http://adlnet.gov/expapi/activities/link',
  module: 'http://adlnet.gov/expapi/activities/module',
  practiceAssessment: 'https://w3id.org/xapi/openedx/activity/practice-assessment',
  proctoredAssessment: 'https://w3id.org/xapi/openedx/activity/proctored-assessment',
  question: 'http://adlnet.gov/expapi/activities/question',
  resource: 'http://id.tincanapi.com/activitytype/resource',
  solution: 'http://id.tincanapi.com/activitytype/solution',
  supplementalInfo: 'https://w3id.org/xapi/acrossx/extensions/supplemental-info',
  timedAssessment: 'https://w3id.org/xapi/openedx/activity/timed-assessment',
  video: 'https://w3id.org/xapi/video/activity-type/video',
} as const;

/** Extension keys (of activities, contexts and results). */
export const EXTENSION = {
  attemptCompleted: 'https://w3id.org/xapi/openedx/extension/attempt-completed',
  attemptId: 'http://id.tincanapi.com/extension/attempt-id',
  attemptStarted: 'https://w3id.org/xapi/openedx/extension/attempt-started',
  ccEnabled: 'https://w3id.org/xapi/video/extensions/cc-enabled',
  duration: 'http://id.tincanapi.com/extension/duration',
  endingPosition: 'http://id.tincanapi.com/extension/ending-point',
  gradeClassification: 'http://www.tincanapi.co.uk/activitytypes/grade_classification',
  mode: 'https://w3id.org/xapi/acrossx/extensions/type',
  progress: 'https://w3id.org/xapi/cmi5/result/extensions/progress',
  sessionId: 'https://w3id.org/xapi/openedx/extensions/session-id',
  speedFrom: 'https://w3id.org/xapi/openedx/extension/speed-from',
  speedTo: 'https://w3id.org/xapi/openedx/extension/speed-to',
  startingPosition: 'http://id.tincanapi.com/extension/starting-position',
  timeLimit: 'https://w3id.org/xapi/acrossx/extensions/time-limit',
  totalItems: 'https://w3id.org/xapi/acrossx/extensions/total-items',
  transformerVersion: 'https://w3id.org/xapi/openedx/extension/transformer-version',
  videoLength: 'https://w3id.org/xapi/video/extensions/length',
  videoTime: 'https://w3id.org/xapi/video/extensions/time',
  videoTimeFrom: 'https://w3id.org/xapi/video/extensions/time-from',
  videoTimeTo: 'https://w3id.org/xapi/video/extensions/time-to',
} as const;

/** The xAPI version every statement declares. */
export const XAPI_VERSION = '1.0.3';
