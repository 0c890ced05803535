/**
 * The Open edX naming convention for events: `namespace.object.action`, lower case
 * words joined by dots, the last word a past-tense verb (`edx.course.enrollment.activated`).
 */

/** Past-tense verbs that do not end in `-ed`. */
const IRREGULAR_PAST = new Set([
  'begun', 'bought', 'broken', 'brought', 'built', 'caught', 'chosen', 'done', 'drawn', 'found', 'forgotten',
  'frozen', 'given', 'gone', 'got', 'gotten', 'held', 'hidden', 'hit', 'kept', 'known', 'led', 'left', 'lost',
  'made', 'met', 'paid', 'put', 'read', 'run', 'said', 'seen', 'sent', 'set', 'shown', 'shut', 'sold', 'spent',
  'split', 'spoken', 'taken', 'taught', 'told', 'thrown', 'understood', 'undone', 'won', 'written', 'withdrawn',
]);

const WORD = /^[a-z][a-z0-9_]*$/;

/**
 * Why `name` breaks the convention, or `undefined` when it follows it.
 *
 * @example
 * ```ts
 * nameConventionProblem('edx.course.enrollment.activated'); // undefined
 * nameConventionProblem('edx.video.play');
 * // "the last word 'play' should be a past-tense verb (e.g. 'played'): an event records what happened"
 * ```
 */
export function nameConventionProblem(name: string): string | undefined {
  const words = name.split('.');
  if (words.length < 3) {
    return `it has ${words.length} dot-separated part${words.length === 1 ? '' : 's'}; the convention is namespace.object.action (e.g. 'edx.course.enrollment.activated')`;
  }
  const bad = words.find((word) => !WORD.test(word));
  if (bad !== undefined) {
    return `the part '${bad}' is not a lower-case word (letters, digits and '_', starting with a letter)`;
  }
  const action = words[words.length - 1] as string;
  const verb = action.split('_').pop() as string;
  if (!verb.endsWith('ed') && !IRREGULAR_PAST.has(verb)) {
    return `the last word '${verb}' should be a past-tense verb (e.g. '${pastTenseHint(verb)}'): an event records what happened`;
  }
  return undefined;
}

function pastTenseHint(verb: string): string {
  if (verb.endsWith('e')) return `${verb}d`;
  if (verb.endsWith('y') && !/[aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ied`;
  return `${verb}ed`;
}
