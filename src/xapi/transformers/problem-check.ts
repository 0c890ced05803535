// problem_check: one statement for a problem of one question; for a problem of several, the
// problem's statement (a GroupActivity with the score) followed by one statement per question.
import { isPlainObject } from '../../encoding/objects';
import { isPythonFalsy } from '../../encoding/python-truth';
import { pythonFloat, pythonJsonUnicode, pythonStr } from '../python-values';
import type { StatementBuilder } from '../statement-builder';
import type { XapiActivity, XapiActivityDefinition, XapiResult, XapiScore, XapiStatement, XapiVerb } from '../statement';
import { ACTIVITY, EXTENSION, VERBS } from '../vocabulary';
import { browserProblemBlock } from './block-keys';
import { problemId } from './problem';

/** Open edX's response types as xAPI interaction types; any other is `'other'`. */
const INTERACTION_TYPES: Readonly<Record<string, string>> = {
  choiceresponse: 'choice',
  multiplechoiceresponse: 'choice',
  numericalresponse: 'numeric',
  stringresponse: 'fill-in',
  customresponse: 'other',
  coderesponse: 'other',
  externalresponse: 'other',
  formularesponse: 'fill-in',
  schematicresponse: 'other',
  imageresponse: 'matching',
  annotationresponse: 'fill-in',
  choicetextresponse: 'choice',
  optionresponse: 'choice',
  symbolicresponse: 'fill-in',
  truefalseresponse: 'true-false',
};

const interactionType = (responseType: unknown): string =>
  typeof responseType === 'string' && Object.hasOwn(INTERACTION_TYPES, responseType) ? (INTERACTION_TYPES[responseType] as string) : 'other';

type Submission = Record<string, unknown>;

/** The question a statement is about: the whole problem, or one question (`childId`) of several. */
interface Question {
  readonly builder: StatementBuilder;
  readonly childId?: string;
}

/**
 * Whether the check came from the browser: no grade, the problem found from the page.
 * ERB looks at `event_source` first for the verb and the result, `context.event_source`
 * first for the object (`contextFirst`).
 */
function fromBrowser({ reader }: StatementBuilder, contextFirst = false): boolean {
  const [first, second] = contextFirst ? ['context.event_source', 'event_source'] : ['event_source', 'context.event_source'];
  return (reader.truthy(first) ?? reader.get(second)) === 'browser';
}

/** A browser check was attempted; a server check was evaluated. */
const verbOf = (builder: StatementBuilder): XapiVerb => (fromBrowser(builder) ? VERBS.attempted : VERBS.evaluated);

/** The submissions by question id, when the event has them. */
function submissions(builder: StatementBuilder, key: 'submission' | 'data.submission'): Record<string, unknown> {
  const found = builder.reader.get(key);
  return isPlainObject(found) ? found : {};
}

/** The problem's first submission with a response type, or this question's submission. */
function submissionOf({ builder, childId }: Question): Submission | undefined {
  if (childId !== undefined) {
    const own = submissions(builder, 'submission')[childId];
    return isPlainObject(own) && Object.keys(own).length > 0 ? own : undefined;
  }
  for (const submission of Object.values(submissions(builder, 'data.submission'))) {
    if (isPlainObject(submission) && !isPythonFalsy(submission.response_type)) return submission;
  }
  return undefined;
}

/** The question ids of a problem of several questions; none for a problem of one. */
function childIds(builder: StatementBuilder): string[] {
  const ids = Object.keys(submissions(builder, 'submission'));
  return ids.length > 1 ? ids : [];
}

/**
 * The question (its text, when a submission gives it; else the problem's display name), its
 * interaction type (`'other'` for a problem of several questions), the attempt number.
 */
function definitionOf(question: Question, grouped: boolean): XapiActivityDefinition {
  const { reader } = question.builder;
  const submission = submissionOf(question);
  const displayName = reader.truthy('display_name');
  const attempts = reader.truthy('data.attempts');
  const text = (value: unknown, what: string): string => {
    if (typeof value !== 'string') throw reader.fail('invalid-value', `the ${what} is not text`);
    return value;
  };
  return {
    ...(submission === undefined && displayName !== undefined ? { name: { 'en-US': text(displayName, 'display name') } } : {}),
    ...(submission === undefined ? {} : { description: { 'en-US': text(submission.question, 'question') } }),
    type: ACTIVITY.interaction,
    interactionType: grouped ? 'other' : interactionType(submission === undefined ? reader.get('response_type') : submission.response_type),
    ...(attempts === undefined ? {} : { extensions: { [EXTENSION.attemptId]: attempts } }),
  };
}

/**
 * The block's IRI: the problem's id (a question's: the problem's with the question id as its
 * last `@` part) or, for a check from the browser, the block found from the page.
 */
function objectId(question: Question): string | undefined {
  const { builder, childId } = question;
  const { reader } = builder;
  let id = problemId(builder);
  if (childId !== undefined) id = [...(id ?? '').split('@').slice(0, -1), childId].join('@');
  const referer = reader.truthy('referer') === undefined ? reader.requireText('context.referer') : reader.text('referer');
  if (!fromBrowser(builder, true)) return id ? builder.iri('xblock', id) : id;
  const block = browserProblemBlock(referer, reader.get('data'), reader.text('context.course_id'));
  if (block === null) throw reader.fail('invalid-value', "the browser event's data is not the text of its answers");
  return builder.iri('xblock', block);
}

function objectOf(question: Question, grouped: boolean): XapiActivity {
  const id = objectId(question);
  return { ...(id === undefined ? {} : { id }), objectType: grouped ? 'GroupActivity' : 'Activity', definition: definitionOf(question, grouped) };
}

/** The answer and whether it was correct, and the problem's score (not a question's); none from the browser. */
function resultOf(question: Question): XapiResult | undefined {
  const { builder, childId } = question;
  const { reader } = builder;
  if (fromBrowser(builder)) return undefined;
  const submission = submissionOf(question);
  let response: unknown;
  let correct: unknown;
  if (submission !== undefined) {
    if (!Object.hasOwn(submission, 'answer')) throw reader.fail('missing-field', "a submission has no 'answer'");
    response = submission.answer;
    correct = submission.correct;
  } else {
    // Before 2014 events had no submissions: the answers as the event gives them (not for a question alone).
    const data = reader.get('data');
    response = childId === undefined && isPlainObject(data) ? data.answers : undefined;
    correct = reader.get('success') === 'correct';
  }
  const result: XapiResult = {};
  if (childId === undefined) result.score = scoreOf(question);
  if (correct !== undefined && correct !== null) result.success = !isPythonFalsy(correct);
  if (response !== undefined && response !== null) result.response = Array.isArray(response) ? pythonJsonUnicode(response) : pythonStr(response);
  return result;
}

/** `grade` out of `max_grade`, as floats; scaled 0 when nothing can be earned. */
function scoreOf({ builder }: Question): XapiScore {
  const { reader } = builder;
  const asNumber = (key: string): number | undefined => {
    const value = reader.get(key);
    if (value === undefined) return undefined;
    const number = pythonFloat(value);
    if (number === undefined) throw reader.fail('invalid-value', `'${key}' is not a number`);
    return number;
  };
  const max = asNumber('max_grade');
  const raw = asNumber('grade');
  const scaled = max !== undefined && raw !== undefined ? (max > 0 ? raw / max : 0) : undefined;
  return { ...(scaled === undefined ? {} : { scaled }), ...(raw === undefined ? {} : { raw }), min: 0, ...(max === undefined ? {} : { max }) };
}

/** The statement of the problem, then, for a problem of several questions, one per question. */
export function problemCheck(builder: StatementBuilder): XapiStatement | XapiStatement[] {
  const verb = verbOf(builder);
  const children = childIds(builder);
  const problem: Question = { builder };
  const parent = builder.build({ verb, object: objectOf(problem, children.length > 0), result: resultOf(problem) });
  if (children.length === 0) return parent;
  const grouping = parent.context.contextActivities?.parent;
  return [
    parent,
    ...children.map((childId) => {
      const question: Question = { builder, childId };
      return builder.build(
        {
          verb,
          object: objectOf(question, false),
          result: resultOf(question),
          contextActivities: { parent: [parent.object], ...(grouping === undefined ? {} : { grouping }) },
        },
        { childId, parent },
      );
    }),
  ];
}
